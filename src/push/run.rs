//! The outbox's entry points: start a push, queue many, tick (alarm), retry, discard, resume
//! after a reconnect, and read jobs.

use super::attempt;
use super::guard::{self, NeedsConfirmation};
use super::job::{ClinikoPayload, Job, JobState, JobView, NookalPayload, Payload};
use super::outbox::{self, Claim, Outbox};
use super::preflight;
use super::time;
use crate::cliniko::ClinikoId;
use crate::ehr::appointments;
use crate::error::Ehr;
use crate::nookal::NookalId;
use crate::nookal::push::PushInput;
use crate::note::{self, NoteSource};
use crate::render::{self, Footer, RenderOptions};
use crate::search::rank::PatientSummary;
use crate::templates;
use crate::worker::{Env, Worker};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One push as the popup sends it (`push/start`, and each item of `push/queue`), for any EHR.
#[derive(Debug, Clone, Deserialize)]
pub struct NewPush {
    /// Where the note goes.
    pub ehr: Ehr,
    /// The note as read from the page.
    pub source: NoteSource,
    /// The confirmed patient.
    pub patient: PatientSummary,
    /// Note title.
    pub title: String,
    /// Create as a draft (EHRs with drafts).
    #[serde(default)]
    pub draft: bool,
    /// Treatment-note template id (string) the clinician picked, or null for Automatic (EHRs
    /// with templates).
    #[serde(default)]
    pub template_id: Option<String>,
    /// The template the preview showed Automatic would pick (see `templates::for_push`).
    #[serde(default)]
    pub automatic_template_id: Option<String>,
    /// The push reference the preview showed (from `note/prepare`).
    pub push_ref: String,
    /// The creation time for the footer, as the preview showed it.
    #[serde(default)]
    pub created_display: Option<String>,
    /// Push even though it looks like a duplicate.
    #[serde(default)]
    pub confirm_duplicate: bool,
    /// The page's pre-selection scope, cleared when the push lands (see `app::preselect`).
    #[serde(default)]
    pub scope: Option<Value>,
    /// The case to file under (EHRs with cases); none → the most recent open one, or a new one.
    #[serde(default)]
    pub case_id: Option<String>,
    /// The title of a case created because the patient has none.
    #[serde(default)]
    pub new_case_title: Option<String>,
    /// The browser's offset from UTC (minutes east) at the session's time: EHRs that file a
    /// note under a clinic-local date-time get the session's time in it (or now, without one).
    #[serde(default)]
    pub utc_offset_min: Option<i32>,
    /// The appointment to link the note to (a Row of `appointments/list`): checked against the
    /// EHR's own diary, never taken on the page's word.
    #[serde(default)]
    pub appointment: Option<crate::ehr::appointments::AppointmentRef>,
}

/// The answer to a push: ask first, or the job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Started {
    /// `{needs_confirmation: {at_ms, note_id, reason}}`.
    NeedsConfirmation(NeedsConfirmation),
    /// `{job: JobView}`.
    Job(Box<JobView>),
}

/// `push/start`: guard against duplicates, create the job, and run its first attempt inline so
/// the popup can show the receipt at once (later attempts run from the alarm). The attempt ends
/// at Cliniko's answer to the POST: the check for browser-resent copies is left due in the
/// outbox, and the background runs it with a `jobs/tick` right after replying.
pub async fn start<P: Env>(p: &P, req: NewPush) -> Result<(Started, Option<Job>)> {
    let job = match prepare(p, req, true).await? {
        Prepared::Ask(c) => return Ok((Started::NeedsConfirmation(c), None)),
        Prepared::Existing(job) | Prepared::New(job) => job,
    };
    let job = attempt::step(p, &job.id).await?.unwrap_or(job);
    Ok((Started::Job(Box::new(JobView::from(&job))), Some(job)))
}

