//! Cliniko's diary: appointment types, individual appointments, group appointments and their
//! attendees, served on the official list endpoints with their official `q[]` filters and paging
//! (cliniko-openapi.yaml `/individual_appointments`, `/group_appointments`, `/attendees`,
//! `/group_appointments/{id}/attendees`, `/appointment_types`), and the link a note may carry.

use serde_json::{Value as Json, json};

use super::filter::{Kind, Value};
use super::listing::{self, ListQuery};
use super::model::{Account, Note};
use crate::clock::iso;
use crate::seed::diary::{self, CLASSES, SLOTS, State, TYPES, Who};

/// An appointment type.
#[derive(Debug, Clone)]
pub struct AppointmentType {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Minutes.
    pub minutes: u64,
}

/// An individual appointment (also the target of a note's `booking_id`).
#[derive(Debug, Clone)]
pub struct Individual {
    /// Id.
    pub id: u64,
    /// Practitioner.
    pub practitioner_id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Patient's name as the diary shows it.
    pub patient_name: String,
    /// Type.
    pub appointment_type_id: u64,
    /// Start, unix ms.
    pub starts_ms: u64,
    /// End, unix ms.
    pub ends_ms: u64,
    /// Cancelled at.
    pub cancelled_ms: Option<u64>,
    /// Deleted at.
    pub deleted_ms: Option<u64>,
    /// Did not arrive.
    pub did_not_arrive: bool,
    /// `treatment_note_status`: null (no note), 10 draft, 90 final (the enum the spec gives on
    /// Attendee; the IndividualAppointment field has no enum in the spec).
    pub treatment_note_status: Option<u64>,
    /// Created, unix ms.
    pub created_ms: u64,
}

/// A group appointment (a class); its patients are its attendees.
#[derive(Debug, Clone)]
pub struct Group {
    /// Id.
    pub id: u64,
    /// Practitioner.
    pub practitioner_id: u64,
    /// Type.
    pub appointment_type_id: u64,
    /// Start, unix ms.
    pub starts_ms: u64,
    /// End, unix ms.
    pub ends_ms: u64,
    /// Created, unix ms.
    pub created_ms: u64,
}

/// One attendee of a group appointment (the target of a note's `attendee_id`).
#[derive(Debug, Clone)]
pub struct Attendee {
    /// Id.
    pub id: u64,
    /// The group appointment (`booking`).
    pub booking_id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Cancelled at.
    pub cancelled_ms: Option<u64>,
    /// `treatment_note_status` (null, 10, 90).
    pub treatment_note_status: Option<u64>,
    /// Created, unix ms.
    pub created_ms: u64,
}

/// An account's diary.
#[derive(Debug, Clone, Default)]
pub struct Diary {
    /// Appointment types.
    pub types: Vec<AppointmentType>,
    /// Individual appointments.
    pub individual: Vec<Individual>,
    /// Group appointments.
    pub groups: Vec<Group>,
    /// Attendees of group appointments.
    pub attendees: Vec<Attendee>,
    /// Days (since the epoch) already seeded.
    pub days: Vec<i64>,
}

/// Filters of `GET /individual_appointments` (cliniko-openapi.yaml).
pub const INDIVIDUAL_FIELDS: &[(&str, Kind)] = &[
    ("appointment_type_id", Kind::Int),
    ("archived_at", Kind::Time),
    ("business_id", Kind::Int),
    ("cancelled_at", Kind::Time),
    ("created_at", Kind::Time),
    ("deleted_at", Kind::Time),
    ("did_not_arrive", Kind::Bool),
    ("ends_at", Kind::Time),
    ("id", Kind::Int),
    ("patient_id", Kind::Int),
    ("practitioner_id", Kind::Int),
    ("repeated_from_id", Kind::Int),
    ("starts_at", Kind::Time),
    ("updated_at", Kind::Time),
];

/// Filters of `GET /group_appointments` (the spec's `patient_ids` array filter is not served).
pub const GROUP_FIELDS: &[(&str, Kind)] = &[
    ("appointment_type_id", Kind::Int),
    ("archived_at", Kind::Time),
    ("business_id", Kind::Int),
    ("created_at", Kind::Time),
    ("deleted_at", Kind::Time),
    ("ends_at", Kind::Time),
    ("id", Kind::Int),
    ("practitioner_id", Kind::Int),
    ("repeated_from_id", Kind::Int),
    ("starts_at", Kind::Time),
    ("updated_at", Kind::Time),
];

