//! A practitioner's appointments in a time window: the place for issue 14 (suggesting the patient
//! from the appointment at the session's time). Neither EHR's requests are built yet, so every
//! EHR answers [`Error::Unsupported`] for now; the message (`appointments/list`) and this
//! signature are what the next issue fills in.

use super::Ehr;
use crate::worker::Env;
use crate::{Error, Result};
use serde::Serialize;

/// One appointment as the popup would show it (ids strings; times ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appointment {
    /// Appointment id.
    pub id: String,
    /// The patient's id.
    pub patient_id: String,
    /// The practitioner's id.
    pub practitioner_id: String,
    /// Start.
    pub starts_at_ms: i64,
    /// End.
    pub ends_at_ms: i64,
}

/// The practitioner's appointments between `from_ms` and `to_ms` (the key's own practitioner
/// when `practitioner_id` is `None`).
pub async fn list<P: Env>(
    _p: &P,
    ehr: Ehr,
    _practitioner_id: Option<&str>,
    _from_ms: i64,
    _to_ms: i64,
) -> Result<Vec<Appointment>> {
    Err(Error::Unsupported(ehr))
}
