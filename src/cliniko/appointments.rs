//! Cliniko's diary: builders for the appointment list requests and parsers that return the
//! EHR-neutral [`crate::diary::Appointment`] (cliniko-openapi.yaml `/individual_appointments`,
//! `/group_appointments`, `/attendees`, `/appointment_types`, `/patients?q[]=id:=…`), and the
//! linked note body (`booking_id` / `attendee_id`).
//!
//! Times are UTC (`starts_at`, "All dates and times are expected to be in UTC", reference §11).
//! Cancelled and deleted records are asked away (`cancelled_at:!?`, `deleted_at:!?`) AND dropped
//! here: whether Cliniko hides them by default is only partly documented, so either answer works.
//! A server that ignores a filter (practitioner, time) is tolerated the same way: what comes back
//! is checked against the request.

use super::id::Cliniko;
use serde_json::Value;

use super::decode::{Obj, bad};
use super::id::ClinikoId;
use super::key::ClinikoKey;
use super::requests::{
    Filter, ListParams, MAX_PER_PAGE, NewTreatmentNote, create_treatment_note, get, post,
};
use super::types::{Decode, Listed};
use crate::diary::{Appointment, DiaryWindow, Kind, NoteStatus, VerifiedLink};
use crate::http::ApiRequest;
use crate::push::time::{iso_utc, parse_iso_ms};
use crate::{Error, Result};

/// Ids per `q[]=<field>:=a,b,c` filter: one page of 100 answers them all.
pub const IDS_PER_REQUEST: usize = 100;

/// Whose diary and which span (from [`crate::diary::window`]).
#[derive(Debug, Clone, Copy)]
pub struct DiaryQuery<'a> {
    /// The practitioner (the key's own, or the one a receptionist picked).
    pub practitioner_id: &'a ClinikoId,
    /// The span to load.
    pub window: &'a DiaryWindow,
}

/// Appointments overlapping the window: `ends_at` after its start, `starts_at` before its end.
fn span_filters(q: &DiaryQuery<'_>) -> Vec<Filter> {
    vec![
        Filter::eq("practitioner_id", q.practitioner_id.as_str()),
        Filter::gt("ends_at", &iso_utc(q.window.from_ms)),
        Filter::lt("starts_at", &iso_utc(q.window.to_ms)),
        Filter::null("deleted_at"),
    ]
}

fn list(key: &ClinikoKey, path: &str, filters: Vec<Filter>, page: Option<u32>) -> ApiRequest {
    let params = ListParams {
        filters,
        sort: Some("starts_at".into()),
        per_page: Some(MAX_PER_PAGE),
        page,
    };
    get(key, path, &params.query())
}

/// `GET /individual_appointments` for the practitioner and window, not cancelled, not deleted,
/// by start time, 100 a page (follow `links.next` with `requests::follow_next`).
pub fn list_individual_appointments(
    key: &ClinikoKey,
    q: &DiaryQuery<'_>,
    page: Option<u32>,
) -> ApiRequest {
    let mut filters = span_filters(q);
    filters.push(Filter::null("cancelled_at"));
    list(key, "/individual_appointments", filters, page)
}

/// `GET /group_appointments` for the practitioner and window, not deleted (a class itself has no
/// `cancelled_at` filter: its attendees are cancelled one by one).
pub fn list_group_appointments(
    key: &ClinikoKey,
    q: &DiaryQuery<'_>,
    page: Option<u32>,
) -> ApiRequest {
    list(key, "/group_appointments", span_filters(q), page)
}

