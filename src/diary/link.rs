//! The link a note carries to its appointment, and the rule that it never contradicts the patient:
//! a `booking_id` / `attendee_id` / `appt_id` must belong to the patient in the same request.
//!
//! A [`VerifiedLink`] can only be made by [`verify`], and the request builders take only that,
//! so a link read for one patient cannot be sent with another's note. (The sandbox also refuses
//! such a link, but what real Cliniko and Nookal do is UNCONFIRMED: this check never relies on it.)

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::{Appointment, Kind};

/// A link to an appointment as the diary gave it: which record, whose, when, what type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The linked record's id (individual appointment, or attendee).
    pub id: String,
    /// Individual, or a class attendee.
    #[serde(flatten)]
    pub kind: Kind,
    /// The patient the appointment belongs to.
    pub patient_id: String,
    /// The appointment's case (Nookal), when it carries one.
    pub case_id: Option<String>,
    /// Start, UTC ms ("Linked to the 10:30 appointment").
    pub starts_ms: i64,
    /// Type name ("(Initial consult)").
    pub type_name: Option<String>,
}

impl From<&Appointment> for Link {
    fn from(a: &Appointment) -> Self {
        Link {
            id: a.id.clone(),
            kind: a.kind.clone(),
            patient_id: a.patient_id.clone(),
            case_id: a.case_id.clone(),
            starts_ms: a.starts_ms,
            type_name: a.type_name.clone(),
        }
    }
}

/// Why a link may not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// The appointment belongs to another patient than the note's.
    OtherPatient,
    /// The appointment carries a case other than the one the note is filed under (Nookal).
    OtherCase,
    /// The link has no id.
    NoId,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LinkError::OtherPatient => "the appointment belongs to another patient",
            LinkError::OtherCase => "the appointment belongs to another case",
            LinkError::NoId => "the appointment has no id",
        })
    }
}

/// A link checked against the note's patient (and case). Only [`verify`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLink {
    link: Link,
}

impl VerifiedLink {
    /// The link.
    pub fn link(&self) -> &Link {
        &self.link
    }

    /// Whether this link may go with a note for `patient_id` (the builders' own last check).
    pub fn belongs_to(&self, patient_id: &str) -> bool {
        self.link.patient_id == patient_id
    }
}

/// Check `link` against the note's patient and, for Nookal, the case the note is filed under.
/// Ids are compared as strings, exactly (they are never numbers).
pub fn verify(
    link: &Link,
    patient_id: &str,
    case_id: Option<&str>,
) -> Result<VerifiedLink, LinkError> {
    if link.id.trim().is_empty() {
        return Err(LinkError::NoId);
    }
    if link.patient_id != patient_id {
        return Err(LinkError::OtherPatient);
    }
    if let (Some(theirs), Some(ours)) = (link.case_id.as_deref(), case_id)
        && theirs != ours
    {
        return Err(LinkError::OtherCase);
    }
    Ok(VerifiedLink { link: link.clone() })
}
