//! One step of one job, whatever its EHR: reconcile an uncertain earlier attempt, create the
//! note (through the EHR interface, `ehr::note`), and file the outcome (done, retry later, needs
//! reconnect, failed); or, for a job already done, run the check for copies left due.
//!
//! The check is a step of its own so the click waits for the create alone: the job is saved done
//! and due for it at once, the background runs it with a `jobs/tick` right after replying, and
//! the outbox alarm covers a worker stopped before that. An uncertain outcome (timeout, dropped
//! connection, 5xx, the worker stopped mid-send) costs one look for the note before any new
//! send: a retry never creates a second note.

use super::job::{Job, JobError, JobState};
use super::landing::{self, Landing};
use super::outbox::{self, Claim};
use super::policy::{self, RetryPolicy};
use super::preflight;
use super::receipts::{self, Receipt};
use crate::Result;
use crate::error::Error;
use crate::worker::Env;

/// The retry policy jobs use.
pub const POLICY: RetryPolicy = policy::DEFAULT;

/// Run one step of job `id` if it is runnable, and return the job as it is afterwards.
/// A job another attempt in this worker is already running is returned untouched.
pub async fn step<P: Env>(p: &P, id: &str) -> Result<Option<Job>> {
    let Some(_claim) = Claim::take(p.worker(), id) else {
        return outbox::get(p, id).await;
    };
    // A click's landing kept for after its reply is saved first: the job is done, not sending.
    landing::flush(p).await?;
    let Some(mut job) = outbox::get(p, id).await? else {
        return Ok(None);
    };
    match job.state {
        JobState::Queued | JobState::RetryWait | JobState::Sending => {
            // Saved as sending in the one write before the send (see each `land`), not here as
            // well: a worker stopped before that write leaves the job as it was, still due.
            job.state = JobState::Sending;
            job.updated_at_ms = p.now_ms();
            let sent = land(p, &mut job).await;
            // Every EHR's failure is filed the same way: retry, park for a reconnect, or fail.
            if let Err(e) = sent {
                file_error(p, &mut job, &e).await?;
            }
        }
        // Read back from its record after the browser closed: its text is gone, so it can only
        // be looked for, never sent, until its Motics session is opened again (`run::resume`).
        JobState::Interrupted => {
            if let Err(e) = reconcile_interrupted(p, &mut job).await {
                file_interrupted(p, &mut job, &e).await?;
            }
        }
        // The check a landing left due (copies; Nookal's read-back too).
        JobState::Done if job.verify_due => {
            if let Err(e) = job.ehr().verify_note(p, &mut job).await {
                file_error(p, &mut job, &e).await?;
            }
        }
        _ => {}
    }
    Ok(Some(job))
}

/// The click's path for a new job (`push/start`): build what will be sent, then ONE write (the
/// job saved `sending` with `maybe_sent` and exactly what will be sent) before the create. Its
/// landing is kept in memory and saved after the reply ([`landing`]). A failure is filed as in
/// [`step`].
pub async fn send_new<P: Env>(p: &P, mut job: Job) -> Result<Job> {
    let Some(_claim) = Claim::take(p.worker(), &job.id) else {
        return Ok(job);
    };
    let ehr = job.ehr();
    if let Err(e) = ehr.prepare_note(p, &mut job).await {
        // Saved with the failure (retry later, reconnect, or failed): nothing was sent.
        file_error(p, &mut job, &e).await?;
        return Ok(job);
    }
    job.state = JobState::Sending;
    job.maybe_sent = true;
    job.updated_at_ms = p.now_ms();
    outbox::put(p, &job).await?;
    let deferred = Landing::defer(p.worker(), &job.id);
    let sent = ehr.create_note(p, &mut job).await.inspect_err(|e| {
        if !e.may_have_created() {
            job.maybe_sent = false;
        }
    });
    drop(deferred);
    if let Err(e) = sent {
        file_error(p, &mut job, &e).await?;
    }
    Ok(job)
}

/// Look for an interrupted job's note by its push reference: found → done, its receipt saying
/// it landed before the browser closed; not there → unfinished, waiting for "Resume push".
async fn reconcile_interrupted<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    if job.ehr().find_note(p, job).await? {
        return Ok(());
    }
    job.state = JobState::Unfinished;
    job.next_at_ms = None;
    job.error = None;
    job.updated_at_ms = p.now_ms();
    outbox::put(p, job).await
}

/// The look for an interrupted job failed: look again later while that may work (network,
/// 5xx), else it shows as unfinished with the error ("Resume push" looks again first).
async fn file_interrupted<P: Env>(p: &P, job: &mut Job, e: &Error) -> Result<()> {
    let now = p.now_ms();
    job.updated_at_ms = now;
    job.error = Some(JobError::from(e));
    job.attempts += 1;
    if retryable(e) && !POLICY.should_park(job.attempts) {
        job.next_at_ms = Some(now + POLICY.delay_ms(job.attempts, p.random_u64()));
    } else {
        job.state = JobState::Unfinished;
        job.next_at_ms = None;
    }
    outbox::put(p, job).await
}