fn id_list(ids: &[ClinikoId]) -> String {
    ids.iter()
        .map(ClinikoId::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn by_ids(
    key: &ClinikoKey,
    path: &str,
    field: &str,
    ids: &[ClinikoId],
    extra: &[Filter],
) -> Vec<ApiRequest> {
    let mut unique: Vec<ClinikoId> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    unique
        .chunks(IDS_PER_REQUEST)
        .map(|chunk| {
            let mut filters = vec![Filter::eq(field, &id_list(chunk))];
            filters.extend_from_slice(extra);
            let params = ListParams {
                filters,
                sort: None,
                per_page: Some(MAX_PER_PAGE),
                page: None,
            };
            get(key, path, &params.query())
        })
        .collect()
}

/// `GET /attendees?q[]=booking_id:=<classes>`: the classes' attendees, not cancelled or deleted.
pub fn list_attendees(key: &ClinikoKey, group_ids: &[ClinikoId]) -> Vec<ApiRequest> {
    by_ids(
        key,
        "/attendees",
        "booking_id",
        group_ids,
        &[Filter::null("cancelled_at"), Filter::null("deleted_at")],
    )
}

/// `GET /appointment_types?q[]=id:=…`: the names of the types the diary uses.
pub fn list_appointment_types(key: &ClinikoKey, ids: &[ClinikoId]) -> Vec<ApiRequest> {
    by_ids(key, "/appointment_types", "id", ids, &[])
}

/// `GET /patients?q[]=id:=…`: the diary's patients (name, date of birth) in as few requests as
/// the API allows (the numeric `=` takes a list: reference §5).
pub fn list_patients_by_ids(key: &ClinikoKey, ids: &[ClinikoId]) -> Vec<ApiRequest> {
    by_ids(key, "/patients", "id", ids, &[])
}

/// `POST /treatment_notes` linked to its appointment: `booking_id` for an individual appointment,
/// `attendee_id` for a class attendee (requestBodies/TreatmentNote). Refused when the link is
/// not the note's patient's (the link was verified, this is the builder's own last check).
pub fn create_linked_treatment_note(
    key: &ClinikoKey,
    note: &NewTreatmentNote,
    link: &VerifiedLink,
) -> Result<ApiRequest> {
    if !link.belongs_to(note.patient_id.as_str()) {
        return Err(Error::InvalidInput(
            "the appointment belongs to another patient".into(),
        ));
    }
    let plain = create_treatment_note(key, note)?;
    let mut body: Value = serde_json::from_str(plain.body.as_deref().unwrap_or("{}"))
        .map_err(|e| Error::InvalidInput(format!("note body: {e}")))?;
    let field = match link.link().kind {
        Kind::Individual => "booking_id",
        Kind::GroupAttendee { .. } => "attendee_id",
    };
    if let Value::Object(map) = &mut body {
        map.insert(field.into(), Value::String(link.link().id.clone()));
    }
    Ok(post(key, "/treatment_notes", Some(body.to_string())))
}

fn time(o: &Obj<'_>, field: &str) -> Result<Option<i64>> {
    match o.nonempty_opt(field)? {
        None => Ok(None),
        Some(t) => parse_iso_ms(&t)
            .map(Some)
            .ok_or_else(|| bad(&o.field_path(field), "expected a date-time")),
    }
}

fn is_set(o: &Obj<'_>, field: &str) -> Result<bool> {
    Ok(o.nonempty_opt(field)?.is_some())
}

/// An individual appointment, as much of it as the diary needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndividualAppointment {
    /// Id (a note's `booking_id`).
    pub id: ClinikoId,
    /// From `patient.links.self`.
    pub patient_id: Option<ClinikoId>,
    /// From `practitioner.links.self`.
    pub practitioner_id: Option<ClinikoId>,
    /// From `appointment_type.links.self`.
    pub appointment_type_id: Option<ClinikoId>,
    /// `starts_at`, UTC ms.
    pub starts_ms: Option<i64>,
    /// `ends_at`, UTC ms.
    pub ends_ms: Option<i64>,
    /// `cancelled_at`, `deleted_at` or `archived_at` is set.
    pub gone: bool,
    /// `did_not_arrive`.
    pub did_not_arrive: bool,
    /// `treatment_note_status` (null, 10 draft, 90 final).
    pub treatment_note_status: Option<u64>,
    /// `patient_name`.
    pub patient_name: Option<String>,
}

impl Decode<Cliniko> for IndividualAppointment {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(IndividualAppointment {
            id: o.id("id")?,
            patient_id: o.linked_id("patient")?,
            practitioner_id: o.linked_id("practitioner")?,
            appointment_type_id: o.linked_id("appointment_type")?,
            starts_ms: time(o, "starts_at")?,
            ends_ms: time(o, "ends_at")?,
            gone: is_set(o, "cancelled_at")?
                || is_set(o, "deleted_at")?
                || is_set(o, "archived_at")?,
            did_not_arrive: o.bool_opt("did_not_arrive")?.unwrap_or(false),
            treatment_note_status: o.u64_opt("treatment_note_status")?,
            patient_name: o.nonempty_opt("patient_name")?,
        })
    }
}