/// Filters of `GET /attendees` and `GET /group_appointments/{id}/attendees`.
pub const ATTENDEE_FIELDS: &[(&str, Kind)] = &[
    ("appointment_id", Kind::Int),
    ("archived_at", Kind::Time),
    ("booking_id", Kind::Int),
    ("cancelled_at", Kind::Time),
    ("created_at", Kind::Time),
    ("deleted_at", Kind::Time),
    ("id", Kind::Int),
    ("patient_case_id", Kind::Int),
    ("patient_id", Kind::Int),
    ("updated_at", Kind::Time),
];

/// Filters of `GET /appointment_types` (the subset the sandbox serves).
pub const TYPE_FIELDS: &[(&str, Kind)] = &[
    ("archived_at", Kind::Time),
    ("created_at", Kind::Time),
    ("id", Kind::Int),
];

fn individual_field(a: &Individual, f: &str) -> Value {
    match f {
        "appointment_type_id" => Value::Int(Some(a.appointment_type_id)),
        "cancelled_at" => Value::Time(a.cancelled_ms),
        "deleted_at" => Value::Time(a.deleted_ms),
        "did_not_arrive" => Value::Bool(Some(a.did_not_arrive)),
        "created_at" | "updated_at" => Value::Time(Some(a.created_ms)),
        "starts_at" => Value::Time(Some(a.starts_ms)),
        "ends_at" => Value::Time(Some(a.ends_ms)),
        "id" => Value::Int(Some(a.id)),
        "patient_id" => Value::Int(Some(a.patient_id)),
        "practitioner_id" => Value::Int(Some(a.practitioner_id)),
        "business_id" => Value::Int(Some(1)),
        _ => Value::Time(None),
    }
}

fn group_field(g: &Group, f: &str) -> Value {
    match f {
        "appointment_type_id" => Value::Int(Some(g.appointment_type_id)),
        "created_at" | "updated_at" => Value::Time(Some(g.created_ms)),
        "starts_at" => Value::Time(Some(g.starts_ms)),
        "ends_at" => Value::Time(Some(g.ends_ms)),
        "id" => Value::Int(Some(g.id)),
        "practitioner_id" => Value::Int(Some(g.practitioner_id)),
        "business_id" => Value::Int(Some(1)),
        _ => Value::Time(None),
    }
}

fn attendee_field(a: &Attendee, f: &str) -> Value {
    match f {
        "appointment_id" | "booking_id" => Value::Int(Some(a.booking_id)),
        "cancelled_at" => Value::Time(a.cancelled_ms),
        "created_at" | "updated_at" => Value::Time(Some(a.created_ms)),
        "id" => Value::Int(Some(a.id)),
        "patient_id" => Value::Int(Some(a.patient_id)),
        _ => Value::Time(None),
    }
}

fn type_field(t: &AppointmentType, f: &str) -> Value {
    match f {
        "id" => Value::Int(Some(t.id)),
        "created_at" => Value::Time(Some(crate::seed::SEED_EPOCH_MS)),
        _ => Value::Time(None),
    }
}

fn link(url: String) -> Json {
    json!({ "links": { "self": url } })
}

impl Individual {
    /// The `IndividualAppointment` JSON. Relations without a record (patient case, repeats) are
    /// left out: a link's `self` is not nullable in the spec.
    pub fn to_json(&self, base: &str) -> Json {
        json!({
            "id": self.id.to_string(),
            "appointment_type": link(format!("{base}/appointment_types/{}", self.appointment_type_id)),
            "archived_at": null,
            "attendees": link(format!("{base}/individual_appointments/{}/attendees", self.id)),
            "business": link(format!("{base}/businesses/1")),
            "cancelled_at": self.cancelled_ms.map(iso),
            "created_at": iso(self.created_ms),
            "deleted_at": self.deleted_ms.map(iso),
            "did_not_arrive": self.did_not_arrive,
            "ends_at": iso(self.ends_ms),
            "starts_at": iso(self.starts_ms),
            "links": { "self": format!("{base}/individual_appointments/{}", self.id) },
            "notes": null,
            "patient": link(format!("{base}/patients/{}", self.patient_id)),
            "patient_arrived": !self.did_not_arrive && self.treatment_note_status.is_some(),
            "patient_name": self.patient_name,
            "practitioner": link(format!("{base}/practitioners/{}", self.practitioner_id)),
            "treatment_note_status": self.treatment_note_status,
            "updated_at": iso(self.created_ms),
        })
    }
}

