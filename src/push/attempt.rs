//! One step of one job: reconcile an uncertain earlier attempt, POST the note, and file the
//! outcome (done, retry later, needs reconnect, failed); or, for a job already done, verify it
//! and archive extra copies.
//!
//! Request count of a normal push: one POST, then, as a separate step, one verifying GET (the
//! GET of recent notes finds copies a browser resend made; see architecture.md §3). The
//! verification is a step of its own so the click waits for the POST alone: the job is saved
//! done and due for it at once, the background runs it with a `jobs/tick` right after replying,
//! and the outbox alarm covers a worker stopped before that. An uncertain outcome (timeout,
//! dropped connection, 5xx, the worker stopped mid-POST) costs one GET before any new POST: a
//! retry never creates a second note.

use super::job::{ClinikoPayload, Job, JobError, JobState};
use super::nookal_attempt;
use super::outbox::{self, Claim};
use super::policy::{self, RetryPolicy};
use super::preflight;
use super::receipts::{self, Receipt};
use super::reference;
use super::time::iso_utc;
use crate::cliniko::content::{Content, fill_template};
use crate::cliniko::requests::{self, NewTreatmentNote};
use crate::cliniko::store::{self, Connection};
use crate::cliniko::types::{Page, TreatmentNote, TreatmentNoteTemplate};
use crate::cliniko::{ClinikoId, ClinikoKey, Shard, client, connect, links, responses};
use crate::error::{Ehr, Error};
use crate::render::{Footer, RenderOptions};
use crate::worker::Env;
use crate::{Result, note};

/// How far before the job's start the reconciling list looks, for clock skew between this
/// computer and Cliniko (a clinic PC's clock can be minutes off; listing a little more costs
/// nothing but bytes, while missing a copy would mean a duplicate).
pub const SKEW_MARGIN_MS: i64 = 30 * 60_000;
/// Notes per reconciling list: the most Cliniko serves (§4). One practitioner's notes for one
/// patient since the job started never come near it.
const RECENT_PER_PAGE: u8 = 100;

/// The retry policy jobs use.
pub const POLICY: RetryPolicy = policy::DEFAULT;

/// Run one step of job `id` if it is runnable, and return the job as it is afterwards.
/// A job another attempt in this worker is already running is returned untouched.
pub async fn step<P: Env>(p: &P, id: &str) -> Result<Option<Job>> {
    let Some(_claim) = Claim::take(p.worker(), id) else {
        return outbox::get(p, id).await;
    };
    let Some(mut job) = outbox::get(p, id).await? else {
        return Ok(None);
    };
    match job.state {
        JobState::Queued | JobState::RetryWait | JobState::Sending => {
            // Saved as sending in the one write before the send (see each `land`), not here as
            // well: a worker stopped before that write leaves the job as it was, still due.
            job.state = JobState::Sending;
            job.updated_at_ms = p.now_ms();
            let sent = match job.ehr() {
                Ehr::Cliniko => land(p, &mut job).await,
                Ehr::Nookal => nookal_attempt::land(p, &mut job).await,
            };
            // Every EHR's failure is filed the same way: retry, park for a reconnect, or fail.
            if let Err(e) = sent {
                file_error(p, &mut job, &e).await?;
            }
        }
        // Only Cliniko leaves a check for copies due (Nookal names its copies when it lands).
        JobState::Done if job.verify_due => {
            if let Err(e) = verify_only(p, &mut job).await {
                file_error(p, &mut job, &e).await?;
            }
        }
        _ => {}
    }
    Ok(Some(job))
}

/// Who and where: the key, the connection, the practitioner and the patient as ids.
pub(super) struct Target {
    pub(super) key: ClinikoKey,
    pub(super) conn: Connection,
    pub(super) practitioner: ClinikoId,
    pub(super) patient: ClinikoId,
}

async fn target<P: Env>(p: &P, job: &Job) -> Result<Target> {
    target_for(p, &job.patient.id).await
}

/// The active connection's key and practitioner, and `patient_id` checked as a Cliniko id.
pub(super) async fn target_for<P: Env>(p: &P, patient_id: &str) -> Result<Target> {
    let (key, conn) = store::STORE.active(p).await?;
    let practitioner = conn
        .practitioner_id
        .as_deref()
        .ok_or(Error::NotPractitioner)
        .and_then(ClinikoId::parse)?;
    let patient = ClinikoId::parse(patient_id)?;
    Ok(Target {
        key,
        conn,
        practitioner,
        patient,
    })
}