/// Get the note into the EHR exactly once, the same way for every EHR: reconcile before any
/// retry (an earlier attempt that may have created the note is looked for by its push reference
/// first), then save `maybe_sent` with exactly what will be sent, then create it. The EHR marks
/// the job landed ([`landed`]); a failure is filed by the step.
async fn land<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let ehr = job.ehr();
    if job.note_id.is_none() && job.maybe_sent {
        if ehr.find_note(p, job).await? {
            return Ok(());
        }
        job.maybe_sent = false;
        outbox::put(p, job).await?;
    }
    if job.note_id.is_some() {
        return Ok(());
    }
    ehr.prepare_note(p, job).await?;
    // Saved before sending, with what will be sent: if the worker stops during the send, the
    // next tick reconciles, and any retry sends exactly this.
    job.maybe_sent = true;
    outbox::put(p, job).await?;
    ehr.create_note(p, job).await.inspect_err(|e| {
        if !e.may_have_created() {
            job.maybe_sent = false;
        }
    })
}

/// The note is in the EHR: the job is done with `receipt` (its payload already stripped of the
/// note by the EHR), and the receipt recorded. `verify_due`: a check for copies runs as a step
/// of its own, due at once (a tick right after the reply runs it; the alarm this save sets runs
/// it if the worker stops first).
pub(crate) async fn landed<P: Env>(
    p: &P,
    job: &mut Job,
    receipt: Receipt,
    verify_due: bool,
) -> Result<()> {
    let now = p.now_ms();
    job.state = JobState::Done;
    job.error = None;
    job.attempts = 0;
    job.maybe_sent = false;
    job.verify_due = verify_due;
    job.next_at_ms = verify_due.then_some(now);
    job.updated_at_ms = now;
    if !receipt.note_id.is_empty() {
        job.note_id = Some(receipt.note_id.clone());
    }
    job.receipt = Some(receipt.clone());
    // The EHR now has a note with this title for this patient: a "no" remembered before is stale.
    preflight::forget(p.worker(), &job.patient.id, &job.title);
    // The click's landing is saved after its reply (see `landing`).
    if Landing::keep(p.worker(), job) {
        return Ok(());
    }
    // The job first: once it says done, nothing will send it again.
    outbox::put(p, job).await?;
    if receipt.note_id.is_empty() {
        return Ok(());
    }
    receipts::record(p, &receipt).await
}

/// File a failed step: when to try again, or why not.
pub(super) async fn file_error<P: Env>(p: &P, job: &mut Job, e: &Error) -> Result<()> {
    let now = p.now_ms();
    job.updated_at_ms = now;
    let mut pause = None;
    if job.note_id.is_some() {
        // Landed; only the check for copies failed. The job stays done; the check runs again.
        job.state = JobState::Done;
        match e {
            Error::RateLimited { wait_s, .. } => {
                let at = now + reset_ms(*wait_s);
                job.next_at_ms = Some(at);
                pause = Some(at);
            }
            // Re-armed by resume_after_reconnect.
            Error::Unauthorized(_) => job.next_at_ms = None,
            _ if retryable(e) => {
                job.attempts += 1;
                if POLICY.should_park(job.attempts) {
                    job.verify_due = false;
                    job.next_at_ms = None;
                } else {
                    job.next_at_ms = Some(now + POLICY.delay_ms(job.attempts, p.random_u64()));
                }
            }
            _ => {
                job.verify_due = false;
                job.next_at_ms = None;
            }
        }
    } else {
        job.error = Some(JobError::from(e));
        match e {
            Error::Unauthorized(_) => {
                job.state = JobState::NeedsReconnect;
                job.next_at_ms = None;
            }
            // Not counted as an attempt: Cliniko did not process it; wait for the reset.
            Error::RateLimited { wait_s, .. } => {
                let at = now + reset_ms(*wait_s);
                job.state = JobState::RetryWait;
                job.next_at_ms = Some(at);
                pause = Some(at);
            }
            _ if retryable(e) => {
                job.attempts += 1;
                if POLICY.should_park(job.attempts) {
                    job.state = JobState::Failed;
                    job.next_at_ms = None;
                } else {
                    job.state = JobState::RetryWait;
                    job.next_at_ms = Some(now + POLICY.delay_ms(job.attempts, p.random_u64()));
                }
            }
            _ => {
                job.state = JobState::Failed;
                job.next_at_ms = None;
            }
        }
    }
    outbox::put(p, job).await?;
    if let Some(at) = pause {
        outbox::pause_until(p, at).await?;
    }
    Ok(())
}

/// Network, timeout, 5xx, and a body we could not read (a cut-off response): worth retrying.
fn retryable(e: &Error) -> bool {
    e.is_transient() || matches!(e, Error::UnexpectedBody { .. })
}

fn reset_ms(wait_s: u64) -> i64 {
    i64::try_from(wait_s.max(1).saturating_mul(1000)).unwrap_or(i64::MAX / 2)
}
