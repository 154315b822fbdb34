//! Making a Nookal push a job in the shared outbox: the duplicate guard, the same job for a
//! repeated message, and the first attempt run inline (as `push/start` does for Cliniko).

use super::JobView;
use super::attempt;
use super::guard::{self, NeedsConfirmation};
use super::job::{Job, JobState, NookalJob};
use super::outbox;
use super::run::{self, Started};
use crate::Result;
use crate::error::{Ehr, Error};
use crate::nookal::NookalId;
use crate::nookal::push::{MAX_NOTE_BYTES, PushInput};
use crate::nookal::readback::fingerprint;
use crate::nookal::requests::LocalDateTime;
use crate::platform::Platform;
use crate::search::rank::PatientSummary;

/// One Nookal push as the panel sends it.
#[derive(Debug, Clone)]
pub struct NewNookalPush {
    /// What to push.
    pub input: PushInput,
    /// The patient as the panel showed it (for the outbox list); `None` → the id alone.
    pub patient: Option<PatientSummary>,
    /// The push reference (from `note/prepare`); empty when the caller has none.
    pub push_ref: String,
    /// The note's content fingerprint (from `note/prepare`); empty → one of the plain text.
    pub fingerprint: String,
    /// The clinician already answered "push again".
    pub confirm_duplicate: bool,
    /// The panel's Retry: a parked (failed, needs-reconnect) job of this push starts again.
    pub retry: bool,
}

/// Guard, create (or find) the job, run its first attempt. The job is `None` when asking first.
pub async fn start<P: Platform>(p: &P, req: NewNookalPush) -> Result<(Started, Option<Job>)> {
    let retry = req.retry;
    let job = match prepare(p, req).await? {
        Ok(job) => job,
        Err(ask) => return Ok((Started::NeedsConfirmation(ask), None)),
    };
    let job = if retry {
        // Resets a parked job; its attempt still reconciles first when the note may exist.
        run::retry(p, &job.id).await?
    } else {
        attempt::step(p, &job.id).await?.unwrap_or(job)
    };
    Ok((Started::Job(Box::new(JobView::from(&job))), Some(job)))
}

/// The job to run, or the duplicate question.
async fn prepare<P: Platform>(
    p: &P,
    req: NewNookalPush,
) -> Result<std::result::Result<Job, NeedsConfirmation>> {
    let input = req.input;
    // Checked here, not only in the attempt: a job that can never be sent is not queued.
    if input.notes.trim().is_empty() {
        return Err(Error::EmptyNote);
    }
    if input.notes.len() > MAX_NOTE_BYTES {
        return Err(Error::NoteTooLarge {
            kb: input.notes.len().div_ceil(1000),
            limit_kb: MAX_NOTE_BYTES / 1000,
        });
    }
    NookalId::parse(&input.patient_id)?;
    LocalDateTime::parse(&input.date_local)?;
    let fp = Some(req.fingerprint.trim())
        .filter(|f| !f.is_empty())
        .map_or_else(|| fingerprint(&input.notes), str::to_string);
    // The same push sent again while it is still pending (popup reopened, Retry from the panel):
    // the same job, never a second. A landed one goes through the guard below instead, unless
    // this is the panel's Retry (the alarm may have landed it meanwhile: show that).
    if !req.push_ref.is_empty()
        && let Some(existing) = outbox::load(p).await?.jobs.into_iter().find(|j| {
            j.ehr == Ehr::Nookal
                && (req.retry || j.state != JobState::Done)
                && j.push_ref == req.push_ref
                && j.patient.id == input.patient_id
        })
    {
        return Ok(Ok(existing));
    }
    if !req.confirm_duplicate
        && let Some(ask) = guard::check_local(p, Ehr::Nookal, &input.patient_id, &fp).await?
    {
        return Ok(Err(ask));
    }
    let patient = match req.patient.filter(|s| s.id == input.patient_id) {
        Some(s) => s,
        None => id_only(&input.patient_id)?,
    };
    let day = input.date_local.get(..10).unwrap_or_default().to_string();
    let job = Job {
        nookal: Some(NookalJob {
            input: Some(input),
            outcome: None,
        }),
        ..Job::queued(
            format!("{:016x}", p.random_u64()),
            Ehr::Nookal,
            req.push_ref,
            patient,
            // Nookal notes have no title: the list shows the note's day.
            format!("Treatment note {day}"),
            fp,
            p.now_ms(),
        )
    };
    outbox::put(p, &job).await?;
    Ok(Ok(job))
}

/// A patient row with the id alone (the panel did not send the row it showed).
fn id_only(id: &str) -> Result<PatientSummary> {
    serde_json::from_value(serde_json::json!({
        "id": id, "first_name": "", "last_name": "", "preferred_first_name": null,
        "date_of_birth": null, "email": null, "phone": null, "archived": false,
    }))
    .map_err(|e| Error::InvalidInput(e.to_string()))
}
