//! Reading a practitioner's diary from Cliniko: every page of the appointment lists, the classes'
//! attendees, the types' names and the patients' cards, in as few requests as the API allows
//! (ids in one `q[]=id:=a,b,c` filter per 100). All through the one paced `client::send`, so the
//! rate budget is the one pushes use.

use super::appointments::{
    AppointmentType, Attendee, DiaryPages, DiaryQuery, GroupAppointment, IndividualAppointment,
    get_attendee, get_group_appointment, get_individual_appointment, list_appointment_types,
    list_attendees, list_group_appointments, list_individual_appointments, list_patients_by_ids,
    list_practitioners, to_appointments,
};
use super::client;
use super::id::ClinikoId;
use super::key::ClinikoKey;
use super::requests::follow_next;
use super::types::{Listed, Page, Patient, Practitioner};
use crate::Result;
use crate::diary::{Appointment, DiaryWindow, Kind};
use crate::http::ApiRequest;
use crate::search::rank::{Candidate, PatientSummary, Tier, summarise};
use crate::worker::Env;

/// Most pages read from one list (100 a page): a runaway `links.next` cannot loop forever.
pub const MAX_PAGES: u32 = 20;

/// A diary as read: the appointments, the patients' cards, and how many requests it cost.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// Appointments and attendees (cancelled and deleted ones dropped).
    pub appointments: Vec<Appointment>,
    /// The patients' cards.
    pub patients: Vec<PatientSummary>,
    /// Requests sent.
    pub requests: u32,
}

/// Every page of a list, following `links.next` (checked to stay on this key's API host).
async fn all_pages<P: Env, T: Listed>(
    p: &P,
    key: &ClinikoKey,
    first: ApiRequest,
    n: &mut u32,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut req = first;
    for _ in 0..MAX_PAGES {
        *n += 1;
        let page: Page<T> = client::fetch(p, &req).await?;
        out.extend(page.items);
        match page.next {
            Some(next) => req = follow_next(key, &next)?,
            None => break,
        }
    }
    Ok(out)
}

async fn each<P: Env, T: Listed>(
    p: &P,
    key: &ClinikoKey,
    reqs: Vec<ApiRequest>,
    n: &mut u32,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for req in reqs {
        out.extend(all_pages::<P, T>(p, key, req, n).await?);
    }
    Ok(out)
}

/// The practitioner's diary over `window`.
pub async fn fetch<P: Env>(
    p: &P,
    key: &ClinikoKey,
    practitioner_id: &ClinikoId,
    window: &DiaryWindow,
) -> Result<Fetched> {
    let q = DiaryQuery {
        practitioner_id,
        window,
    };
    let mut n = 0;
    let mut pages = DiaryPages {
        individual: all_pages(p, key, list_individual_appointments(key, &q, None), &mut n).await?,
        groups: all_pages(p, key, list_group_appointments(key, &q, None), &mut n).await?,
        ..DiaryPages::default()
    };
    pages.attendees =
        each::<P, Attendee>(p, key, list_attendees(key, &pages.group_ids()), &mut n).await?;
    pages.types = each::<P, AppointmentType>(
        p,
        key,
        list_appointment_types(key, &pages.type_ids()),
        &mut n,
    )
    .await?;
    let appointments = to_appointments(&pages, &q);
    let patients = patients(p, key, &appointments, &mut n).await?;
    Ok(Fetched {
        appointments,
        patients,
        requests: n,
    })
}

/// The cards of the appointments' patients (archived ones too: they are in the diary).
async fn patients<P: Env>(
    p: &P,
    key: &ClinikoKey,
    appointments: &[Appointment],
    n: &mut u32,
) -> Result<Vec<PatientSummary>> {
    let ids: Vec<ClinikoId> = appointments
        .iter()
        .filter_map(|a| ClinikoId::parse(&a.patient_id).ok())
        .collect();
    let found = each::<P, Patient>(p, key, list_patients_by_ids(key, &ids), n).await?;
    Ok(found
        .into_iter()
        .map(|pt| summarise(&Candidate::from(pt), Tier::Other, None))
        .collect())
}

/// The clinic's active practitioners, for a key that is not one practitioner's.
pub async fn practitioners<P: Env>(p: &P, key: &ClinikoKey) -> Result<Vec<Practitioner>> {
    let mut n = 0;
    let all: Vec<Practitioner> = all_pages(p, key, list_practitioners(key, None), &mut n).await?;
    Ok(all
        .into_iter()
        .filter(|x| x.active != Some(false))
        .collect())
}

/// One appointment (or attendee) by id, read from Cliniko itself, for checking a link the
/// diary cache no longer holds. `None` when it is cancelled, deleted or has no patient.
pub async fn one<P: Env>(
    p: &P,
    key: &ClinikoKey,
    kind: &Kind,
    id: &str,
) -> Result<Option<Appointment>> {
    let id = ClinikoId::parse(id)?;
    let mut pages = DiaryPages::default();
    match kind {
        Kind::Individual => {
            let a: IndividualAppointment =
                client::fetch(p, &get_individual_appointment(key, &id)).await?;
            pages.individual.push(a);
        }
        Kind::GroupAttendee { .. } => {
            let at: Attendee = client::fetch(p, &get_attendee(key, &id)).await?;
            let Some(group_id) = at.group_id.clone() else {
                return Ok(None);
            };
            let g: GroupAppointment =
                client::fetch(p, &get_group_appointment(key, &group_id)).await?;
            pages.groups.push(g);
            pages.attendees.push(at);
        }
    }
    let practitioner = pages
        .individual
        .iter()
        .filter_map(|a| a.practitioner_id.clone())
        .chain(
            pages
                .groups
                .iter()
                .filter_map(|g| g.practitioner_id.clone()),
        )
        .next()
        .unwrap_or_else(|| id.clone());
    let everything = DiaryWindow {
        from_ms: i64::MIN / 2,
        to_ms: i64::MAX / 2,
        first_from_ms: i64::MIN / 2,
        first_to_ms: i64::MAX / 2,
        session_ms: 0,
    };
    let q = DiaryQuery {
        practitioner_id: &practitioner,
        window: &everything,
    };
    Ok(to_appointments(&pages, &q).into_iter().next())
}
