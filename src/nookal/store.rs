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
pub use crate::cliniko::store::{ConnectionState, Flags};
use crate::error::Ehr;
use crate::platform::{Platform, StorageArea};
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

async fn load_as<P: Platform, T: DeserializeOwned>(p: &P, key: &str) -> Result<Option<T>> {
    match p.load(AREA, key).await? {
        None | Some(Value::Null) => Ok(None),
        // An unreadable value (older format, tampering) counts as absent, not as a crash.
        Some(v) => Ok(serde_json::from_value(v).ok()),
    }
}

async fn save_as<P: Platform, T: Serialize>(p: &P, key: &str, value: &T) -> Result<()> {
    let v = serde_json::to_value(value).map_err(|e| Error::Storage(e.to_string()))?;
    p.save(AREA, key, v).await
}

/// Save a verified key and its connection; enabled, not needing reconnect.
pub async fn save_connection<P: Platform>(p: &P, key: &NookalKey, conn: &Connection) -> Result<()> {
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
pub async fn update_connection<P: Platform>(p: &P, conn: &Connection) -> Result<()> {
    save_as(p, KEY_CONNECTION, conn).await
}

/// The saved connection, if any.
pub async fn load_connection<P: Platform>(p: &P) -> Result<Option<Connection>> {
    load_as(p, KEY_CONNECTION).await
}

/// The saved flags (defaults when absent).
pub async fn load_flags<P: Platform>(p: &P) -> Result<Flags> {
    Ok(load_as(p, KEY_FLAGS).await?.unwrap_or_default())
}

/// The saved key, if any and still valid.
pub async fn load_key<P: Platform>(p: &P) -> Result<Option<NookalKey>> {
    match p.load(AREA, KEY_SECRET).await? {
        Some(Value::String(s)) => Ok(NookalKey::parse(&s).ok()),
        _ => Ok(None),
    }
}

/// The current state and summary.
pub async fn status<P: Platform>(p: &P) -> Result<Status> {
    let connection = load_connection(p).await?;
    let has_key = load_key(p).await?.is_some();
    let flags = load_flags(p).await?;
    let state = match (has_key, &connection) {
        (false, _) | (_, None) => ConnectionState::NotSetUp,
        _ if !flags.enabled => ConnectionState::Disabled,
        _ if flags.needs_reconnect => ConnectionState::NeedsReconnect,
        _ => ConnectionState::Connected,
    };
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
pub async fn active<P: Platform>(p: &P) -> Result<(NookalKey, Connection)> {
    let (Some(key), Some(conn)) = (load_key(p).await?, load_connection(p).await?) else {
        return Err(Error::NotConnected(Ehr::Nookal));
    };
    let flags = load_flags(p).await?;
    if !flags.enabled {
        return Err(Error::Disabled(Ehr::Nookal));
    }
    if flags.needs_reconnect {
        return Err(Error::Unauthorized(Ehr::Nookal));
    }
    Ok((key, conn))
}

/// Switch Nookal on or off (keeps the key).
pub async fn set_enabled<P: Platform>(p: &P, enabled: bool) -> Result<()> {
    let flags = Flags {
        enabled,
        ..load_flags(p).await?
    };
    save_as(p, KEY_FLAGS, &flags).await
}

/// Flag the saved key as needing a reconnect. No-op when not set up.
pub async fn mark_needs_reconnect<P: Platform>(p: &P) -> Result<()> {
    if load_connection(p).await?.is_none() {
        return Ok(());
    }
    let flags = Flags {
        needs_reconnect: true,
        ..load_flags(p).await?
    };
    save_as(p, KEY_FLAGS, &flags).await
}

/// Forget everything Nookal: key, connection, flags.
pub async fn remove_all<P: Platform>(p: &P) -> Result<()> {
    for k in [KEY_SECRET, KEY_CONNECTION, KEY_FLAGS] {
        p.remove(AREA, k).await?;
    }
    Ok(())
}