/// `push/queue`: add many pushes at once (each its own note and patient). Each item is checked
/// against our own receipts and outbox (not Cliniko's titles: one GET per item up front would
/// spend the rate budget the queue needs). Nothing is sent here: the alarm, or a `jobs/tick`
/// the popup sends next, works through them one at a time within the rate budget.
pub async fn enqueue<P: Env>(p: &P, items: Vec<NewPush>) -> Result<Vec<Started>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(match prepare(p, item, false).await {
            Ok(Prepared::Ask(c)) => Started::NeedsConfirmation(c),
            Ok(Prepared::Existing(job) | Prepared::New(job)) => {
                Started::Job(Box::new(JobView::from(&job)))
            }
            Err(e) => return Err(e),
        });
    }
    Ok(out)
}

enum Prepared {
    Ask(NeedsConfirmation),
    Existing(Job),
    New(Job),
}

async fn prepare<P: Env>(p: &P, req: NewPush, check_title: bool) -> Result<Prepared> {
    let note = note::from_source(&req.source)?;
    let fingerprint = note::fingerprint(&note);
    match req.ehr {
        Ehr::Cliniko => ClinikoId::parse(&req.patient.id).map(drop)?,
        Ehr::Nookal => NookalId::parse(&req.patient.id).map(drop)?,
    }
    let title = req.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() && req.ehr == Ehr::Cliniko {
        return Err(Error::InvalidInput("the note needs a title".into()));
    }
    if !super::reference::is_push_ref(&req.push_ref) {
        return Err(Error::InvalidInput("not a push reference".into()));
    }
    // The same push sent again (a double click, the popup reopened, the message repeated): the
    // same job whatever its state and whatever the EHR, never a second note. A second note
    // carrying the same reference would read as a resent copy of the first (archived by
    // Cliniko, named by Nookal); pushing the note again on purpose is a new preview with a new
    // reference, and that one meets the duplicate question.
    if let Some(existing) = outbox::load(p).await?.jobs.into_iter().find(|j| {
        j.ehr() == req.ehr && j.push_ref == req.push_ref && j.patient.id == req.patient.id
    }) {
        return Ok(Prepared::Existing(existing));
    }
    // The appointment link is checked against the EHR's own diary before anything else is
    // asked or sent: another patient's appointment refuses the push here (issue 14).
    let mut req = req;
    let appointment = match &req.appointment {
        None => None,
        Some(r) => {
            let linked = appointments::link_for(
                p,
                req.ehr,
                r,
                &req.patient.id,
                req.case_id.as_deref().filter(|c| !c.trim().is_empty()),
                req.utc_offset_min.unwrap_or(0),
            )
            .await?;
            if linked.has_note && !req.confirm_duplicate {
                return Ok(Prepared::Ask(NeedsConfirmation {
                    at_ms: None,
                    note_id: None,
                    reason: guard::Reason::AppointmentHasNote,
                }));
            }
            Some(linked.link)
        }
    };
    // Nookal: the appointment's case is the one the note is filed under.
    if req.case_id.as_deref().is_none_or(|c| c.trim().is_empty())
        && let Some(c) = appointment.as_ref().and_then(|l| l.case_id.clone())
    {
        req.case_id = Some(c);
    }
    if !req.confirm_duplicate {
        if let Some(c) = guard::check_local(p, req.ehr, &req.patient.id, &fingerprint).await? {
            return Ok(Prepared::Ask(c));
        }
        // A fresh "no" from the popup's preflight stands in for the GET (see `preflight`); without
        // one, Cliniko is asked now, as always.
        if check_title
            && req.ehr == Ehr::Cliniko
            && !preflight::recently_clear(p, &req.patient.id, &title).await
            && let Some(c) = guard::check_cliniko_title(p, &req.patient.id, &title).await
        {
            return Ok(Prepared::Ask(c));
        }
    }
    let (payload, title) = match req.ehr {
        Ehr::Cliniko => {
            // The one place a push's template is chosen (Cliniko only: Nookal v2 has no note
            // templates, so a Nookal job never carries one).
            let template_id =
                templates::for_push(p, &note, req.template_id, req.automatic_template_id).await?;
            let payload = Payload::Cliniko(ClinikoPayload {
                source: Some(req.source),
                created_display: req.created_display,
                template_id,
                draft: req.draft,
                content: None,
            });
            (payload, title)
        }
        Ehr::Nookal => {
            // Rendered now, with the footer the preview showed, so every retry sends the same text.
            let opts = RenderOptions {
                footer: Some(Footer {
                    author: crate::ehr::connection::footer_author(p, req.ehr, &note).await?,
                    created: req.created_display.clone(),
                    reference: Some(req.push_ref.clone()),
                }),
            };
            let notes = render::nookal_text(&note, &opts).text;
            // The session's time is the note's date (a note pushed later from History is filed
            // on the session's day); without one, the time of the push.
            let at_ms = note
                .meta
                .created_at
                .as_deref()
                .and_then(time::parse_iso_ms)
                .unwrap_or_else(|| p.now_ms());
            let date_local = time::local_date_time(at_ms, req.utc_offset_min.unwrap_or(0));
            let title = if title.is_empty() {
                // Nookal notes have no title: the list shows the note's day.
                format!(
                    "Treatment note {}",
                    date_local.get(..10).unwrap_or_default()
                )
            } else {
                title
            };
            let input = PushInput {
                patient_id: req.patient.id.clone(),
                case_id: req.case_id.filter(|c| !c.trim().is_empty()),
                date_local,
                notes,
                new_case_title: req.new_case_title,
            };
            let payload = Payload::Nookal(NookalPayload {
                input: Some(input),
                outcome: None,
            });
            (payload, title)
        }
    };
    let id = format!("{:016x}", p.random_u64());
    let job = Job {
        scope: req.scope,
        appointment,
        ..Job::queued(
            id,
            payload,
            req.push_ref,
            req.patient,
            title,
            fingerprint,
            p.now_ms(),
        )
    };
    outbox::put(p, &job).await?;
    // This note is on its way: no earlier "no such title" may wave through another like it.
    preflight::forget(p.worker(), &job.patient.id, &job.title);
    Ok(Prepared::New(job))
}