impl Listed for IndividualAppointment {
    const LIST_KEY: &'static str = "individual_appointments";
}

/// A group appointment (a class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAppointment {
    /// Id (its attendees' `booking`).
    pub id: ClinikoId,
    /// From `practitioner.links.self`.
    pub practitioner_id: Option<ClinikoId>,
    /// From `appointment_type.links.self`.
    pub appointment_type_id: Option<ClinikoId>,
    /// `starts_at`, UTC ms.
    pub starts_ms: Option<i64>,
    /// `ends_at`, UTC ms.
    pub ends_ms: Option<i64>,
    /// `deleted_at` or `archived_at` is set.
    pub gone: bool,
}

impl Decode<Cliniko> for GroupAppointment {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(GroupAppointment {
            id: o.id("id")?,
            practitioner_id: o.linked_id("practitioner")?,
            appointment_type_id: o.linked_id("appointment_type")?,
            starts_ms: time(o, "starts_at")?,
            ends_ms: time(o, "ends_at")?,
            gone: is_set(o, "deleted_at")? || is_set(o, "archived_at")?,
        })
    }
}

impl Listed for GroupAppointment {
    const LIST_KEY: &'static str = "group_appointments";
}

/// One attendee of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Id (a note's `attendee_id`).
    pub id: ClinikoId,
    /// The class, from `booking.links.self`.
    pub group_id: Option<ClinikoId>,
    /// From `patient.links.self`.
    pub patient_id: Option<ClinikoId>,
    /// `cancelled_at`, `deleted_at` or `archived_at` is set.
    pub gone: bool,
    /// `treatment_note_status` (null, 10 draft, 90 final).
    pub treatment_note_status: Option<u64>,
}

impl Decode<Cliniko> for Attendee {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(Attendee {
            id: o.id("id")?,
            group_id: o.linked_id("booking")?,
            patient_id: o.linked_id("patient")?,
            gone: is_set(o, "cancelled_at")?
                || is_set(o, "deleted_at")?
                || is_set(o, "archived_at")?,
            treatment_note_status: o.u64_opt("treatment_note_status")?,
        })
    }
}

impl Listed for Attendee {
    const LIST_KEY: &'static str = "attendees";
}

/// An appointment type's id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentType {
    /// Id.
    pub id: ClinikoId,
    /// Name.
    pub name: String,
}

impl Decode<Cliniko> for AppointmentType {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(AppointmentType {
            id: o.id("id")?,
            name: o.str_or_empty("name")?,
        })
    }
}

impl Listed for AppointmentType {
    const LIST_KEY: &'static str = "appointment_types";
}

/// Everything the diary requests returned (all pages).
#[derive(Debug, Clone, Default)]
pub struct DiaryPages {
    /// Individual appointments.
    pub individual: Vec<IndividualAppointment>,
    /// Classes.
    pub groups: Vec<GroupAppointment>,
    /// The classes' attendees.
    pub attendees: Vec<Attendee>,
    /// Appointment types (for the names; may be empty).
    pub types: Vec<AppointmentType>,
}

impl DiaryPages {
    /// The classes' ids, for [`list_attendees`].
    pub fn group_ids(&self) -> Vec<ClinikoId> {
        self.groups.iter().map(|g| g.id.clone()).collect()
    }

