//! The outbox's entry points: start a push, queue many, tick (alarm), retry, discard, resume
//! after a reconnect, and read jobs.

use super::ahead;
use super::attempt;
use super::guard::{self, NeedsConfirmation};
use super::job::{ClinikoPayload, Job, JobState, JobView, NookalPayload, Payload};
use super::landing;
use super::outbox::{self, Claim, Outbox};
use super::preflight;
use super::record::Resumable;
use super::time;
use crate::cliniko::ClinikoId;
use crate::ehr::appointments;
use crate::error::Ehr;
use crate::nookal::NookalId;
use crate::nookal::push::PushInput;
use crate::note::{self, NoteSource};
use crate::platform::StorageArea;
use crate::render::{self, Footer, RenderOptions};
use crate::search::rank::PatientSummary;
use crate::store;
use crate::templates;
use crate::worker::{Env, Worker};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One push as the popup sends it (`push/start`, and each item of `push/queue`), for any EHR:
/// what it is, and the clinician's choices and the session beside it in the same object
/// ([`Resumable`], kept with the job's record).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPush {
    /// Where the note goes.
    pub ehr: Ehr,
    /// The note as read from the page.
    pub source: NoteSource,
    /// The confirmed patient.
    pub patient: PatientSummary,
    /// Note title.
    pub title: String,
    /// The template the preview showed Automatic would pick (see `templates::for_push`).
    pub automatic_template_id: Option<String>,
    /// The push reference the preview showed (from `note/prepare`).
    pub push_ref: String,
    /// Push even though it looks like a duplicate.
    pub confirm_duplicate: bool,
    /// The page's pre-selection scope, cleared when the push lands (see `app::preselect`).
    pub scope: Option<Value>,
    /// The appointment to link the note to (a Row of `appointments/list`): checked against the
    /// EHR's own diary, never taken on the page's word.
    pub appointment: Option<crate::ehr::appointments::AppointmentRef>,
    /// Draft, template (null: Automatic), footer date, case, UTC offset, the Motics session.
    pub choices: Resumable,
}

/// [`NewPush`]'s own fields.
#[derive(Deserialize)]
struct NewPushFields {
    ehr: Ehr,
    source: NoteSource,
    patient: PatientSummary,
    title: String,
    #[serde(default)]
    automatic_template_id: Option<String>,
    push_ref: String,
    #[serde(default)]
    confirm_duplicate: bool,
    #[serde(default)]
    scope: Option<Value>,
    #[serde(default)]
    appointment: Option<crate::ehr::appointments::AppointmentRef>,
}

// By hand, not `#[serde(flatten)]` (see `crate::wire`): the choices are read from the object by
// reference, then the rest by value, so the note is never copied.
impl<'de> Deserialize<'de> for NewPush {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = Value::deserialize(d)?;
        let choices = Resumable::deserialize(&v).map_err(D::Error::custom)?;
        let f = NewPushFields::deserialize(v).map_err(D::Error::custom)?;
        Ok(NewPush {
            ehr: f.ehr,
            source: f.source,
            patient: f.patient,
            title: f.title,
            automatic_template_id: f.automatic_template_id,
            push_ref: f.push_ref,
            confirm_duplicate: f.confirm_duplicate,
            scope: f.scope,
            appointment: f.appointment,
            choices,
        })
    }
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
    // Every slot the click reads, read at once, and each once (see `store`).
    let _reads = store::read_at_once(p, &click_slots(req.ehr)).await;
    let job = match prepare(p, req, true).await? {
        Prepared::Ask(c) => return Ok((Started::NeedsConfirmation(c), None)),
        Prepared::Existing(job) => attempt::step(p, &job.id).await?.unwrap_or(job),
        // The click: one write, then the create; the landing is saved after the reply.
        Prepared::New(job) => attempt::send_new(p, job).await?,
    };
    Ok((Started::Job(Box::new(JobView::from(&job))), Some(job)))
}

