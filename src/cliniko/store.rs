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
use crate::platform::{Platform, StorageArea};
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

/// Switches kept beside the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    /// The clinician can switch Cliniko off without removing the key.
    pub enabled: bool,
    /// A request got 401 in use: the key must be pasted again.
    pub needs_reconnect: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            enabled: true,
            needs_reconnect: false,
        }
    }
}

/// The connection's state as the options page and popup show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// No key saved.
    NotSetUp,
    /// Key saved, enabled, working.
    Connected,
    /// Key saved but switched off.
    Disabled,
    /// Key got a 401 in use; paste a new one.
    NeedsReconnect,
}

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

async fn load_as<P: Platform, T: DeserializeOwned>(p: &P, key: &str) -> Result<Option<T>> {
    match p.load(AREA, key).await? {
        None | Some(Value::Null) => Ok(None),
        // A value we cannot read (older format, tampering) counts as absent, not as a crash.
        Some(v) => Ok(serde_json::from_value(v).ok()),
    }
}

async fn save_as<P: Platform, T: Serialize>(p: &P, key: &str, value: &T) -> Result<()> {
    let v = serde_json::to_value(value).map_err(|e| Error::Storage(e.to_string()))?;
    p.save(AREA, key, v).await
}

/// Save a verified key and its connection; enabled, not needing reconnect. The template cache
/// is dropped (the new key may belong to another account).
pub async fn save_connection<P: Platform>(
    p: &P,
    key: &ClinikoKey,
    conn: &Connection,
) -> Result<()> {
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
pub async fn load_connection<P: Platform>(p: &P) -> Result<Option<Connection>> {
    load_as(p, KEY_CONNECTION).await
}

/// The saved flags (defaults when absent).
pub async fn load_flags<P: Platform>(p: &P) -> Result<Flags> {
    Ok(load_as(p, KEY_FLAGS).await?.unwrap_or_default())
}

pub async fn load_key<P: Platform>(p: &P) -> Result<Option<ClinikoKey>> {
    match p.load(AREA, KEY_SECRET).await? {
        Some(Value::String(s)) => Ok(ClinikoKey::parse(&s).ok()),
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
pub async fn active<P: Platform>(p: &P) -> Result<(ClinikoKey, Connection)> {
    let (Some(key), Some(conn)) = (load_key(p).await?, load_connection(p).await?) else {
        return Err(Error::NotConnected(Ehr::Cliniko));
    };
    let flags = load_flags(p).await?;
    if !flags.enabled {
        return Err(Error::Disabled(Ehr::Cliniko));
    }
    if flags.needs_reconnect {
        return Err(Error::Unauthorized(Ehr::Cliniko));
    }
    Ok((key, conn))
}

/// Switch Cliniko on or off (keeps the key).
pub async fn set_enabled<P: Platform>(p: &P, enabled: bool) -> Result<()> {
    let flags = Flags {
        enabled,
        ..load_flags(p).await?
    };
    save_as(p, KEY_FLAGS, &flags).await
}

/// Flag the saved key as needing a reconnect (after a 401 in use). No-op when not set up.
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

/// Forget everything Cliniko: key, connection, flags, template cache.
pub async fn remove_all<P: Platform>(p: &P) -> Result<()> {
    for k in [KEY_SECRET, KEY_CONNECTION, KEY_FLAGS, KEY_TEMPLATES] {
        p.remove(AREA, k).await?;
    }
    Ok(())
}

/// The template cache, if present.
pub async fn load_templates<P: Platform>(p: &P) -> Result<Option<TemplateCache>> {
    load_as(p, KEY_TEMPLATES).await
}

/// Replace the template cache.
pub async fn save_templates<P: Platform>(p: &P, cache: &TemplateCache) -> Result<()> {
    save_as(p, KEY_TEMPLATES, cache).await
}