    /// The appointment types used, for [`list_appointment_types`].
    pub fn type_ids(&self) -> Vec<ClinikoId> {
        let mut ids: Vec<ClinikoId> = self
            .individual
            .iter()
            .filter_map(|a| a.appointment_type_id.clone())
            .chain(
                self.groups
                    .iter()
                    .filter_map(|g| g.appointment_type_id.clone()),
            )
            .collect();
        ids.dedup();
        ids
    }
}

/// Cliniko's `treatment_note_status`: null → none, 10 → draft, 90 → final; a value the spec does
/// not list counts as "has a note" (never suggest a second one).
pub fn note_status(status: Option<u64>) -> NoteStatus {
    match status {
        None => NoteStatus::NoNote,
        Some(10) => NoteStatus::Draft,
        Some(_) => NoteStatus::Final,
    }
}

/// The neutral appointments: individual ones and one per class attendee, for `q`'s practitioner
/// and window only ([`crate::diary::in_diary`]), without anything cancelled, deleted, archived
/// or without a patient or time.
pub fn to_appointments(pages: &DiaryPages, q: &DiaryQuery<'_>) -> Vec<Appointment> {
    let type_name = |id: Option<&ClinikoId>| {
        id.and_then(|id| pages.types.iter().find(|t| &t.id == id))
            .map(|t| t.name.clone())
            .filter(|n| !n.is_empty())
    };
    let mut out = Vec::new();
    for a in pages.individual.iter().filter(|a| !a.gone) {
        let (Some(patient), Some(starts)) = (&a.patient_id, a.starts_ms) else {
            continue;
        };
        let (id, kind) = (a.id.to_string(), Kind::Individual);
        out.push(Appointment {
            practitioner_id: a.practitioner_id.as_ref().map(ToString::to_string),
            type_name: type_name(a.appointment_type_id.as_ref()),
            note: note_status(a.treatment_note_status),
            did_not_arrive: a.did_not_arrive,
            patient_name: a.patient_name.clone(),
            ..Appointment::at(id, kind, patient.to_string(), starts, a.ends_ms)
        });
    }
    for g in pages.groups.iter().filter(|g| !g.gone) {
        let Some(starts) = g.starts_ms else { continue };
        for at in (pages.attendees.iter()).filter(|at| at.group_id.as_ref() == Some(&g.id)) {
            let (Some(patient), false) = (&at.patient_id, at.gone) else {
                continue;
            };
            let (id, group_id) = (at.id.to_string(), g.id.to_string());
            let kind = Kind::GroupAttendee { group_id };
            // The Attendee schema has `arrived` but no did-not-arrive flag: not marked.
            out.push(Appointment {
                practitioner_id: g.practitioner_id.as_ref().map(ToString::to_string),
                type_name: type_name(g.appointment_type_id.as_ref()),
                note: note_status(at.treatment_note_status),
                ..Appointment::at(id, kind, patient.to_string(), starts, g.ends_ms)
            });
        }
    }
    crate::diary::in_diary(out, q.practitioner_id.as_str(), q.window)
}

/// `GET /practitioners`, 100 a page: the diaries a key without its own practitioner (a
/// receptionist) may look at.
pub fn list_practitioners(key: &ClinikoKey, page: Option<u32>) -> ApiRequest {
    let params = ListParams {
        filters: Vec::new(),
        sort: None,
        per_page: Some(MAX_PER_PAGE),
        page,
    };
    get(key, "/practitioners", &params.query())
}

/// `GET /individual_appointments/{id}`: one appointment, to check a link the diary cache no
/// longer holds.
pub fn get_individual_appointment(key: &ClinikoKey, id: &ClinikoId) -> ApiRequest {
    get(key, &format!("/individual_appointments/{id}"), "")
}

/// `GET /attendees/{id}`: one class attendee, to check a link the diary cache no longer holds.
pub fn get_attendee(key: &ClinikoKey, id: &ClinikoId) -> ApiRequest {
    get(key, &format!("/attendees/{id}"), "")
}

/// `GET /group_appointments/{id}`: the class of an attendee (its time and type).
pub fn get_group_appointment(key: &ClinikoKey, id: &ClinikoId) -> ApiRequest {
    get(key, &format!("/group_appointments/{id}"), "")
}
