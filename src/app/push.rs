//! Message handlers for pushing notes: `push/preflight`, `push/start`, `push/queue`, `jobs/*`,
//! `receipts/list`.
//!
//! The work lives in `crate::push`; this adds what only the app knows: clearing the page's
//! pre-selection once its note has landed.

use super::preselect::{self, Scope};
use crate::ehr::appointments::AppointmentRef;
use crate::error::Ehr;
use crate::push::guard::{NeedsConfirmation, Reason};
use crate::push::{self, Job, JobView, Receipt, run::NewPush, run::Started};
use crate::worker::Env;
use crate::{Error, Result};
use serde::Serialize;

/// `push/preflight`: `{at_ms, note_id, reason}` when the EHR has a recent note with this title
/// for this patient, else `null` (remembered briefly, so the push skips the same GET). Nookal
/// notes have no title to check: always `null` (its guard is our own receipts and outbox).
pub async fn preflight<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    title: &str,
) -> Result<Option<NeedsConfirmation>> {
    match ehr {
        Ehr::Cliniko => push::preflight::run(p, patient_id, title).await,
        Ehr::Nookal => Ok(None),
    }
}

/// `push/preflight` with an appointment: another patient's → [`Error::AppointmentMismatch`]; one
/// that has a note → "This appointment already has a note" (`appointment_has_note`).
pub async fn appointment_preflight<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    appointment: &AppointmentRef,
    utc_offset_min: i32,
) -> Result<Option<NeedsConfirmation>> {
    let linked =
        crate::ehr::appointments::link_for(p, ehr, appointment, patient_id, None, utc_offset_min)
            .await?;
    Ok(linked.has_note.then_some(NeedsConfirmation {
        at_ms: None,
        note_id: None,
        reason: Reason::AppointmentHasNote,
    }))
}

/// `push/start`: `{needs_confirmation: {at_ms, note_id, reason}}` or `{job}` after its first attempt.
pub async fn start<P: Env>(p: &P, req: NewPush) -> Result<Started> {
    let (started, job) = push::start(p, req).await?;
    if let Some(job) = job {
        clear_landed(p, &[job]).await?;
    }
    Ok(started)
}

/// `push/queue`: one answer per item, in order.
pub async fn queue<P: Env>(p: &P, items: Vec<NewPush>) -> Result<Vec<Started>> {
    push::enqueue(p, items).await
}

/// What `jobs/tick` answers.
#[derive(Debug, Serialize)]
pub struct TickReply {
    /// How many jobs landed in this tick.
    pub landed: usize,
    /// Every job afterwards.
    pub jobs: Vec<JobView>,
}

/// `jobs/tick`: run every due job (the alarm, the popup after `push/queue`, browser start-up).
pub async fn tick<P: Env>(p: &P) -> Result<TickReply> {
    let landed = push::tick(p).await?;
    clear_landed(p, &landed).await?;
    Ok(TickReply {
        landed: landed.len(),
        jobs: push::list(p).await?,
    })
}

/// After a new key for `ehr` is saved: resume that EHR's jobs parked on a 401, once the EHR can
/// take them (a Nookal job resumed without a practitioner would only fail again, for good).
pub async fn resume_parked<P: Env>(p: &P, ehr: Ehr) -> Result<()> {
    if ehr == Ehr::Nookal
        && !crate::nookal::store::STORE
            .active(p)
            .await
            .is_ok_and(|(_, c)| c.practitioner().is_some())
    {
        return Ok(());
    }
    let landed = push::resume_ehr(p, ehr).await?;
    clear_landed(p, &landed).await
}

/// `jobs/get`.
pub async fn get<P: Env>(p: &P, id: &str) -> Result<JobView> {
    push::get(p, id)
        .await?
        .ok_or_else(|| Error::InvalidInput("no such push".into()))
}

/// `jobs/list`.
pub async fn list<P: Env>(p: &P) -> Result<Vec<JobView>> {
    push::list(p).await
}

/// `jobs/retry`: the job after its new attempt.
pub async fn retry<P: Env>(p: &P, id: &str) -> Result<JobView> {
    let job = push::retry(p, id).await?;
    clear_landed(p, std::slice::from_ref(&job)).await?;
    Ok(JobView::from(&job))
}

/// `jobs/discard`.
pub async fn discard<P: Env>(p: &P, id: &str) -> Result<()> {
    push::discard(p, id).await
}

/// `receipts/list`: newest first.
pub async fn receipts<P: Env>(p: &P) -> Result<Vec<Receipt>> {
    push::receipts::list(p).await
}

/// A landed push's page no longer needs its pre-selected patient, and its appointment has a note.
async fn clear_landed<P: Env>(p: &P, jobs: &[Job]) -> Result<()> {
    for job in jobs.iter().filter(|j| j.state == push::JobState::Done) {
        // Its appointment has a note now: the diary the popup lists from says so.
        if let Some(link) = &job.appointment {
            p.worker()
                .diary
                .borrow_mut()
                .mark_noted(job.ehr(), &link.kind, &link.id);
        }
        if let Some(scope) = job
            .scope
            .clone()
            .and_then(|v| serde_json::from_value::<Scope>(v).ok())
        {
            preselect::clear(p, &scope).await?;
        }
    }
    Ok(())
}