/// This worker runs a tick; released on drop.
struct TickGuard<'w>(&'w Worker);

impl<'w> TickGuard<'w> {
    fn take(worker: &'w Worker) -> Option<TickGuard<'w>> {
        // `then`, not `then_some`: an eagerly built guard would be dropped on refusal, and its
        // Drop would release the running tick's guard (two ticks then sent in parallel, past the
        // rate-limit pause: found by the queue benchmark's 429 counts).
        (!worker.ticking.replace(true)).then(|| TickGuard(worker))
    }
}

impl Drop for TickGuard<'_> {
    fn drop(&mut self) {
        self.0.ticking.set(false);
    }
}

/// The longest 429 pause a running tick waits out itself rather than ending and leaving the rest
/// to the outbox alarm. Chrome fires a packed MV3 extension's alarms no sooner than 30 s after
/// they are set (chromium `extensions/browser/api/alarms/alarms_api_constants.h`,
/// `kMV3ReleaseDelayMinimum`), so a queue held by a few-second rate-limit window would otherwise
/// idle ~30 s per window. The worker is busy with this tick's event meanwhile, and the outbox is
/// saved after every step, so a worker stopped mid-pause loses nothing: the alarm resumes.
pub const INLINE_PAUSE_MS: i64 = 20_000;
/// At most this much pausing in one tick, well inside the 5 minutes Chrome gives one event.
pub const INLINE_PAUSE_BUDGET_MS: i64 = 180_000;

