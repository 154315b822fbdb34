//! The Appointments list as the popup shows it: one row per appointment (or class attendee), in
//! display order, each with the patient's card (the same shape a search row has, so choosing a
//! row fills the same patient card) and its markers.

use serde::Serialize;

use super::model::{Appointment, Kind, NoteStatus};
use super::nearest::{BestMatch, best_match, order};
use super::window::DiaryWindow;
use crate::search::rank::PatientSummary;

/// The note marker of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowNote {
    /// "no note yet"
    NoNote,
    /// "has a note" (draft or final)
    HasNote,
    /// The EHR does not say (Nookal v2).
    Unknown,
}

impl From<NoteStatus> for RowNote {
    fn from(n: NoteStatus) -> Self {
        match n {
            NoteStatus::NoNote => RowNote::NoNote,
            NoteStatus::Draft | NoteStatus::Final => RowNote::HasNote,
            NoteStatus::NotReported => RowNote::Unknown,
        }
    }
}

/// One row of the Appointments list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Unique in a list: `individual:<id>` or `group_attendee:<id>`.
    pub key: String,
    /// The id a note links to (appointment, or attendee).
    pub id: String,
    /// `kind` and, for an attendee, `group_id`.
    #[serde(flatten)]
    pub kind: Kind,
    /// The patient's card, when the EHR gave the record.
    pub patient: Option<PatientSummary>,
    /// The patient's id.
    pub patient_id: String,
    /// The diary's own label for the patient, when it has one.
    pub patient_name: Option<String>,
    /// Start, UTC ms.
    pub starts_ms: i64,
    /// End, UTC ms.
    pub ends_ms: i64,
    /// Appointment type name.
    pub type_name: Option<String>,
    /// Note marker.
    pub note: RowNote,
    /// The patient did not arrive.
    pub did_not_arrive: bool,
    /// Inside the part shown first (±hours around the session).
    pub near: bool,
    /// The best match: highlighted and first, never chosen for the clinician.
    pub best: bool,
    /// The case the appointment carries (Nookal), which a note linked to it must be filed under:
    /// the popup pre-selects it.
    pub case_id: Option<String>,
}

/// The list: rows in display order and which one is the best match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    /// Rows, best first, then nearest the session.
    pub rows: Vec<Row>,
    /// The best row's key.
    pub best_key: Option<String>,
    /// Several appointments are equally good (a double-booked slot): none is highlighted.
    pub tie: bool,
}

/// A row's key: unique across kinds (an attendee id may equal an appointment id).
pub fn key(a: &Appointment) -> String {
    match a.kind {
        Kind::Individual => format!("individual:{}", a.id),
        Kind::GroupAttendee { .. } => format!("group_attendee:{}", a.id),
    }
}

/// One row for `a`, with the patient's card when `patient` finds it.
pub fn row(
    a: &Appointment,
    window: &DiaryWindow,
    patient: &dyn Fn(&str) -> Option<PatientSummary>,
) -> Row {
    Row {
        key: key(a),
        id: a.id.clone(),
        kind: a.kind.clone(),
        patient: patient(&a.patient_id),
        patient_id: a.patient_id.clone(),
        patient_name: a.patient_name.clone(),
        starts_ms: a.starts_ms,
        ends_ms: a.ends_ms,
        type_name: a.type_name.clone(),
        note: a.note.into(),
        did_not_arrive: a.did_not_arrive,
        near: window.shown_first(a.starts_ms, a.ends_ms),
        best: false,
        case_id: a.case_id.clone(),
    }
}

/// The list for a session: [`order`]'s order, the [`best_match`] marked.
pub fn listing(
    appointments: &[Appointment],
    window: &DiaryWindow,
    patient: &dyn Fn(&str) -> Option<PatientSummary>,
) -> Listing {
    let best = best_match(appointments, window);
    let rows: Vec<Row> = order(appointments, window)
        .into_iter()
        .map(|i| Row {
            best: best == BestMatch::One(i),
            ..row(&appointments[i], window, patient)
        })
        .collect();
    Listing {
        best_key: rows.iter().find(|r| r.best).map(|r| r.key.clone()),
        tie: matches!(best, BestMatch::Tie(_)),
        rows,
    }
}

