//! Cliniko's slots and types in the one key store (`integration::Store`): key, summary, flags, template cache.
//!
//! Keys (all in `storage.local`, never `localStorage`):
//! - `cliniko.key`: the cleaned API key (string). Written only after a successful verify.
//! - `cliniko.connection`: [`Connection`] (who/where; no secret beyond the 4-char hint).
//! - `cliniko.flags`: [`crate::integration::Flags`] `{enabled, needs_reconnect}`.
//! - `cliniko.templates`: [`TemplateCache`] (template names and structure; no patient data).

use super::key::ClinikoKey;
use super::types::TreatmentNoteTemplate;
use crate::Result;
use crate::error::Ehr;
use crate::integration::Store;
use crate::worker::Env;
use serde::{Deserialize, Serialize};

/// storage.local key of the [`TemplateCache`].
pub const KEY_TEMPLATES: &str = "cliniko.templates";

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

/// Cliniko's slots in `storage.local`, in the one key store; the template cache goes with the
/// key (a new key may belong to another account).
pub const STORE: Store<ClinikoKey, Connection> = Store::new(
    Ehr::Cliniko,
    ClinikoKey::parse,
    ClinikoKey::expose_secret,
    &[KEY_TEMPLATES],
);

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

/// The template cache, if present.
pub async fn load_templates<P: Env>(p: &P) -> Result<Option<TemplateCache>> {
    STORE.load_as(p, KEY_TEMPLATES).await
}

/// Replace the template cache.
pub async fn save_templates<P: Env>(p: &P, cache: &TemplateCache) -> Result<()> {
    STORE.save_as(p, KEY_TEMPLATES, cache).await
}