/// Get the note into Cliniko exactly once. The check for copies is left due (see the module docs).
async fn land<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let t = target(p, job).await?;
    if job.note_id.is_none() && job.maybe_sent {
        // An earlier POST may have landed: look before sending again.
        if reconcile(p, &t, job).await? {
            return Ok(());
        }
        job.maybe_sent = false;
        outbox::put(p, job).await?;
    }
    if job.note_id.is_none() {
        let content = ensure_content(p, &t, job).await?;
        let body = NewTreatmentNote {
            patient_id: t.patient.clone(),
            treatment_note_template_id: template_id(p, job).await?,
            title: job.title.clone(),
            draft: job.cliniko()?.draft,
            content,
        };
        let req = requests::create_treatment_note(&t.key, &body)?;
        // Saved before sending, with the content and the state: if the worker stops during the
        // POST, the next tick reconciles, and any retry sends exactly this content.
        job.maybe_sent = true;
        outbox::put(p, job).await?;
        let resp = match client::send(p, &req).await {
            Ok(r) => r,
            Err(e) => {
                if !e.may_have_created() {
                    job.maybe_sent = false;
                }
                return Err(e);
            }
        };
        match responses::parse_body::<TreatmentNote>(&resp.body) {
            Ok(created) => {
                job.note_id = Some(created.id.to_string());
                job.maybe_sent = false;
                mark_landed(p, &t, job).await?;
            }
            // A 2xx we cannot read still created the note: find it by its reference now.
            Err(e) => {
                if reconcile(p, &t, job).await? {
                    return Ok(());
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// The job's template id: the chosen one (`templates::for_push` decided it when the job was
/// made), else the clinic's simplest free-text template (`templates::choose::simplest`).
/// `POST /treatment_notes` always carries a template id:
/// whether Cliniko requires one is UNCONFIRMED (§8), and sending one works either way.
async fn template_id<P: Env>(p: &P, job: &mut Job) -> Result<ClinikoId> {
    if let Some(id) = job.cliniko()?.template_id.as_deref() {
        return ClinikoId::parse(id);
    }
    let templates = connect::list_templates(p, false).await?;
    let pick = crate::templates::choose::simplest(&templates).ok_or_else(|| {
        Error::InvalidInput("choose a treatment-note template in the options".into())
    })?;
    job.cliniko()?.template_id = Some(pick.id.to_string());
    Ok(pick.id.clone())
}

/// The content to send, built once from the note and the template, then kept in the job so every
/// retry sends exactly the same thing. The caller saves it (with `maybe_sent`) before the POST;
/// until then nothing was sent, and a stopped worker's next attempt simply builds it again.
async fn ensure_content<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<Option<Content>> {
    if let Some(c) = &job.cliniko()?.content {
        return Ok(Some(c.clone()));
    }
    let source = job
        .cliniko()?
        .source
        .as_ref()
        .ok_or_else(|| Error::InvalidInput("the job has no note to send".into()))?;
    let note = note::from_source(source)?;
    let tid = template_id(p, job).await?;
    let template = template_content(p, t, &tid).await?;
    let opts = RenderOptions {
        footer: Some(Footer {
            author: (note.meta.site.is_some()).then(|| t.conn.user_name.clone()),
            created: job.cliniko()?.created_display.clone(),
            reference: Some(job.push_ref.clone()),
        }),
    };
    let filled = fill_template(template.as_ref(), &note, &opts)?;
    let c = job.cliniko()?;
    c.content = Some(filled.content.clone());
    c.source = None;
    Ok(Some(filled.content))
}

/// The template's structure: from the cached list when it has it, else `GET /treatment_note_templates/{id}`.
async fn template_content<P: Env>(p: &P, t: &Target, id: &ClinikoId) -> Result<Option<Content>> {
    if let Some(cache) = store::load_templates(p).await?
        && cache.key_hint == t.conn.key_hint
        && let Some(found) = cache.templates.iter().find(|x| &x.id == id)
        && found.content.is_some()
    {
        return Ok(found.content.clone());
    }
    let tpl: TreatmentNoteTemplate = client::fetch(p, &requests::get_template(&t.key, id)).await?;
    Ok(tpl.content)
}

/// The practitioner's notes for the patient since the job started (less the skew margin).
async fn recent<P: Env>(p: &P, t: &Target, job: &Job) -> Result<Vec<TreatmentNote>> {
    let after = iso_utc(job.created_at_ms - SKEW_MARGIN_MS);
    let req =
        requests::list_recent_notes(&t.key, &t.patient, &t.practitioner, &after, RECENT_PER_PAGE);
    let page: Page<TreatmentNote> = client::fetch(p, &req).await?;
    Ok(page.items)
}

/// Look for the job's note in Cliniko. Found → keep the oldest copy, archive the rest, done.
async fn reconcile<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<bool> {
    let notes = recent(p, t, job).await?;
    let copies = reference::copies(&notes, &job.push_ref);
    let Some(keep) = reference::keeper(&copies, None) else {
        return Ok(false);
    };
    job.note_id = Some(keep.to_string());
    job.maybe_sent = false;
    mark_landed(p, t, job).await?;
    archive_extras(p, t, job, &copies, &keep).await?;
    Ok(true)
}

/// After a 201: list once more and archive any other copy of this job (a browser resend).
async fn verify<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<()> {
    let Some(keep) = job.note_id.as_deref().map(ClinikoId::parse).transpose()? else {
        return Ok(());
    };
    let notes = recent(p, t, job).await?;
    let copies = reference::copies(&notes, &job.push_ref);
    archive_extras(p, t, job, &copies, &keep).await
}

async fn verify_only<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let t = target(p, job).await?;
    verify(p, &t, job).await
}

/// Archive every copy but `keep`, then mark the job verified and update its receipt.
async fn archive_extras<P: Env>(
    p: &P,
    t: &Target,
    job: &mut Job,
    copies: &[&TreatmentNote],
    keep: &ClinikoId,
) -> Result<()> {
    for extra in copies.iter().filter(|n| &n.id != keep) {
        match client::send(p, &requests::archive_treatment_note(&t.key, &extra.id)).await {
            // 404: already archived (an archived note is not found without q[]=archived_at:*).
            Ok(_) | Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let id = extra.id.to_string();
        if !job.archived_copies.contains(&id) {
            job.archived_copies.push(id);
        }
        // Saved per copy so an interruption never archives twice or forgets one.
        outbox::put(p, job).await?;
    }
    job.verify_due = false;
    job.next_at_ms = None;
    if let Some(r) = job.receipt.as_mut() {
        r.archived_copies = job.archived_copies.clone();
        r.verified = true;
        receipts::record(p, r).await?;
    }
    outbox::put(p, job).await
}

/// The note is in Cliniko: done, receipt written, note text dropped from the outbox.
async fn mark_landed<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<()> {
    let note_id = job.note_id.clone().unwrap_or_default();
    let now = p.now_ms();
    let (link, note_link) = web_links(&t.conn, &t.patient, &note_id);
    let receipt = Receipt {
        job_id: job.id.clone(),
        at_ms: now,
        ehr: Ehr::Cliniko,
        patient_id: t.patient.to_string(),
        note_id,
        link,
        note_link,
        push_ref: job.push_ref.clone(),
        fingerprint: job.fingerprint.clone(),
        archived_copies: job.archived_copies.clone(),
        verified: false,
        nookal: None,
    };
    job.state = JobState::Done;
    job.error = None;
    // Due at once: a tick right after the reply runs the check, and the alarm this save sets
    // runs it if the worker stops first.
    job.next_at_ms = Some(now);
    job.verify_due = true;
    job.attempts = 0;
    job.updated_at_ms = now;
    job.receipt = Some(receipt.clone());
    let c = job.cliniko()?;
    *c = ClinikoPayload {
        template_id: c.template_id.take(),
        draft: c.draft,
        ..ClinikoPayload::default()
    };
    // The job first: once it says done, nothing will POST it again.
    outbox::put(p, job).await?;
    // Cliniko now has a note with this title for this patient: a "no" remembered before is stale.
    preflight::forget(p.worker(), &job.patient.id, &job.title);
    receipts::record(p, &receipt).await
}

/// "Open in Cliniko". Decision: `link` is the patient's page, `/patients/{id}` — the best-attested
/// web URL (several independent codebases, cliniko-api.md §10), so it opens even if the app's
/// note routes differ; `note_link` is `/patients/{id}/treatment_notes/{note}`, built from the
/// note id, attested only with `/edit` by one third party, so the popup offers it second.
fn web_links(
    conn: &Connection,
    patient: &ClinikoId,
    note_id: &str,
) -> (Option<String>, Option<String>) {
    let (Some(sub), Some(shard)) = (conn.subdomain.as_deref(), Shard::parse(&conn.shard)) else {
        return (None, None);
    };
    let link = links::patient_page(sub, &shard, patient).ok();
    let note_link = ClinikoId::parse(note_id)
        .ok()
        .and_then(|n| links::treatment_note_page(sub, &shard, patient, &n).ok());
    (link, note_link)
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