/// The slots a click reads: the EHR's key, connection and flags (the prepared job's connection,
/// the preflight's, the POST's), the outbox (the same push again, the duplicate check, the write
/// before the POST) and the receipts (the duplicate check).
fn click_slots(ehr: Ehr) -> Vec<(StorageArea, &'static str)> {
    let key_store = match ehr {
        Ehr::Cliniko => crate::cliniko::store::STORE.request_slots(),
        Ehr::Nookal => crate::nookal::store::STORE.request_slots(),
    };
    key_store
        .into_iter()
        .chain([
            (StorageArea::Session, outbox::STORAGE_KEY),
            (StorageArea::Local, super::receipts::STORAGE_KEY),
        ])
        .collect()
}

/// `push/queue`: add many pushes at once (each its own note and patient). Each item is checked
/// against our own receipts and outbox (not Cliniko's titles: one GET per item up front would
/// spend the rate budget the queue needs). Nothing is sent here: the alarm, or a `jobs/tick`
/// the popup sends next, works through them one at a time within the rate budget.
///
/// The popup hands a long queue over in slices (`extension/popup/queue.js`), and a slice's new
/// jobs are saved in one outbox write, so the background holds one slice, not the queue, beyond
/// the outbox itself (issue 18). Each item is checked against the jobs before it in the same
/// slice too (the same push twice, the same note twice), as if each had been saved on its own.
pub async fn enqueue<P: Env>(p: &P, items: Vec<NewPush>) -> Result<Vec<Started>> {
    let mut out = Vec::with_capacity(items.len());
    // The outbox read once for the slice; the slice's new jobs join it (here only) as they are
    // made, and are saved together below.
    landing::flush(p).await?;
    let mut seen = outbox::load(p).await?;
    let known = seen.jobs.len();
    for item in items {
        out.push(match prepare_among(p, item, false, Some(&seen)).await? {
            Prepared::Ask(c) => Started::NeedsConfirmation(c),
            Prepared::Existing(job) => Started::Job(Box::new(JobView::from(&job))),
            Prepared::New(job) => {
                let view = Started::Job(Box::new(JobView::from(&job)));
                seen.jobs.push(job);
                view
            }
        });
    }
    let fresh = seen.jobs.split_off(known);
    drop(seen);
    if !fresh.is_empty() {
        // Added to the outbox as it is now (a tick may have changed it meanwhile).
        outbox::update(p, |outbox| outbox.jobs.extend(fresh)).await?;
    }
    Ok(out)
}

enum Prepared {
    Ask(NeedsConfirmation),
    Existing(Job),
    New(Job),
}

/// Where a new job comes from: prepared at the preflight, or the request checked now.
enum Made {
    Ahead(Box<Job>),
    Now(Box<Checked>),
}

/// What a push request says once checked: the note, its fingerprint, the title as sent.
pub(crate) struct Checked {
    note: note::Note,
    fingerprint: String,
    title: String,
}

/// The request's own checks, before anything is read or sent.
pub(crate) fn check(req: &NewPush) -> Result<Checked> {
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
    Ok(Checked {
        note,
        fingerprint,
        title,
    })
}

async fn prepare<P: Env>(p: &P, req: NewPush, check_title: bool) -> Result<Prepared> {
    prepare_among(p, req, check_title, None).await
}

