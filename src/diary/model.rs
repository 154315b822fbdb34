//! The EHR-neutral appointment: who, when (UTC ms), what type, and its note status.

use super::DiaryWindow;
use serde::{Deserialize, Serialize};

/// What the appointment is in its EHR, which decides the link field a note carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// A one-patient appointment: Cliniko `booking_id`, Nookal `appt_id`.
    Individual,
    /// One attendee of a group appointment (a class): Cliniko `attendee_id`; `id` is the
    /// attendee's id and `group_id` the class's.
    GroupAttendee {
        /// The group appointment (Cliniko `booking`).
        group_id: String,
    },
}

/// Whether the appointment already has a treatment note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    /// The EHR says there is none (Cliniko `treatment_note_status: null`).
    NoNote,
    /// A draft note exists (Cliniko 10).
    Draft,
    /// A final note exists (Cliniko 90, or a status value the spec does not list: read as
    /// "has a note" so that a second one is never suggested).
    Final,
    /// The EHR does not say (Nookal v2's appointment has no note status).
    NotReported,
}

impl NoteStatus {
    /// Whether a note is known to exist.
    pub fn has_note(self) -> bool {
        matches!(self, NoteStatus::Draft | NoteStatus::Final)
    }
}

/// One appointment (or one attendee of a class) in the practitioner's diary. Ids are strings
/// end to end; times are UTC milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The id the note links to: the individual appointment's, or the attendee's.
    pub id: String,
    /// Individual, or an attendee of a class.
    #[serde(flatten)]
    pub kind: Kind,
    /// The patient (Cliniko patient id, Nookal patient `ID`).
    pub patient_id: String,
    /// The practitioner whose diary it is in, when the EHR says.
    pub practitioner_id: Option<String>,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms (at least `starts_ms`).
    pub ends_ms: i64,
    /// Appointment type name ("Initial consult"), when known.
    pub type_name: Option<String>,
    /// Note status.
    pub note: NoteStatus,
    /// The patient did not arrive.
    pub did_not_arrive: bool,
    /// The patient's name as the diary gives it (Cliniko `patient_name`), when it does; the
    /// card always shows the patient record's own name and date of birth.
    pub patient_name: Option<String>,
    /// The patient's case the appointment carries (Nookal `caseID`, UNCONFIRMED field), if any.
    pub case_id: Option<String>,
}

impl Appointment {
    /// `patient_id`'s appointment `id` starting at `starts_ms` and ending at `ends_ms` (never
    /// before the start; the start when the EHR gives no end), with nothing else known yet: each
    /// EHR's parser adds what its records say.
    pub fn at(
        id: String,
        kind: Kind,
        patient_id: String,
        starts_ms: i64,
        ends_ms: Option<i64>,
    ) -> Self {
        Appointment {
            id,
            kind,
            patient_id,
            practitioner_id: None,
            starts_ms,
            ends_ms: ends_ms.unwrap_or(starts_ms).max(starts_ms),
            type_name: None,
            note: NoteStatus::NotReported,
            did_not_arrive: false,
            patient_name: None,
            case_id: None,
        }
    }

    /// Whether `t` (UTC ms) falls inside the appointment (`[start, end)`).
    pub fn contains(&self, t: i64) -> bool {
        self.starts_ms <= t && t < self.ends_ms.max(self.starts_ms + 1)
    }

    /// Distance from `t` to the appointment: 0 inside it, else to its nearer edge.
    pub fn distance_ms(&self, t: i64) -> i64 {
        if self.contains(t) {
            0
        } else if t < self.starts_ms {
            self.starts_ms - t
        } else {
            t - self.ends_ms.max(self.starts_ms)
        }
    }

    /// Whether this may be suggested as the session's appointment: no note known, and the
    /// patient arrived (a did-not-arrive had no session).
    pub fn open_for_note(&self) -> bool {
        !self.note.has_note() && !self.did_not_arrive
    }
}

/// The practitioner's diary for `window`, from what an EHR answered: appointments of another
/// practitioner (a server that ignored the filter) or outside the window are dropped, the rest
/// sorted by start (then id). The same check for every EHR, whatever its request could filter.
pub fn in_diary(
    list: Vec<Appointment>,
    practitioner_id: &str,
    window: &DiaryWindow,
) -> Vec<Appointment> {
    let mut out: Vec<Appointment> = list
        .into_iter()
        .filter(|a| {
            a.practitioner_id
                .as_deref()
                .is_none_or(|p| p == practitioner_id)
        })
        .filter(|a| window.overlaps(a.starts_ms, a.ends_ms))
        .collect();
    out.sort_by(|a, b| (a.starts_ms, &a.id).cmp(&(b.starts_ms, &b.id)));
    out
}