/// Pre-select before recording: the appointments not yet over at `now_ms` within the window,
/// soonest first, no best match (nothing was recorded yet).
pub fn upcoming(
    appointments: &[Appointment],
    window: &DiaryWindow,
    now_ms: i64,
    patient: &dyn Fn(&str) -> Option<PatientSummary>,
) -> Listing {
    let mut idx: Vec<usize> = (0..appointments.len())
        .filter(|i| {
            let a = &appointments[*i];
            a.ends_ms.max(a.starts_ms + 1) > now_ms && window.overlaps(a.starts_ms, a.ends_ms)
        })
        .collect();
    idx.sort_by_key(|i| (appointments[*i].starts_ms, appointments[*i].id.clone()));
    Listing {
        rows: idx
            .into_iter()
            .map(|i| row(&appointments[i], window, patient))
            .collect(),
        best_key: None,
        tie: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{HOUR_MS, MINUTE_MS, WindowSettings, window};

    fn appt(id: &str, patient: &str, start_min: i64, note: NoteStatus) -> Appointment {
        Appointment {
            id: id.into(),
            kind: Kind::Individual,
            patient_id: patient.into(),
            practitioner_id: None,
            starts_ms: start_min * MINUTE_MS,
            ends_ms: start_min * MINUTE_MS + 30 * MINUTE_MS,
            type_name: Some("Initial consult".into()),
            note,
            did_not_arrive: false,
            patient_name: None,
            case_id: None,
        }
    }

    /// A day's midnight, in minutes since the epoch.
    const DAY: i64 = 20_000 * 24 * 60;

    /// An appointment without a note at `hour`:00 on [`DAY`], for a patient named like its id.
    fn open(id: &str, hour: i64) -> Appointment {
        appt(id, id, DAY + hour * 60, NoteStatus::NoNote)
    }

    fn none(_: &str) -> Option<PatientSummary> {
        None
    }

    /// The window of a session `min` minutes after the epoch (UTC).
    fn session(min: i64) -> crate::diary::DiaryWindow {
        window(min * MINUTE_MS, 0, WindowSettings::default())
    }

    #[test]
    fn the_best_row_is_first_and_marked_and_the_rest_follow_by_nearness() {
        let day = 20_000 * 24 * 60;
        let list = vec![
            appt("1", "a", day + 9 * 60, NoteStatus::NoNote),
            appt("2", "b", day + 10 * 60 + 30, NoteStatus::NoNote),
            appt("3", "c", day + 11 * 60, NoteStatus::Final),
        ];
        let w = session(day + 10 * 60 + 32);
        let l = listing(&list, &w, &none);
        let keys: Vec<&str> = l.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["individual:2", "individual:3", "individual:1"]);
        assert_eq!(l.best_key.as_deref(), Some("individual:2"));
        assert!(l.rows[0].best && !l.rows[1].best);
        assert_eq!(l.rows[1].note, RowNote::HasNote);
        assert!(!l.tie);
    }

    #[test]
    fn a_double_booked_slot_highlights_nothing() {
        let list = vec![open("1", 11), open("2", 11)];
        let w = session(DAY + 11 * 60 + 5);
        let l = listing(&list, &w, &none);
        assert!(l.tie);
        assert_eq!(l.best_key, None);
        assert!(l.rows.iter().all(|r| !r.best));
        assert_eq!(l.rows.len(), 2);
    }

    #[test]
    fn upcoming_lists_what_is_not_over_soonest_first() {
        let list = vec![open("3", 15), open("1", 8), open("2", 10)];
        let now = (DAY + 10 * 60 + 10) * MINUTE_MS;
        let w = session(DAY + 10 * 60 + 10);
        let l = upcoming(&list, &w, now, &none);
        let ids: Vec<&str> = l.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["2", "3"]);
        assert!(l.best_key.is_none());
        assert!(now + 5 * HOUR_MS > l.rows[1].starts_ms);
    }

    #[test]
    fn a_row_serialises_with_the_kind_beside_its_fields() {
        let mut a = appt("9", "p", 0, NoteStatus::NotReported);
        a.kind = Kind::GroupAttendee {
            group_id: "77".into(),
        };
        let w = session(0);
        let v = serde_json::to_value(row(&a, &w, &none)).expect("serialises");
        assert_eq!(v["kind"], "group_attendee");
        assert_eq!(v["group_id"], "77");
        assert_eq!(v["key"], "group_attendee:9");
        assert_eq!(v["note"], "unknown");
        assert!(v["patient"].is_null());
    }
}
