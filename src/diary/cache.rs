//! The worker's memory of diaries it listed: the popup's list is fetched once per open (and again
//! only on Retry), and a link is checked against appointments the core itself fetched from the
//! EHR, never against what a page says. Lost with the worker; nothing here is stored.

use std::collections::HashMap;

use super::MINUTE_MS;
use super::model::{Appointment, Kind, NoteStatus};
use crate::ehr::Ehr;
use crate::search::rank::PatientSummary;

/// How long a listed diary answers for the popup (a popup is open for minutes, not hours).
pub const FRESH_MS: i64 = 10 * MINUTE_MS;
/// At most this many listed diaries are kept (oldest dropped first).
const MAX_ENTRIES: usize = 8;
/// At most this many patient cards are kept.
const MAX_PATIENTS: usize = 500;

#[derive(Debug, Clone)]
struct Entry {
    ehr: Ehr,
    practitioner_id: String,
    from_ms: i64,
    to_ms: i64,
    fetched_at_ms: i64,
    appointments: Vec<Appointment>,
}

/// Listed diaries and the patients' cards, per EHR.
#[derive(Debug, Default)]
pub struct DiaryCache {
    entries: Vec<Entry>,
    /// By `"<EHR name>:<patient id>"`.
    patients: HashMap<String, PatientSummary>,
}

impl DiaryCache {
    /// A fresh listing of exactly this diary span, if one is remembered.
    pub fn get(
        &self,
        ehr: Ehr,
        practitioner_id: &str,
        from_ms: i64,
        to_ms: i64,
        now_ms: i64,
    ) -> Option<Vec<Appointment>> {
        self.entries
            .iter()
            .find(|e| {
                e.ehr == ehr
                    && e.practitioner_id == practitioner_id
                    && e.from_ms <= from_ms
                    && to_ms <= e.to_ms
                    && now_ms - e.fetched_at_ms < FRESH_MS
            })
            .map(|e| {
                e.appointments
                    .iter()
                    .filter(|a| a.starts_ms < to_ms && a.ends_ms.max(a.starts_ms + 1) > from_ms)
                    .cloned()
                    .collect()
            })
    }

    /// Remember a listing (replacing one of the same span).
    pub fn put(
        &mut self,
        ehr: Ehr,
        practitioner_id: &str,
        (from_ms, to_ms): (i64, i64),
        now_ms: i64,
        appointments: Vec<Appointment>,
    ) {
        self.entries.retain(|e| {
            !(e.ehr == ehr
                && e.practitioner_id == practitioner_id
                && e.from_ms == from_ms
                && e.to_ms == to_ms)
        });
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push(Entry {
            ehr,
            practitioner_id: practitioner_id.to_string(),
            from_ms,
            to_ms,
            fetched_at_ms: now_ms,
            appointments,
        });
    }

    /// The appointment (or attendee) `id` of this kind, from a fresh listing of `ehr`'s diary.
    pub fn find(&self, ehr: Ehr, kind: &Kind, id: &str, now_ms: i64) -> Option<Appointment> {
        self.entries
            .iter()
            .rev()
            .filter(|e| e.ehr == ehr && now_ms - e.fetched_at_ms < FRESH_MS)
            .flat_map(|e| e.appointments.iter())
            .find(|a| a.id == id && same_kind(&a.kind, kind))
            .cloned()
    }

    /// A note linked to this appointment landed: the remembered listing says "has a note" from
    /// now on, so the popup neither suggests it again nor skips the question (EHRs that report
    /// no note status keep saying nothing).
    pub fn mark_noted(&mut self, ehr: Ehr, kind: &Kind, id: &str) {
        for a in self
            .entries
            .iter_mut()
            .filter(|e| e.ehr == ehr)
            .flat_map(|e| e.appointments.iter_mut())
            .filter(|a| a.id == id && same_kind(&a.kind, kind))
        {
            if a.note == NoteStatus::NoNote {
                a.note = NoteStatus::Draft;
            }
        }
    }