impl Group {
    /// The `GroupAppointment` JSON.
    pub fn to_json(&self, base: &str, patient_ids: Vec<String>) -> Json {
        json!({
            "id": self.id.to_string(),
            "appointment_type": link(format!("{base}/appointment_types/{}", self.appointment_type_id)),
            "archived_at": null,
            "attendees": link(format!("{base}/group_appointments/{}/attendees", self.id)),
            "business": link(format!("{base}/businesses/1")),
            "created_at": iso(self.created_ms),
            "deleted_at": null,
            "ends_at": iso(self.ends_ms),
            "starts_at": iso(self.starts_ms),
            "links": { "self": format!("{base}/group_appointments/{}", self.id) },
            "max_attendees": 10,
            "notes": null,
            "patient_ids": patient_ids,
            "practitioner": link(format!("{base}/practitioners/{}", self.practitioner_id)),
            "updated_at": iso(self.created_ms),
        })
    }
}

impl Attendee {
    /// The `Attendee` JSON.
    pub fn to_json(&self, base: &str) -> Json {
        json!({
            "id": self.id.to_string(),
            "archived_at": null,
            "arrived": null,
            "booking": link(format!("{base}/bookings/{}", self.booking_id)),
            "cancelled_at": self.cancelled_ms.map(iso),
            "created_at": iso(self.created_ms),
            "deleted_at": null,
            "links": { "self": format!("{base}/attendees/{}", self.id) },
            "patient": link(format!("{base}/patients/{}", self.patient_id)),
            "treatment_note_status": self.treatment_note_status,
            "updated_at": iso(self.created_ms),
        })
    }
}

impl AppointmentType {
    /// The `AppointmentType` JSON (a subset of its fields).
    pub fn to_json(&self, base: &str) -> Json {
        json!({
            "id": self.id.to_string(),
            "name": self.name,
            "duration_in_minutes": self.minutes,
            "archived_at": null,
            "created_at": iso(crate::seed::SEED_EPOCH_MS),
            "updated_at": iso(crate::seed::SEED_EPOCH_MS),
            "links": { "self": format!("{base}/appointment_types/{}", self.id) },
        })
    }
}

/// Whether the request filters on `field` (which lifts that field's default exclusion, as
/// `archived_at:*` does for archived records).
fn filters_on(q: &ListQuery, field: &str) -> bool {
    q.filters.iter().any(|f| f.field == field)
}

/// Cancelled and deleted records are left out unless the request filters on that field: the docs
/// say `*` "includes records the endpoint normally excludes (archived or cancelled)"; that deleted
/// ones are excluded by default too is UNCONFIRMED (clients should filter or check either way).
fn visible(q: &ListQuery, cancelled: Option<u64>, deleted: Option<u64>) -> bool {
    (cancelled.is_none() || filters_on(q, "cancelled_at"))
        && (deleted.is_none() || filters_on(q, "deleted_at"))
}

/// `GET /individual_appointments`.
pub fn list_individual(
    acc: &Account,
    q: &ListQuery,
    url: &str,
    pairs: &[(String, String)],
) -> Json {
    let base = acc.api_base();
    let items = acc
        .diary
        .individual
        .iter()
        .filter(|a| visible(q, a.cancelled_ms, a.deleted_ms))
        .collect();
    listing::respond(
        items,
        q,
        individual_field,
        |a| a.to_json(&base),
        "individual_appointments",
        url,
        pairs,
    )
}

fn group_patients(acc: &Account, g: &Group) -> Vec<String> {
    acc.diary
        .attendees
        .iter()
        .filter(|a| a.booking_id == g.id && a.cancelled_ms.is_none())
        .map(|a| a.patient_id.to_string())
        .collect()
}

/// `GET /group_appointments`.
pub fn list_groups(acc: &Account, q: &ListQuery, url: &str, pairs: &[(String, String)]) -> Json {
    let base = acc.api_base();
    listing::respond(
        acc.diary.groups.iter().collect(),
        q,
        group_field,
        |g| g.to_json(&base, group_patients(acc, g)),
        "group_appointments",
        url,
        pairs,
    )
}

/// `GET /attendees` (or one group's, when `group` is given).
pub fn list_attendees(
    acc: &Account,
    group: Option<u64>,
    q: &ListQuery,
    url: &str,
    pairs: &[(String, String)],
) -> Json {
    let base = acc.api_base();
    let items = acc
        .diary
        .attendees
        .iter()
        .filter(|a| group.is_none_or(|g| a.booking_id == g))
        .filter(|a| visible(q, a.cancelled_ms, None))
        .collect();
    listing::respond(
        items,
        q,
        attendee_field,
        |a| a.to_json(&base),
        "attendees",
        url,
        pairs,
    )
}

