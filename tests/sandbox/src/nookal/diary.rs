//! Nookal's diary: `getAppointments` with the appointment fields the official PHP SDK v0.1.14 reads
//! (`types/Appointments.php`: `ID patientID appointmentDate appointmentStartTime appointmentEndTime
//! locationID appointmentType appointmentTypeID practitionerID DNA cancelled cancellationDate arrived
//! Notes lastModified dateCreated`), seeded from the same layout as Cliniko's (`seed::diary`).
//!
//! UNCONFIRMED, and how the sandbox chooses: the request filters' names (`date_from`, `date_to`,
//! `practitioner_id`; clients must also filter what comes back), the flag encoding (`"0"`/`"1"`
//! here; clients accept booleans, numbers and strings), `caseID` on an appointment (patientnotes
//! reads it), and the clinic-local time zone (the sandbox's clinic runs on UTC, like its browsers).
//! Nookal's classes (`getClasses`) are not served yet, so the layout's group class is left out.

use serde_json::{Value as Json, json};

use super::model::Nookal;
use crate::clock::{date, nookal_datetime};
use crate::seed::diary::{self, SLOTS, State, Who};

/// One appointment.
#[derive(Debug, Clone)]
pub struct Appointment {
    /// Id.
    pub id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Practitioner.
    pub practitioner_id: u64,
    /// Location.
    pub location_id: u64,
    /// Type name and id.
    pub type_name: String,
    /// Type id.
    pub type_id: u64,
    /// Start, unix ms (shown in clinic-local time, UTC here).
    pub starts_ms: u64,
    /// End, unix ms.
    pub ends_ms: u64,
    /// Cancelled.
    pub cancelled: bool,
    /// Did not arrive.
    pub dna: bool,
    /// The patient's case, when the appointment carries one.
    pub case_id: Option<u64>,
    /// The note linked to it (`appt_id`), kept for the admin view: Nookal's v2 appointment has no
    /// documented note status, so none is invented on the wire.
    pub note_id: Option<u64>,
}

impl Appointment {
    /// The appointment as `getAppointments` returns it.
    pub fn to_json(&self) -> Json {
        let hm = |ms: u64| nookal_datetime(ms)[11..].to_string();
        let flag = |b: bool| if b { "1" } else { "0" };
        json!({
            "ID": self.id.to_string(),
            "patientID": self.patient_id.to_string(),
            "appointmentDate": date((self.starts_ms / 86_400_000) as i64),
            "appointmentStartTime": hm(self.starts_ms),
            "appointmentEndTime": hm(self.ends_ms),
            "locationID": self.location_id.to_string(),
            "appointmentType": self.type_name,
            "appointmentTypeID": self.type_id.to_string(),
            "practitionerID": self.practitioner_id.to_string(),
            "emailReminderSent": "0",
            "arrived": flag(!self.dna && !self.cancelled),
            "DNA": flag(self.dna),
            "cancelled": flag(self.cancelled),
            "cancellationDate": if self.cancelled { Json::from(nookal_datetime(self.starts_ms - 86_400_000)) } else { Json::Null },
            "Notes": "",
            "caseID": self.case_id.map(|c| c.to_string()),
            "invoiceGenerated": "0",
            "lastModified": nookal_datetime(self.starts_ms - 7 * 86_400_000),
            "dateCreated": nookal_datetime(self.starts_ms - 7 * 86_400_000),
        })
    }

    /// Clinic-local `YYYY-MM-DD` of the start.
    pub fn local_date(&self) -> String {
        date((self.starts_ms / 86_400_000) as i64)
    }
}

impl Nookal {
    /// Seed `day`'s diary once (individual appointments only; deleted ones are simply absent).
    pub fn seed_day(&mut self, day: i64) {
        if self.diary_days.contains(&day) || self.practitioners.len() < 2 {
            return;
        }
        let active: Vec<(u64, String)> = self
            .patients
            .iter()
            .map(|p| (p.id, format!("{} {}", p.first_name, p.last_name)))
            .collect();
        let sessions: Vec<Option<u64>> = crate::motics::notes::SESSIONS
            .iter()
            .map(|s| active.iter().find(|p| p.1 == s.patient).map(|p| p.0))
            .collect();
        let mut same = None;
        for (i, p) in active.iter().enumerate() {
            if let Some(q) = active[i + 1..].iter().find(|q| q.1 == p.1) {
                same = Some([p.0, q.0]);
                break;
            }
        }
        let Some(same) = same else { return };
        let others: Vec<u64> = active
            .iter()
            .rev()
            .filter(|p| !sessions.contains(&Some(p.0)) && !same.contains(&p.0))
            .step_by(5)
            .take(30)
            .map(|p| p.0)
            .collect();
        if others.len() < 12 {
            return;
        }
        self.diary_days.push(day);
        let resolve = |w: Who| match w {
            Who::Session(i) => sessions
                .get(i)
                .copied()
                .flatten()
                .unwrap_or(others[(20 + i) % others.len()]),
            Who::SameName(i) => same[i % 2],
            Who::Other(i) => others[i % others.len()],
        };
        for s in SLOTS.iter().filter(|s| s.state != State::Deleted) {
            let patient_id = resolve(s.who);
            let practitioner = &self.practitioners[s.practitioner.min(1)];
            let practitioner_id = practitioner.id;
            let location_id = practitioner.locations.first().copied().unwrap_or(1);
            let starts = diary::at(day, s.start_min);
            self.next_id += 1;
            let id = self.next_id;
            let case_id = self
                .cases
                .iter()
                .find(|c| c.patient_id == patient_id)
                .map(|c| c.id);
            let type_id = diary::TYPES
                .iter()
                .position(|t| *t == s.type_name)
                .unwrap_or(0) as u64
                + 1;
            let mut note_id = None;
            if s.state == State::HasNote
                && let Some(case_id) = case_id
            {
                self.next_id += 1;
                note_id = Some(self.next_id);
                self.notes.push(super::model::NookalNote {
                    id: self.next_id,
                    patient_id,
                    case_id,
                    practitioner_id,
                    date: nookal_datetime(starts),
                    text: "Reviewed; exercises progressed.".into(),
                    created_ms: starts + s.minutes * 60_000,
                    appt_id: Some(id),
                });
            }
            self.appointments.push(Appointment {
                id,
                patient_id,
                practitioner_id,
                location_id,
                type_name: s.type_name.into(),
                type_id,
                starts_ms: starts,
                ends_ms: starts + s.minutes * 60_000,
                cancelled: s.state == State::Cancelled,
                dna: s.state == State::DidNotArrive,
                case_id,
                note_id,
            });
        }
    }
}
