//! The saved Nookal connection in `storage.local`: key, connection summary and choices, flags.
//!
//! Keys (all in `storage.local`, never `localStorage`; never patient data or note text):
//! - `nookal.key`: the API key (string). Written only after a successful verify.
//! - `nookal.connection`: [`Connection`]: key hint, when verified, the key's locations and
//!   practitioners (clinic staff, for the pickers), the chosen practitioner and default location.
//! - `nookal.flags`: `{enabled, needs_reconnect}` (the same [`Flags`] as Cliniko's).

use super::id::NookalId;
use super::key::NookalKey;
use super::types::{Location, Practitioner};
use crate::error::Ehr;
use crate::integration::Slots;
pub use crate::integration::{ConnectionState, Flags};
use crate::platform::StorageArea;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

/// storage.local key of the API key.
pub const KEY_SECRET: &str = "nookal.key";
/// storage.local key of the [`Connection`].
pub const KEY_CONNECTION: &str = "nookal.connection";
/// storage.local key of the [`Flags`].
pub const KEY_FLAGS: &str = "nookal.flags";

const AREA: StorageArea = StorageArea::Local;

/// Where Nookal keeps its things in `storage.local`.
const SLOTS: Slots = Slots {
    ehr: Ehr::Nookal,
    secret: KEY_SECRET,
    connection: KEY_CONNECTION,
    flags: KEY_FLAGS,
    extra: &[],
};

/// What a successful verify learned, plus the clinician's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Last four characters of the key.
    pub key_hint: String,
    /// When the key was last verified (ms since the epoch).
    pub verified_at_ms: i64,
    /// Locations the key covers (v2 keys are location-scoped: reference §1).
    pub locations: Vec<Location>,
    /// Practitioners the key can see.
    pub practitioners: Vec<Practitioner>,
    /// The practitioner notes are filed under. Required before pushing: a v2 key is not tied to
    /// a practitioner (reference §3).
    pub practitioner_id: Option<NookalId>,
    /// The default location (informational; v2 notes take no location).
    pub location_id: Option<NookalId>,
}

impl Connection {
    /// The chosen practitioner's record, if chosen and still listed.
    pub fn practitioner(&self) -> Option<&Practitioner> {
        let id = self.practitioner_id.as_ref()?;
        self.practitioners.iter().find(|p| &p.id == id)
    }
}

/// `status` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// State (shared vocabulary with Cliniko).
    pub state: ConnectionState,
    /// Summary and choices, when set up.
    pub connection: Option<Connection>,
    /// Set up but no practitioner chosen yet: pushing is blocked until one is.
    pub needs_practitioner: bool,
}

async fn load_as<P: Env, T: DeserializeOwned>(p: &P, key: &str) -> Result<Option<T>> {
    SLOTS.load_as(p, key).await
}

async fn save_as<P: Env, T: Serialize>(p: &P, key: &str, value: &T) -> Result<()> {
    SLOTS.save_as(p, key, value).await
}

/// Save a verified key and its connection; enabled, not needing reconnect.
pub async fn save_connection<P: Env>(p: &P, key: &NookalKey, conn: &Connection) -> Result<()> {
    p.save(
        AREA,
        KEY_SECRET,
        Value::String(key.expose_secret().to_string()),
    )
    .await?;
    save_as(p, KEY_CONNECTION, conn).await?;
    save_as(p, KEY_FLAGS, &Flags::default()).await
}

/// Replace the connection summary (choices, refreshed lists); key and flags untouched.
pub async fn update_connection<P: Env>(p: &P, conn: &Connection) -> Result<()> {
    save_as(p, KEY_CONNECTION, conn).await
}

/// The saved connection, if any.
pub async fn load_connection<P: Env>(p: &P) -> Result<Option<Connection>> {
    load_as(p, KEY_CONNECTION).await
}

/// The saved flags (defaults when absent).
pub async fn load_flags<P: Env>(p: &P) -> Result<Flags> {
    SLOTS.flags(p).await
}

/// The saved key, if any and still valid.
pub async fn load_key<P: Env>(p: &P) -> Result<Option<NookalKey>> {
    Ok(load_as::<P, String>(p, KEY_SECRET)
        .await?
        .and_then(|s| NookalKey::parse(&s).ok()))
}

/// The current state and summary.
pub async fn status<P: Env>(p: &P) -> Result<Status> {
    let connection = load_connection(p).await?;
    let has_key = load_key(p).await?.is_some();
    let flags = load_flags(p).await?;
    let state = ConnectionState::of(has_key && connection.is_some(), flags);
    let connection = (state != ConnectionState::NotSetUp)
        .then_some(connection)
        .flatten();
    let needs_practitioner = connection
        .as_ref()
        .is_some_and(|c| c.practitioner().is_none());
    Ok(Status {
        state,
        connection,
        needs_practitioner,
    })
}

/// The key and connection to use now: `NotConnected` when not set up, `Disabled` when switched
/// off, `Unauthorized` when the key already failed in use (reconnect first).
pub async fn active<P: Env>(p: &P) -> Result<(NookalKey, Connection)> {
    let (key, conn) = (load_key(p).await?, load_connection(p).await?);
    SLOTS.usable(key.is_some() && conn.is_some(), load_flags(p).await?)?;
    match (key, conn) {
        (Some(key), Some(conn)) => Ok((key, conn)),
        _ => Err(Error::NotConnected(Ehr::Nookal)),
    }
}

/// Switch Nookal on or off (keeps the key).
pub async fn set_enabled<P: Env>(p: &P, enabled: bool) -> Result<()> {
    SLOTS.set_enabled(p, enabled).await
}

/// Flag the saved key as needing a reconnect. No-op when not set up.
pub async fn mark_needs_reconnect<P: Env>(p: &P) -> Result<()> {
    SLOTS.mark_needs_reconnect(p).await
}

/// Forget everything Nookal: key, connection, flags.
pub async fn remove_all<P: Env>(p: &P) -> Result<()> {
    SLOTS.remove_all(p).await
}