/// `GET /appointment_types`.
pub fn list_types(acc: &Account, q: &ListQuery, url: &str, pairs: &[(String, String)]) -> Json {
    let base = acc.api_base();
    listing::respond(
        acc.diary.types.iter().collect(),
        q,
        type_field,
        |t| t.to_json(&base),
        "appointment_types",
        url,
        pairs,
    )
}

/// Check a note's `booking_id` / `attendee_id` against its patient: `Err((field, message))` when
/// the appointment is unknown or belongs to someone else. Real Cliniko's answer there is
/// UNCONFIRMED (it may accept a mismatched link); the sandbox answers 422 so that a client sending
/// a contradictory link fails loudly, and the extension never relies on this check (its core
/// refuses such a link before sending).
pub fn check_link(
    acc: &Account,
    patient_id: u64,
    booking_id: Option<u64>,
    attendee_id: Option<u64>,
) -> Result<(), (&'static str, &'static str)> {
    if let Some(b) = booking_id {
        let owner = acc
            .diary
            .individual
            .iter()
            .find(|a| a.id == b)
            .map(|a| Some(a.patient_id))
            // A group appointment is a booking too; its patients are its attendees.
            .or_else(|| {
                acc.diary.groups.iter().any(|g| g.id == b).then(|| {
                    acc.diary
                        .attendees
                        .iter()
                        .any(|a| a.booking_id == b && a.patient_id == patient_id)
                        .then_some(patient_id)
                })
            });
        match owner {
            None => return Err(("booking", "must exist")),
            Some(Some(p)) if p == patient_id => {}
            Some(_) => return Err(("booking", "belongs to another patient")),
        }
    }
    if let Some(a) = attendee_id {
        match acc.diary.attendees.iter().find(|x| x.id == a) {
            None => return Err(("attendee", "must exist")),
            Some(x) if x.patient_id != patient_id => {
                return Err(("attendee", "belongs to another patient"));
            }
            Some(x) if booking_id.is_some_and(|b| b != x.booking_id) => {
                return Err(("attendee", "is not an attendee of that booking"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// After a linked note is created: the appointment's (or attendee's) `treatment_note_status`
/// becomes 10 (draft) or 90 (final), the values the spec gives.
pub fn mark_noted(acc: &mut Account, note: &Note) {
    let status = if note.draft == Some(false) { 90 } else { 10 };
    if let Some(a) = note.attendee_id {
        if let Some(x) = acc.diary.attendees.iter_mut().find(|x| x.id == a) {
            x.treatment_note_status = Some(status);
        }
    } else if let Some(b) = note.booking_id
        && let Some(x) = acc.diary.individual.iter_mut().find(|x| x.id == b)
    {
        x.treatment_note_status = Some(status);
    }
}

/// The patient ids an account's diary uses: (session patients by `SESSIONS` index, the same-name
/// pair, quiet "other" patients).
pub struct Cast {
    /// `SESSIONS[i]`'s patient, when the account has them.
    pub sessions: Vec<Option<u64>>,
    /// Two patients with the same name.
    pub same_name: [u64; 2],
    /// Patients no test names.
    pub others: Vec<u64>,
}

impl Cast {
    fn resolve(&self, who: Who) -> u64 {
        match who {
            Who::Session(i) => self
                .sessions
                .get(i)
                .copied()
                .flatten()
                .unwrap_or(self.others[(20 + i) % self.others.len()]),
            Who::SameName(i) => self.same_name[i % 2],
            Who::Other(i) => self.others[i % self.others.len()],
        }
    }
}

/// Seed `day`'s diary into the account (once per day) for its first two active practitioners.
pub fn seed_day(acc: &mut Account, cast: &Cast, day: i64) {
    if acc.diary.days.contains(&day) || acc.practitioners.is_empty() {
        return;
    }
    acc.diary.days.push(day);
    if acc.diary.types.is_empty() {
        for (i, name) in TYPES.iter().enumerate() {
            let id = acc.new_id();
            acc.diary.types.push(AppointmentType {
                id,
                name: (*name).into(),
                minutes: if i == 3 { 60 } else { 30 },
            });
        }
    }
    let type_id = |acc: &Account, name: &str| {
        acc.diary
            .types
            .iter()
            .find(|t| t.name == name)
            .map_or(0, |t| t.id)
    };
    let pracs: Vec<u64> = acc
        .practitioners
        .iter()
        .filter(|p| p.active)
        .map(|p| p.id)
        .collect();
    if pracs.is_empty() {
        return;
    }
    let created = diary::at(day, 0).saturating_sub(7 * 86_400_000);
    for s in SLOTS {
        let patient_id = cast.resolve(s.who);
        let patient_name = acc
            .patients
            .iter()
            .find(|p| p.id == patient_id)
            .map(|p| p.full_name())
            .unwrap_or_default();
        let starts = diary::at(day, s.start_min);
        let ends = starts + s.minutes * 60_000;
        let id = acc.new_id();
        let appointment_type_id = type_id(acc, s.type_name);
        acc.diary.individual.push(Individual {
            id,
            practitioner_id: pracs[s.practitioner.min(pracs.len() - 1)],
            patient_id,
            patient_name,
            appointment_type_id,
            starts_ms: starts,
            ends_ms: ends,
            cancelled_ms: (s.state == State::Cancelled).then_some(starts - 86_400_000),
            deleted_ms: (s.state == State::Deleted).then_some(starts - 86_400_000),
            did_not_arrive: s.state == State::DidNotArrive,
            treatment_note_status: (s.state == State::HasNote).then_some(90),
            created_ms: created,
        });
        if s.state == State::HasNote {
            let nid = acc.new_id();
            let prac = acc
                .practitioners
                .iter()
                .find(|p| p.id == pracs[s.practitioner.min(pracs.len() - 1)])
                .map(|p| (p.id, p.display_name()))
                .unwrap_or_default();
            acc.notes.push(Note {
                id: nid,
                patient_id,
                practitioner_id: prac.0,
                template_id: acc.templates.first().map(|t| t.id),
                booking_id: Some(id),
                attendee_id: None,
                title: "Follow-up".into(),
                draft: Some(false),
                content: json!({ "sections": [ { "name": "Notes", "questions": [
                    { "name": "Notes", "type": "paragraph", "answer": "<p>Reviewed; exercises progressed.</p>" } ] } ] }),
                author_name: prac.1,
                archived_ms: None,
                finalized_ms: Some(ends),
                created_ms: ends,
                updated_ms: ends,
            });
        }
    }
    for c in CLASSES {
        let starts = diary::at(day, c.start_min);
        let gid = acc.new_id();
        let appointment_type_id = type_id(acc, c.type_name);
        acc.diary.groups.push(Group {
            id: gid,
            practitioner_id: pracs[0],
            appointment_type_id,
            starts_ms: starts,
            ends_ms: starts + c.minutes * 60_000,
            created_ms: created,
        });
        for who in c.attendees {
            let id = acc.new_id();
            acc.diary.attendees.push(Attendee {
                id,
                booking_id: gid,
                patient_id: cast.resolve(who),
                cancelled_ms: None,
                treatment_note_status: None,
                created_ms: created,
            });
        }
    }
}

/// The cast of an account's diary, found in its patients (never by id, so any seed works): the
/// Motics sessions' patients by name (and date of birth when the session gives one), the first
/// pair of active patients sharing a name (the one a session names first), and quiet patients from
/// the end of the list (none of the named ones).
pub fn cast_for(acc: &Account) -> Option<Cast> {
    use crate::motics::notes::SESSIONS;
    let active: Vec<&super::model::Patient> = acc
        .patients
        .iter()
        .filter(|p| p.archived_ms.is_none())
        .collect();
    let sessions: Vec<Option<u64>> = SESSIONS
        .iter()
        .map(|s| {
            active
                .iter()
                .find(|p| {
                    p.full_name() == s.patient
                        && s.dob.is_none_or(|d| p.date_of_birth.as_deref() == Some(d))
                })
                .map(|p| p.id)
        })
        .collect();
    let mut same_name = None;
    for (i, p) in active.iter().enumerate() {
        if let Some(q) = active[i + 1..]
            .iter()
            .find(|q| q.full_name() == p.full_name())
        {
            same_name = Some(if sessions.contains(&Some(q.id)) {
                [q.id, p.id]
            } else {
                [p.id, q.id]
            });
            break;
        }
    }
    let named: Vec<String> = active
        .iter()
        .filter(|p| sessions.contains(&Some(p.id)) || same_name.is_some_and(|s| s.contains(&p.id)))
        .map(|p| p.full_name())
        .collect();
    let others: Vec<u64> = active
        .iter()
        .rev()
        .filter(|p| !named.contains(&p.full_name()))
        .step_by(5)
        .take(30)
        .map(|p| p.id)
        .collect();
    (others.len() >= 12).then_some(Cast {
        sessions,
        same_name: same_name?,
        others,
    })
}

/// Seed `day` into the first account (the clinic the Motics sessions belong to).
pub fn seed_first_account(accounts: &mut [Account], day: i64) {
    if let Some(acc) = accounts.first_mut() {
        if acc.diary.days.contains(&day) {
            return;
        }
        if let Some(cast) = cast_for(acc) {
            seed_day(acc, &cast, day);
        }
    }
}