/// `jobs/tick` (the alarm): run every due job, one at a time and oldest first, until none is
/// due; a 429 pause up to [`INLINE_PAUSE_MS`] is waited out here, a longer one ends the tick and
/// the alarm resumes. Then the badge and the next wakeup follow the outbox. Returns the jobs that
/// landed in this tick. A tick while another runs in this worker does nothing (the running one
/// picks up whatever became due).
pub async fn tick<P: Env>(p: &P) -> Result<Vec<Job>> {
    let Some(_guard) = TickGuard::take(p.worker()) else {
        return Ok(Vec::new());
    };
    let mut landed = Vec::new();
    // Each job once per tick and phase: sending, then checking for copies. A job that lands in
    // this tick is due for its check at once, and runs it here rather than at the next alarm.
    let mut tried = std::collections::HashSet::new();
    let mut waited_ms = 0;
    loop {
        let outbox = outbox::load(p).await?;
        let now = p.now_ms();
        if outbox.paused_until_ms > now {
            let pause = outbox.paused_until_ms - now;
            if pause > INLINE_PAUSE_MS || waited_ms + pause > INLINE_PAUSE_BUDGET_MS {
                break;
            }
            p.sleep(u32::try_from(pause).unwrap_or(u32::MAX)).await;
            waited_ms += pause;
            // The jobs the 429 held are due again after the pause.
            tried.clear();
            continue;
        }
        // A job that stays due (e.g. retried at once) waits for the next tick.
        let Some((id, was_done)) = outbox
            .jobs
            .iter()
            .map(|j| (j, j.state == JobState::Done))
            .find(|(j, done)| {
                Outbox::is_due(j, now)
                    && !tried.contains(&(j.id.clone(), *done))
                    && !Claim::is_held(p.worker(), &j.id)
            })
            .map(|(j, done)| (j.id.clone(), done))
        else {
            break;
        };
        tried.insert((id.clone(), was_done));
        if let Some(job) = attempt::step(p, &id).await?
            && job.state == JobState::Done
            && !was_done
        {
            landed.push(job);
        }
    }
    // Re-save so the badge and wakeup reflect the final state even when nothing ran.
    outbox::update(p, |_| ()).await?;
    Ok(landed)
}

/// `jobs/retry`: a failed, waiting or needs-reconnect job starts again now (attempts reset).
pub async fn retry<P: Env>(p: &P, id: &str) -> Result<Job> {
    let mut job = outbox::get(p, id)
        .await?
        .ok_or_else(|| Error::InvalidInput("no such push".into()))?;
    if matches!(
        job.state,
        JobState::Failed | JobState::RetryWait | JobState::NeedsReconnect
    ) {
        job.state = JobState::Queued;
        job.attempts = 0;
        job.next_at_ms = None;
        job.error = None;
        outbox::put(p, &job).await?;
    }
    Ok(attempt::step(p, id).await?.unwrap_or(job))
}

/// `jobs/discard`: forget a job (its receipt, if any, stays). Refused while it is being sent.
pub async fn discard<P: Env>(p: &P, id: &str) -> Result<()> {
    if Claim::is_held(p.worker(), id) {
        return Err(Error::InvalidInput("this push is being sent".into()));
    }
    outbox::update(p, |outbox| outbox.jobs.retain(|j| j.id != id)).await
}

/// After a new key for `ehr` is saved: that EHR's jobs parked on a 401 are queued again (and
/// copy checks re-armed), then due jobs run at once. Returns the jobs that landed. The other
/// EHR's parked jobs stay parked: its key did not change.
pub async fn resume_ehr<P: Env>(p: &P, ehr: Ehr) -> Result<Vec<Job>> {
    let now = p.now_ms();
    outbox::update(p, |outbox| {
        for j in outbox.jobs.iter_mut().filter(|j| j.ehr() == ehr) {
            match j.state {
                JobState::NeedsReconnect => {
                    j.state = JobState::Queued;
                    j.next_at_ms = None;
                    j.error = None;
                }
                JobState::Done if j.verify_due && j.next_at_ms.is_none() => {
                    j.next_at_ms = Some(now)
                }
                _ => {}
            }
        }
    })
    .await?;
    tick(p).await
}

/// `jobs/get`.
pub async fn get<P: Env>(p: &P, id: &str) -> Result<Option<JobView>> {
    Ok(outbox::get(p, id).await?.as_ref().map(JobView::from))
}

/// `jobs/list`: every job, oldest first, without note text.
pub async fn list<P: Env>(p: &P) -> Result<Vec<JobView>> {
    Ok(outbox::load(p)
        .await?
        .jobs
        .iter()
        .map(JobView::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_tick_leaves_the_running_ticks_guard_held() {
        let worker = Worker::new();
        let running = TickGuard::take(&worker).expect("no tick runs yet");
        assert!(
            TickGuard::take(&worker).is_none(),
            "a second tick is refused"
        );
        assert!(
            TickGuard::take(&worker).is_none(),
            "and the refusal did not release the first"
        );
        drop(running);
        assert!(
            TickGuard::take(&worker).is_some(),
            "free again once it ends"
        );
    }
}
