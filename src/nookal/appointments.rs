//! Nookal's diary: the `getAppointments` request and a parser that returns the EHR-neutral
//! [`crate::diary::Appointment`], and `addTreatmentNote` linked by `appt_id` (reference §3).
//!
//! Facts, from the official PHP SDK v0.1.14 `types/Appointments.php` (the fields it reads):
//! `ID patientID appointmentDate appointmentStartTime appointmentEndTime locationID appointmentType
//! appointmentTypeID practitionerID DNA cancelled cancellationDate arrived`, under
//! `data.results.appointments`; `getAppointments` is in the SDK's method table.
//!
//! UNCONFIRMED, and how this code tolerates either answer:
//! - the request's filter names (`date_from`, `date_to`, `practitioner_id`): if Nookal ignores or
//!   names them otherwise, every page is still read and each appointment is checked here against
//!   the practitioner and the window, so the answer is the same, only slower;
//! - the time zone: dates and times are clinic-local strings with no zone; they are read in the
//!   browser's zone (`offset_min`), i.e. the clinician's browser is assumed to be in the clinic's;
//! - the flags' encoding (`"1"`, `1`, `true`, `"yes"` all read);
//! - `caseID` on an appointment (patientnotes reads `appointments[0].caseID`): used when present;
//! - whether Nookal checks that `appt_id` belongs to the note's patient: never relied on, the link
//!   is verified before the request is built;
//! - v2 appointments carry no note status: every one is [`crate::diary::NoteStatus::NotReported`].

use super::form::encode;
use super::id::Nookal;
use super::id::NookalId;
use super::key::NookalKey;
use super::read::Rec;
use super::requests::{NewTreatmentNote, add_treatment_note, paged};
use super::types::Decode;
use crate::diary::{Appointment, DiaryWindow, Kind, MINUTE_MS, VerifiedLink};
use crate::http::ApiRequest;
use crate::push::time::parse_iso_ms;
use crate::search::date::Date;
use crate::{Error, Result};

/// The clinic-local dates (`YYYY-MM-DD`) the window covers, first and last.
pub fn local_dates(window: &DiaryWindow, offset_min: i32) -> (String, String) {
    let local = |ms: i64| Date::from_unix_ms(ms + i64::from(offset_min) * MINUTE_MS).iso();
    (local(window.from_ms), local(window.to_ms - 1))
}

/// `getAppointments` for the practitioner and the window's local dates, one page.
pub fn get_appointments(
    key: &NookalKey,
    practitioner_id: &NookalId,
    window: &DiaryWindow,
    offset_min: i32,
    page: u32,
) -> ApiRequest {
    let (from, to) = local_dates(window, offset_min);
    paged(
        key,
        "getAppointments",
        &[
            ("practitioner_id", practitioner_id.as_str()),
            ("date_from", &from),
            ("date_to", &to),
        ],
        page,
    )
}

/// `addTreatmentNote` linked by `appt_id`. Refused when the link is not the note's patient's, or
/// carries another case than the note's (the appointment's case is the one to file under).
pub fn add_linked_treatment_note(
    key: &NookalKey,
    n: &NewTreatmentNote,
    link: &VerifiedLink,
) -> Result<ApiRequest> {
    if !link.belongs_to(n.patient_id.as_str()) {
        return Err(Error::InvalidInput(
            "the appointment belongs to another patient".into(),
        ));
    }
    if link
        .link()
        .case_id
        .as_deref()
        .is_some_and(|c| c != n.case_id.as_str())
    {
        return Err(Error::InvalidInput(
            "the appointment belongs to another case".into(),
        ));
    }
    let mut req = add_treatment_note(key, n);
    let extra = encode(&[("appt_id", link.link().id.as_str())]);
    req.body = Some(match req.body.take() {
        Some(b) if !b.is_empty() => format!("{b}&{extra}"),
        _ => extra,
    });
    Ok(req)
}

/// One appointment as `getAppointments` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NookalAppointment {
    /// `ID` (a note's `appt_id`).
    pub id: NookalId,
    /// `patientID`.
    pub patient_id: Option<NookalId>,
    /// `practitionerID`.
    pub practitioner_id: Option<NookalId>,
    /// `appointmentDate`, clinic-local `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `appointmentStartTime`, clinic-local `HH:MM[:SS]`.
    pub start: Option<String>,
    /// `appointmentEndTime`.
    pub end: Option<String>,
    /// `appointmentType` (its name).
    pub type_name: Option<String>,
    /// `cancelled`.
    pub cancelled: bool,
    /// `DNA` (did not arrive).
    pub dna: bool,
    /// `caseID`, when the appointment carries one (UNCONFIRMED field).
    pub case_id: Option<NookalId>,
}

impl Decode<Nookal> for NookalAppointment {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        Ok(NookalAppointment {
            id: r.id_any(&["ID", "id", "appointmentID", "apptID"])?,
            patient_id: r.id_opt_any(&["patientID", "PatientID", "clientID"])?,
            practitioner_id: r.id_opt_any(&["practitionerID", "PractitionerID"])?,
            date: r.date_any(&["appointmentDate", "date"])?,
            start: r.text_any(&["appointmentStartTime", "startTime"])?,
            end: r.text_any(&["appointmentEndTime", "endTime"])?,
            type_name: r.text_any(&["appointmentType", "type"])?,
            cancelled: r.flag("cancelled")?.unwrap_or(false),
            dna: r.flag("DNA")?.unwrap_or(false),
            case_id: r.id_opt_any(&["caseID", "CaseID", "case_id"])?,
        })
    }
}

/// UTC ms of a clinic-local date and time (`HH:MM`, `HH:MM:SS`, or a whole `YYYY-MM-DD HH:MM:SS`)
/// read in a zone `offset_min` minutes east of UTC.
pub fn local_to_utc_ms(date: &str, time: &str, offset_min: i32) -> Option<i64> {
    let time = time.trim();
    let time = time.rsplit([' ', 'T']).next().unwrap_or(time);
    let time = match time.len() {
        5 => format!("{time}:00"),
        _ => time.get(..8)?.to_string(),
    };
    let date = date.trim().get(..10)?;
    parse_iso_ms(&format!("{date}T{time}Z")).map(|ms| ms - i64::from(offset_min) * MINUTE_MS)
}

/// The neutral appointments for the practitioner and window ([`crate::diary::in_diary`]):
/// cancelled ones and those without a patient or a readable time are dropped.
pub fn to_appointments(
    list: &[NookalAppointment],
    practitioner_id: &NookalId,
    window: &DiaryWindow,
    offset_min: i32,
) -> Vec<Appointment> {
    let found = list.iter().filter(|a| !a.cancelled).filter_map(|a| {
        let date = a.date.as_deref()?;
        let starts = local_to_utc_ms(date, a.start.as_deref()?, offset_min)?;
        let ends = a
            .end
            .as_deref()
            .and_then(|e| local_to_utc_ms(date, e, offset_min));
        let patient = a.patient_id.as_ref()?.to_string();
        Some(Appointment {
            practitioner_id: a.practitioner_id.as_ref().map(ToString::to_string),
            type_name: a.type_name.clone(),
            did_not_arrive: a.dna,
            case_id: a.case_id.as_ref().map(ToString::to_string),
            ..Appointment::at(a.id.to_string(), Kind::Individual, patient, starts, ends)
        })
    });
    crate::diary::in_diary(found.collect(), practitioner_id.as_str(), window)
}
