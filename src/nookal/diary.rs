//! Reading a practitioner's diary from Nookal: every page of `getAppointments` for the window's
//! clinic-local dates, then each patient's card. Nookal v2 has no "patients by ids" call (its
//! `getPatients` lists the whole clinic), so a card costs one `searchPatients?patient_id=` each,
//! once per worker (cached). All through the one paced `client::call`, the budget pushes use.

use std::cell::Cell;

use super::appointments::{NookalAppointment, get_appointments, to_appointments};
use super::client::{On401, list_all, list_page};
use super::id::NookalId;
use super::key::NookalKey;
use super::rank::candidate;
use super::requests::{PatientSearch, search_patients};
use super::types::Patient;
use crate::Result;
use crate::diary::{Appointment, DiaryWindow};
use crate::search::rank::{PatientSummary, Tier, summarise};
use crate::worker::Env;

/// The practitioner's appointments over `window` (clinic-local times read at `offset_min`), and
/// how many requests that cost.
pub async fn fetch<P: Env>(
    p: &P,
    key: &NookalKey,
    practitioner_id: &NookalId,
    window: &DiaryWindow,
    offset_min: i32,
) -> Result<(Vec<Appointment>, u32)> {
    let n = Cell::new(0u32);
    let list: Vec<NookalAppointment> =
        list_all(p, "appointments", On401::MarkNeedsReconnect, |page| {
            n.set(n.get() + 1);
            get_appointments(key, practitioner_id, window, offset_min, page)
        })
        .await?;
    Ok((
        to_appointments(&list, practitioner_id, window, offset_min),
        n.get(),
    ))
}

/// A patient's card by id (`None` when Nookal does not return that patient).
pub async fn patient<P: Env>(p: &P, key: &NookalKey, id: &str) -> Result<Option<PatientSummary>> {
    let id = NookalId::parse(id)?;
    let req = search_patients(key, &PatientSearch::ById(id.clone()), 1);
    let (found, _) =
        list_page::<P, Patient>(p, &req, "patients", On401::MarkNeedsReconnect).await?;
    Ok(found
        .iter()
        .find(|x| x.id == id)
        .map(|x| summarise(&candidate(x), Tier::Other, None)))
}
