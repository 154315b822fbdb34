//! Nookal's slots and types in the one key store (`integration::Store`): key, summary and choices, flags.
//!
//! Keys (all in `storage.local`, never `localStorage`; never patient data or note text):
//! - `nookal.key`: the API key (string). Written only after a successful verify.
//! - `nookal.connection`: [`Connection`]: key hint, when verified, the key's locations and
//!   practitioners (clinic staff, for the pickers), the chosen practitioner and default location.
//! - `nookal.flags`: `{enabled, needs_reconnect}` (the same [`crate::integration::Flags`] as Cliniko's).

use super::id::NookalId;
use super::key::NookalKey;
use super::types::{Location, Practitioner};
use crate::error::Ehr;
use crate::integration::Store;
use serde::{Deserialize, Serialize};

/// Nookal's slots in `storage.local`, in the one key store.
pub const STORE: Store<NookalKey, Connection> =
    Store::new(Ehr::Nookal, NookalKey::parse, NookalKey::expose_secret, &[]);

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