/// [`prepare`] against `seen` when given: the outbox as a `push/queue` slice read it, with the
/// slice's jobs made so far (not saved yet) in it.
async fn prepare_among<P: Env>(
    p: &P,
    req: NewPush,
    check_title: bool,
    seen: Option<&Outbox>,
) -> Result<Prepared> {
    // Built at the preflight for exactly this request (see `ahead`), or built now.
    let ahead = match check_title {
        true => ahead::take(p, &req).await,
        false => None,
    };
    let made = match ahead {
        Some(job) => Made::Ahead(Box::new(job)),
        None => Made::Now(Box::new(check(&req)?)),
    };
    let (fingerprint, title) = match &made {
        Made::Ahead(job) => (job.fingerprint.clone(), job.title.clone()),
        Made::Now(c) => (c.fingerprint.clone(), c.title.clone()),
    };
    // The same push sent again (a double click, the popup reopened, the message repeated): the
    // same job whatever its state and whatever the EHR, never a second note. A second note
    // carrying the same reference would read as a resent copy of the first (archived by
    // Cliniko, named by Nookal); pushing the note again on purpose is a new preview with a new
    // reference, and that one meets the duplicate question.
    let loaded;
    let outbox = match seen {
        Some(o) => o,
        None => {
            landing::flush(p).await?;
            loaded = outbox::load(p).await?;
            &loaded
        }
    };
    if let Some(existing) = outbox.jobs.iter().find(|j| {
        j.ehr() == req.ehr && j.push_ref == req.push_ref && j.patient.id == req.patient.id
    }) {
        return Ok(Prepared::Existing(existing.clone()));
    }
    // The appointment link is checked against the EHR's own diary before anything else is
    // asked or sent: another patient's appointment refuses the push here (issue 14).
    let mut req = req;
    let mut appointment_noted = false;
    let appointment = match &req.appointment {
        None => None,
        Some(r) => {
            let linked = appointments::link_for(
                p,
                req.ehr,
                r,
                &req.patient.id,
                req.choices
                    .case_id
                    .as_deref()
                    .filter(|c| !c.trim().is_empty()),
                req.choices.utc_offset_min.unwrap_or(0),
            )
            .await?;
            appointment_noted = linked.has_note;
            Some(linked.link)
        }
    };
    // Nookal: the appointment's case is the one the note is filed under.
    if req
        .choices
        .case_id
        .as_deref()
        .is_none_or(|c| c.trim().is_empty())
        && let Some(c) = appointment.as_ref().and_then(|l| l.case_id.clone())
    {
        req.choices.case_id = Some(c);
    }
    if !req.confirm_duplicate {
        if let Some(c) =
            guard::check_local(p, outbox, req.ehr, &req.patient.id, &fingerprint).await?
        {
            return Ok(Prepared::Ask(c));
        }
        // Asked after "this very note was pushed already" (the more specific question).
        if appointment_noted {
            return Ok(Prepared::Ask(NeedsConfirmation {
                at_ms: None,
                note_id: None,
                reason: guard::Reason::AppointmentHasNote,
            }));
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
    let mut job = match made {
        Made::Ahead(job) => *job,
        Made::Now(c) => build(p, req, *c).await?,
    };
    // The link checked above, whichever way the job was built (a job prepared at the preflight
    // was built before the diary was asked): Nookal files the note under the appointment's case.
    if let (Payload::Nookal(NookalPayload { input: Some(i), .. }), Some(l)) =
        (&mut job.payload, &appointment)
        && i.case_id.is_none()
    {
        i.case_id.clone_from(&l.case_id);
    }
    job.appointment = appointment;
    // This note is on its way (saved by the caller before anything else can run): no earlier
    // "no such title" may wave through another like it.
    preflight::forget(p.worker(), &job.patient.id, &job.title);
    Ok(Prepared::New(job))
}

/// The new job for a checked request: the template chosen (Cliniko), the text rendered (Nookal).
pub(crate) async fn build<P: Env>(p: &P, req: NewPush, checked: Checked) -> Result<Job> {
    let Checked {
        note,
        fingerprint,
        title,
    } = checked;
    let (payload, title, resume) = payload(p, &req, &note, title).await?;
    let id = format!("{:016x}", p.random_u64());
    Ok(Job {
        scope: req.scope,
        resume,
        ..Job::queued(
            id,
            payload,
            req.push_ref,
            req.patient,
            title,
            fingerprint,
            p.now_ms(),
        )
    })
}

/// What a push sends, built from the note once (every retry sends exactly it), its title, and
/// what a resume after the browser closed needs besides the note.
async fn payload<P: Env>(
    p: &P,
    req: &NewPush,
    note: &note::Note,
    title: String,
) -> Result<(Payload, String, Resumable)> {
    let choices = &req.choices;
    let (payload, title) = match req.ehr {
        Ehr::Cliniko => {
            // The one place a push's template is chosen (Cliniko only: Nookal v2 has no note
            // templates, so a Nookal job never carries one).
            let template_id = templates::for_push(
                p,
                note,
                choices.template_id.clone(),
                req.automatic_template_id.clone(),
            )
            .await?;
            let payload = Payload::Cliniko(ClinikoPayload {
                source: Some(req.source.clone()),
                created_display: choices.created_display.clone(),
                template_id,
                draft: choices.draft,
                content: None,
            });
            (payload, title)
        }
        Ehr::Nookal => {
            // Rendered now, with the footer the preview showed, so every retry sends the same text.
            let opts = RenderOptions {
                footer: Some(Footer {
                    author: crate::ehr::connection::footer_author(p, req.ehr, note).await?,
                    created: choices.created_display.clone(),
                    reference: Some(req.push_ref.clone()),
                }),
            };
            let notes = render::nookal_text(note, &opts).text;
            // The session's time is the note's date (a note pushed later from History is filed
            // on the session's day); without one, the time of the push.
            let at_ms = note
                .meta
                .created_at
                .as_deref()
                .and_then(time::parse_iso_ms)
                .unwrap_or_else(|| p.now_ms());
            let date_local = time::local_date_time(at_ms, choices.utc_offset_min.unwrap_or(0));
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
                case_id: choices.case_id.clone().filter(|c| !c.trim().is_empty()),
                date_local,
                notes,
                new_case_title: choices.new_case_title.clone(),
            };
            let payload = Payload::Nookal(NookalPayload {
                input: Some(input),
                outcome: None,
            });
            (payload, title)
        }
    };
    let template_id = match &payload {
        Payload::Cliniko(c) => c.template_id.clone(),
        Payload::Nookal(_) => None,
    };
    let resume = Resumable {
        template_id,
        ..choices.clone()
    };
    Ok((payload, title, resume))
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
    landing::flush(p).await?;
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
            // A quick retry due within moments is waited out here, in the worker that is
            // running anyway: alarms cannot fire that soon (see `policy::DEFAULT`).
            match quick_wait(p.worker(), &outbox, now) {
                Some(wait) if waited_ms + wait <= INLINE_PAUSE_BUDGET_MS => {
                    p.sleep(u32::try_from(wait).unwrap_or(u32::MAX)).await;
                    waited_ms += wait;
                    tried.clear();
                    continue;
                }
                _ => break,
            }
        };
        tried.insert((id.clone(), was_done));
        // Not kept across the step, which reads the outbox afresh (one whole outbox in memory
        // at a time: issue 18).
        drop(outbox);
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

/// The longest wait for a job's next retry that a running tick waits out itself: the quick
/// retries of [`super::policy::DEFAULT`] (about 1 s and 4 s, with jitter).
pub const QUICK_WAIT_MS: i64 = 5_000;

/// How long until the soonest waiting job's retry, when that is within [`QUICK_WAIT_MS`] (jobs
/// an attempt in this worker holds are that attempt's business).
fn quick_wait(worker: &Worker, outbox: &Outbox, now: i64) -> Option<i64> {
    outbox
        .jobs
        .iter()
        .filter(|j| matches!(j.state, JobState::RetryWait | JobState::Interrupted))
        .filter(|j| !Claim::is_held(worker, &j.id))
        .filter_map(|j| j.next_at_ms)
        .map(|t| (t - now).max(0))
        .filter(|&w| w <= QUICK_WAIT_MS)
        .min()
}

/// `jobs/retry`: a failed, waiting or needs-reconnect job starts again now (attempts reset).
/// A job whose note text is gone can only be resumed from its Motics session.
pub async fn retry<P: Env>(p: &P, id: &str) -> Result<Job> {
    landing::flush(p).await?;
    let mut job = outbox::get(p, id)
        .await?
        .ok_or_else(|| Error::InvalidInput("no such push".into()))?;
    if job.state == JobState::Unfinished {
        return Err(Error::NoteGone(job.ehr()));
    }
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

/// `push/resume`: a push not finished when the browser closed, with its note read again from
/// its Motics session.
#[derive(Debug, Clone, Deserialize)]
pub struct ResumePush {
    /// The job.
    pub id: String,
    /// The note as read from the page again.
    pub source: NoteSource,
    /// The patient as the resume screen showed it (must be the job's patient).
    pub patient: PatientSummary,
    /// The title, used when the job's record kept none (it named the patient).
    #[serde(default)]
    pub title: Option<String>,
}

/// The answer to `push/resume`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resumed {
    /// `{changed: true}`: the note is not the one the job was for; the clinician sees the new
    /// preview and confirms it, as for any push (a new push, with a new reference).
    Changed(bool),
    /// `{job: JobView}`: the same note, sent on under the same push reference.
    Job(Box<JobView>),
}

/// `push/resume`: the note read again matches the job's fingerprint → the job's payload is built
/// again with the same reference and choices, and it is sent at once, looking for the note in
/// the EHR first (it can never double); a changed note is not sent (`Resumed::Changed`). A job
/// not waiting to be resumed is answered as it is.
pub async fn resume<P: Env>(p: &P, req: ResumePush) -> Result<(Resumed, Option<Job>)> {
    landing::flush(p).await?;
    let mut job = outbox::get(p, &req.id)
        .await?
        .ok_or_else(|| Error::InvalidInput("no such push".into()))?;
    if !matches!(job.state, JobState::Unfinished | JobState::Interrupted) {
        return Ok((Resumed::Job(Box::new(JobView::from(&job))), None));
    }
    if req.patient.id != job.patient.id {
        return Err(Error::InvalidInput(
            "this push is for another patient".into(),
        ));
    }
    let note = note::from_source(&req.source)?;
    if note::fingerprint(&note) != job.fingerprint {
        return Ok((Resumed::Changed(true), None));
    }
    let title = if job.title.is_empty() {
        req.title.clone().unwrap_or_default()
    } else {
        job.title.clone()
    };
    let again = NewPush {
        ehr: job.ehr(),
        source: req.source,
        patient: req.patient,
        title: title.clone(),
        automatic_template_id: None,
        push_ref: job.push_ref.clone(),
        confirm_duplicate: true,
        scope: job.scope.clone(),
        // The link stays the job's own (checked when the push was first made).
        appointment: None,
        // The same choices: the same template (as chosen then), footer, case and date.
        choices: job.resume.clone(),
    };
    if title.is_empty() && again.ehr == Ehr::Cliniko {
        return Err(Error::InvalidInput("the note needs a title".into()));
    }
    let (payload, title, resume) = payload(p, &again, &note, title).await?;
    job.payload = payload;
    job.title = title;
    job.resume = resume;
    job.patient = again.patient;
    job.state = JobState::Queued;
    job.attempts = 0;
    job.error = None;
    job.next_at_ms = None;
    job.updated_at_ms = p.now_ms();
    // An attempt may have reached the EHR before the browser closed: look before sending.
    job.maybe_sent = true;
    outbox::put(p, &job).await?;
    let job = attempt::step(p, &job.id).await?.unwrap_or(job);
    Ok((Resumed::Job(Box::new(JobView::from(&job))), Some(job)))
}

/// "Remove key": that EHR's jobs not yet landed are forgotten with it (and their records in
/// `storage.local`); they could not be sent without a key anyway.
pub async fn forget_ehr<P: Env>(p: &P, ehr: Ehr) -> Result<()> {
    outbox::update(p, |outbox| {
        outbox.jobs.retain(|j| {
            j.ehr() != ehr || !j.state.is_pending() || Claim::is_held(p.worker(), &j.id)
        })
    })
    .await
}

/// `jobs/discard`: forget a job (its receipt, if any, stays). Refused while it is being sent.
pub async fn discard<P: Env>(p: &P, id: &str) -> Result<()> {
    landing::flush(p).await?;
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
    landing::flush(p).await?;
    Ok(outbox::get(p, id).await?.as_ref().map(JobView::from))
}

/// `jobs/list`: every job, oldest first, without note text.
pub async fn list<P: Env>(p: &P) -> Result<Vec<JobView>> {
    landing::flush(p).await?;
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
