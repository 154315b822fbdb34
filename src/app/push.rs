//! Message handlers for pushing notes: `push/preflight`, `push/start`, `push/queue`, `jobs/*`,
//! `receipts/list`.
//!
//! The work lives in `crate::push`; this adds what only the app knows: clearing the page's
//! pre-selection once its note has landed.

use super::preselect::{self, Scope};
use crate::ehr::appointments::AppointmentRef;
use crate::error::Ehr;
use crate::push::guard::{NeedsConfirmation, Reason};
use crate::push::landing::{self, Landing};
use crate::push::run::{NewPush, ResumePush, Resumed, Started};
use crate::push::{self, Job, JobView, Receipt};
use crate::worker::Env;
use crate::{Error, Result};
use serde::Serialize;

/// `push/preflight`: `{at_ms, note_id, reason}` when the EHR has a recent note with this title
/// for this patient, else `null` (remembered briefly, so the push skips the same GET). Nookal
/// notes have no title to check: always `null` (its guard is our own receipts and outbox).
/// With `whole` (the push as `push/start` would send it), the job is prepared for the click too
/// (`push::ahead`).
pub async fn preflight<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    title: &str,
    whole: Option<Box<NewPush>>,
) -> Result<Option<NeedsConfirmation>> {
    let found = match ehr {
        Ehr::Cliniko => push::preflight::run(p, patient_id, title).await?,
        Ehr::Nookal => None,
    };
    if let Some(req) = whole.filter(|r| r.ehr == ehr && r.patient.id == patient_id) {
        push::ahead::prepare(p, *req).await;
    }
    Ok(found)
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
    // The diary says "has a note" at once (memory only, nothing to save before the reply).
    job.iter().for_each(|j| mark_noted(p, j));
    // A click's landing is saved after its reply, and its pre-selection cleared then (`tick`).
    if let Some(job) = job.filter(|j| !Landing::is_unsaved(p.worker(), &j.id)) {
        clear_landed(p, &[job]).await?;
    }
    Ok(started)
}

/// `push/queue`: one answer per item, in order.
pub async fn queue<P: Env>(p: &P, items: Vec<NewPush>) -> Result<Vec<Started>> {
    push::enqueue(p, items).await
}

/// `push/resume`: `{changed: true}` or `{job}` after its attempt (see `push::run::resume`).
pub async fn resume<P: Env>(p: &P, req: ResumePush) -> Result<Resumed> {
    let (resumed, job) = push::resume(p, req).await?;
    if let Some(job) = job {
        clear_landed(p, &[job]).await?;
    }
    Ok(resumed)
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
    // The background's tick right after a push's reply saves the click's landing first.
    let saved = landing::flush(p).await?;
    clear_landed(p, &saved).await?;
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
    landing::flush(p).await?;
    push::receipts::list(p).await
}

/// A landed push's appointment has a note now: the diary the popup lists from says so.
fn mark_noted<P: Env>(p: &P, job: &Job) {
    if let (push::JobState::Done, Some(link)) = (&job.state, &job.appointment) {
        p.worker()
            .diary
            .borrow_mut()
            .mark_noted(job.ehr(), &link.kind, &link.id);
    }
}

/// A landed push's page no longer needs its pre-selected patient, and its appointment has a note.
async fn clear_landed<P: Env>(p: &P, jobs: &[Job]) -> Result<()> {
    for job in jobs.iter().filter(|j| j.state == push::JobState::Done) {
        mark_noted(p, job);
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