    /// Forget everything listed for `ehr` (its key was replaced or removed: another clinic's
    /// diary must never answer for the new key).
    pub fn forget(&mut self, ehr: Ehr) {
        self.entries.retain(|e| e.ehr != ehr);
        let prefix = patient_key(ehr, "");
        self.patients.retain(|k, _| !k.starts_with(&prefix));
    }

    /// A patient's card, if known.
    pub fn patient(&self, ehr: Ehr, id: &str) -> Option<PatientSummary> {
        self.patients.get(&patient_key(ehr, id)).cloned()
    }

    /// Remember patients' cards.
    pub fn put_patients(&mut self, ehr: Ehr, patients: impl IntoIterator<Item = PatientSummary>) {
        if self.patients.len() > MAX_PATIENTS {
            self.patients.clear();
        }
        for p in patients {
            self.patients.insert(patient_key(ehr, &p.id), p);
        }
    }
}

fn patient_key(ehr: Ehr, id: &str) -> String {
    format!("{}:{id}", ehr.name())
}

/// Same kind of record (an attendee's class id is not compared: the attendee id decides).
fn same_kind(a: &Kind, b: &Kind) -> bool {
    matches!(
        (a, b),
        (Kind::Individual, Kind::Individual)
            | (Kind::GroupAttendee { .. }, Kind::GroupAttendee { .. })
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: &str, kind: Kind) -> Appointment {
        Appointment {
            id: id.into(),
            kind,
            patient_id: "p".into(),
            practitioner_id: None,
            starts_ms: 100,
            ends_ms: 200,
            type_name: None,
            note: NoteStatus::NoNote,
            did_not_arrive: false,
            patient_name: None,
            case_id: None,
        }
    }

    #[test]
    fn a_listing_answers_while_fresh_and_only_for_its_ehr_and_kind() {
        let mut c = DiaryCache::default();
        let group = Kind::GroupAttendee {
            group_id: "g".into(),
        };
        c.put(
            Ehr::Cliniko,
            "7",
            (0, 1000),
            0,
            vec![a("1", Kind::Individual), a("2", group.clone())],
        );
        assert_eq!(
            c.get(Ehr::Cliniko, "7", 0, 1000, 5).map(|v| v.len()),
            Some(2)
        );
        assert!(c.get(Ehr::Nookal, "7", 0, 1000, 5).is_none());
        assert!(c.get(Ehr::Cliniko, "8", 0, 1000, 5).is_none());
        assert!(c.get(Ehr::Cliniko, "7", 0, 1000, FRESH_MS).is_none());
        assert!(c.find(Ehr::Cliniko, &Kind::Individual, "1", 5).is_some());
        assert!(c.find(Ehr::Cliniko, &Kind::Individual, "2", 5).is_none());
        assert!(c.find(Ehr::Cliniko, &group, "2", 5).is_some());
        assert!(c.find(Ehr::Nookal, &Kind::Individual, "1", 5).is_none());
        assert!(
            c.find(Ehr::Cliniko, &Kind::Individual, "1", FRESH_MS)
                .is_none()
        );
        c.mark_noted(Ehr::Cliniko, &Kind::Individual, "1");
        let noted = c.find(Ehr::Cliniko, &Kind::Individual, "1", 5).unwrap();
        assert!(noted.note.has_note());
        assert!(
            !c.find(Ehr::Cliniko, &group, "2", 5)
                .unwrap()
                .note
                .has_note()
        );
        c.put(
            Ehr::Nookal,
            "1",
            (0, 1000),
            0,
            vec![a("3", Kind::Individual)],
        );
        c.forget(Ehr::Cliniko);
        assert!(c.find(Ehr::Cliniko, &group, "2", 5).is_none());
        assert!(c.find(Ehr::Nookal, &Kind::Individual, "3", 5).is_some());
    }
}
