//! The saved Cliniko connection in `storage.local`: key, summary, flags, template cache.
//!
//! Keys (all in `storage.local`, never `localStorage`):
//! - `cliniko.key`: the cleaned API key (string). Written only after a successful verify.
//! - `cliniko.connection`: [`Connection`] (who/where; no secret beyond the 4-char hint).
//! - `cliniko.flags`: [`Flags`] `{enabled, needs_reconnect}`.
//! - `cliniko.templates`: [`TemplateCache`] (template names and structure; no patient data).

use super::key::ClinikoKey;
use super::types::TreatmentNoteTemplate;
use crate::error::Ehr;
use crate::integration::Slots;
use crate::platform::StorageArea;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

/// storage.local key of the API key.
pub const KEY_SECRET: &str = "cliniko.key";
/// storage.local key of the [`Connection`].
pub const KEY_CONNECTION: &str = "cliniko.connection";
/// storage.local key of the [`Flags`].
pub const KEY_FLAGS: &str = "cliniko.flags";
/// storage.local key of the [`TemplateCache`].
pub const KEY_TEMPLATES: &str = "cliniko.templates";

const AREA: StorageArea = StorageArea::Local;

/// What a successful verify learned about the key, shown in the options page and used by push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The key user's name, "First Last".
    pub user_name: String,
    /// The key user's id.
    pub user_id: String,
    /// The user's role (`administrator`, `practitioner`, …), if given.
    pub role: Option<String>,
    /// The user's practitioner id; `None` → the user cannot create treatment notes.
    pub practitioner_id: Option<String>,
    /// Warning flag: the user is not an (active) practitioner, so pushing notes will fail.
    pub not_practitioner: bool,
    /// The clinic's account name.
    pub account_name: Option<String>,
    /// The clinic's web subdomain.
    pub subdomain: Option<String>,
    /// The key's shard, e.g. `au1`.
    pub shard: String,
    /// The clinic's word for patient (`patient` or `client`).
    pub patient_term: String,
    /// Last four characters of the key.
    pub key_hint: String,
    /// When the key was verified (ms since the epoch).
    pub verified_at_ms: i64,
}

pub use crate::integration::{ConnectionState, Flags};

/// Where Cliniko keeps its things in `storage.local`.
const SLOTS: Slots = Slots {
    ehr: Ehr::Cliniko,
    secret: KEY_SECRET,
    connection: KEY_CONNECTION,
    flags: KEY_FLAGS,
    extra: &[KEY_TEMPLATES],
};

/// `status` reply: the state and, when set up, the connection summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// State.
    pub state: ConnectionState,
    /// Summary, when set up.
    pub connection: Option<Connection>,
}

/// The template cache: the list as last fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateCache {
    /// When fetched (ms since the epoch).
    pub fetched_at_ms: i64,
    /// The key hint it was fetched with (a different key → refetch).
    pub key_hint: String,
    /// The templates.
    pub templates: Vec<TreatmentNoteTemplate>,
}

async fn load_as<P: Env, T: DeserializeOwned>(p: &P, key: &str) -> Result<Option<T>> {
    SLOTS.load_as(p, key).await
}

async fn save_as<P: Env, T: Serialize>(p: &P, key: &str, value: &T) -> Result<()> {
    SLOTS.save_as(p, key, value).await
}

/// Save a verified key and its connection; enabled, not needing reconnect. The template cache
/// is dropped (the new key may belong to another account).
pub async fn save_connection<P: Env>(p: &P, key: &ClinikoKey, conn: &Connection) -> Result<()> {
    p.save(
        AREA,
        KEY_SECRET,
        Value::String(key.expose_secret().to_string()),
    )
    .await?;
    save_as(p, KEY_CONNECTION, conn).await?;
    save_as(p, KEY_FLAGS, &Flags::default()).await?;
    p.remove(AREA, KEY_TEMPLATES).await
}

/// The saved connection summary, if any.
pub async fn load_connection<P: Env>(p: &P) -> Result<Option<Connection>> {
    load_as(p, KEY_CONNECTION).await
}

/// The saved flags (defaults when absent).
pub async fn load_flags<P: Env>(p: &P) -> Result<Flags> {
    SLOTS.flags(p).await
}

pub async fn load_key<P: Env>(p: &P) -> Result<Option<ClinikoKey>> {
    Ok(load_as::<P, String>(p, KEY_SECRET)
        .await?
        .and_then(|s| ClinikoKey::parse(&s).ok()))
}

/// The current state and summary.
pub async fn status<P: Env>(p: &P) -> Result<Status> {
    let connection = load_connection(p).await?;
    let has_key = load_key(p).await?.is_some();
    let flags = load_flags(p).await?;
    let state = ConnectionState::of(has_key && connection.is_some(), flags);
    Ok(Status {
        state,
        connection: if state == ConnectionState::NotSetUp {
            None
        } else {
            connection
        },
    })
}

/// The key to use for a request now, with its connection: `NotConnected` when not set up,
/// `Disabled` when switched off, `Unauthorized` when it already got a 401 (reconnect first).
pub async fn active<P: Env>(p: &P) -> Result<(ClinikoKey, Connection)> {
    let (key, conn) = (load_key(p).await?, load_connection(p).await?);
    SLOTS.usable(key.is_some() && conn.is_some(), load_flags(p).await?)?;
    match (key, conn) {
        (Some(key), Some(conn)) => Ok((key, conn)),
        _ => Err(Error::NotConnected(Ehr::Cliniko)),
    }
}

/// Switch Cliniko on or off (keeps the key).
pub async fn set_enabled<P: Env>(p: &P, enabled: bool) -> Result<()> {
    SLOTS.set_enabled(p, enabled).await
}

/// Flag the saved key as needing a reconnect (after a 401 in use). No-op when not set up.
pub async fn mark_needs_reconnect<P: Env>(p: &P) -> Result<()> {
    SLOTS.mark_needs_reconnect(p).await
}

/// Forget everything Cliniko: key, connection, flags, template cache.
pub async fn remove_all<P: Env>(p: &P) -> Result<()> {
    SLOTS.remove_all(p).await
}

/// The template cache, if present.
pub async fn load_templates<P: Env>(p: &P) -> Result<Option<TemplateCache>> {
    load_as(p, KEY_TEMPLATES).await
}

/// Replace the template cache.
pub async fn save_templates<P: Env>(p: &P, cache: &TemplateCache) -> Result<()> {
    save_as(p, KEY_TEMPLATES, cache).await
}
