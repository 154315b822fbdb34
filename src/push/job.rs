//! A push job: what it sends, where it is in its life, and the view pages get (without note text).

use super::receipts::Receipt;
use crate::cliniko::content::Content;
use crate::error::{Ehr, Error};
use crate::nookal::push::{NookalReceipt, PushInput};
use crate::note::NoteSource;
use crate::search::rank::PatientSummary;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a job is. Stored and sent as snake_case strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its first attempt (or re-queued by Retry / Reconnect).
    Queued,
    /// An attempt is under way (or was, when the worker stopped: the next tick picks it up).
    Sending,
    /// The note is in Cliniko; `receipt` says where.
    Done,
    /// A transient failure or a 429: the next attempt is at `next_at_ms` (an alarm wakes us).
    RetryWait,
    /// Cliniko answered 401: paste the key again ("Reconnect Cliniko"), then it resumes.
    NeedsReconnect,
    /// Not retried automatically: Cliniko refused it (422 with `error.fields`), or it was parked
    /// after the maximum attempts (`error.transient` = true: "Retry" may work).
    Failed,
}

impl JobState {
    /// Counted on the toolbar badge: everything not yet in Cliniko.
    pub fn is_pending(self) -> bool {
        self != JobState::Done
    }
}

/// One field error of a 422, as Cliniko gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Cliniko's field name, e.g. `patient` or `content`.
    pub field: String,
    /// Cliniko's message.
    pub message: String,
}

/// The last error of a job, in the same shape as a reply's error (`{kind, params, transient}`),
/// plus the field errors of a 422.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobError {
    /// [`Error::kind`] (the UI shows `err_<kind>`).
    pub kind: String,
    /// [`Error::params`].
    pub params: Vec<String>,
    /// Whether a later retry may work.
    pub transient: bool,
    /// 422 field errors (empty otherwise).
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl From<&Error> for JobError {
    fn from(e: &Error) -> Self {
        let fields = match e {
            Error::Validation { fields, .. } => fields
                .iter()
                .map(|(f, m)| FieldError {
                    field: f.clone(),
                    message: m.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        JobError {
            kind: e.kind().to_string(),
            params: e.params(),
            transient: e.is_transient(),
            fields,
        }
    }
}

/// What a job sends, by EHR: the job's EHR is its payload's. Holds the note, so it lives only in
/// `storage.session`, and the note is dropped once it is in the EHR. Stored externally tagged
/// (`{"cliniko": {…}}`), which serde reads without buffering. Jobs stored by older versions (a
/// Cliniko `payload` struct with an optional `nookal` part beside it) do not read as this: the
/// outbox they are in reads as empty (`outbox::load`) and those pushes are dropped, not
/// migrated; `storage.session` lives only until the browser closes, and their receipts stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// A Cliniko treatment note.
    Cliniko(ClinikoPayload),
    /// A Nookal treatment note.
    Nookal(NookalPayload),
}

impl Payload {
    /// The EHR this payload goes to.
    pub fn ehr(&self) -> Ehr {
        match self {
            Payload::Cliniko(_) => Ehr::Cliniko,
            Payload::Nookal(_) => Ehr::Nookal,
        }
    }
}

/// A Cliniko note: built from the page's source on the first attempt, then fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ClinikoPayload {
    /// The note as read from the page, until `content` is built from it.
    pub source: Option<NoteSource>,
    /// The creation time for the footer, formatted by the browser.
    pub created_display: Option<String>,
    /// Treatment-note template id (string: 64-bit), or none for a plain note.
    pub template_id: Option<String>,
    /// Create as a draft.
    pub draft: bool,
    /// The filled content, built on the first attempt and then fixed, so every retry sends
    /// exactly the same note (same footer, same push reference).
    pub content: Option<Content>,
}

/// What a landed Nookal push reports to the panel: the push receipt (did it land; which
/// characters Nookal double-encoded) and other notes with exactly this text, which Nookal v2
/// cannot delete, so the popup names them for the clinician to delete by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NookalOutcome {
    /// The Nookal receipt (`landed`, `garbled`, `text_matches`, `reconciled`, ids).
    #[serde(flatten)]
    pub receipt: NookalReceipt,
    /// Ids of extra copies (a browser's transparent POST resend).
    pub extra_copies: Vec<String>,
}

/// [`NookalOutcome`]'s own field, read beside the receipt's.
#[derive(Deserialize)]
struct OutcomeExtras {
    #[serde(default)]
    extra_copies: Vec<String>,
}

// By hand, not `#[serde(flatten)]`: see `crate::wire`.
impl<'de> Deserialize<'de> for NookalOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let crate::wire::Flat(receipt, x) =
            crate::wire::Flat::<NookalReceipt, OutcomeExtras>::deserialize(d)?;
        Ok(NookalOutcome {
            receipt,
            extra_copies: x.extra_copies,
        })
    }
}

/// A push job as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Job id (random hex).
    pub id: String,
    /// The push reference in the note's footer: the same on every retry; finds copies in Cliniko.
    pub push_ref: String,
    /// State.
    pub state: JobState,
    /// The patient, as the clinician confirmed it.
    pub patient: PatientSummary,
    /// Note title.
    pub title: String,
    /// Normalised content fingerprint (duplicate guard).
    pub fingerprint: String,
    /// When the job was created (ms); reconciliation lists notes created after this, less a margin.
    pub created_at_ms: i64,
    /// Last change (ms).
    pub updated_at_ms: i64,
    /// Failed attempts counted toward parking (429 waits are not counted).
    pub attempts: u32,
    /// When the next attempt (or verification) is due.
    pub next_at_ms: Option<i64>,
    /// The last error.
    pub error: Option<JobError>,
    /// A POST may have reached Cliniko without us seeing the answer (timeout, dropped connection,
    /// 5xx, worker stopped): list the patient's notes before any new POST.
    pub maybe_sent: bool,
    /// The note kept in Cliniko, once known.
    pub note_id: Option<String>,
    /// The note landed; the check for extra copies (and archiving them) is still to do.
    pub verify_due: bool,
    /// Extra copies of this job found in Cliniko and archived.
    pub archived_copies: Vec<String>,
    /// Set when done.
    pub receipt: Option<Receipt>,
    /// The page's pre-selection scope, cleared once the push lands (opaque here).
    #[serde(default)]
    pub scope: Option<Value>,
    /// What to send, and to which EHR.
    pub payload: Payload,
    /// The appointment the note links to, checked against the EHR's own diary when the job was
    /// made (issue 14); checked against the patient again before every send.
    #[serde(default)]
    pub appointment: Option<crate::diary::Link>,
}

/// A Nookal note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NookalPayload {
    /// What to send: the `addTreatmentNote` input (patient, case or new-case title, the session's
    /// local date-time `YYYY-MM-DD HH:MM:SS`, the rendered plain text); dropped once landed.
    pub input: Option<PushInput>,
    /// What the push reported, once landed.
    #[serde(default)]
    pub outcome: Option<NookalOutcome>,
}

/// A job as pages see it (`jobs/get`, `jobs/list`, replies): no note text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    /// Job id.
    pub id: String,
    /// Which EHR.
    pub ehr: Ehr,
    /// The EHR's name as clinicians know it ("Cliniko", "Nookal"): every EHR word the view shows
    /// about this job ("Sending to …", "reconnect …") is this one.
    #[serde(default)]
    pub ehr_name: String,
    /// State.
    pub state: JobState,
    /// The patient.
    pub patient: PatientSummary,
    /// Note title.
    pub title: String,
    /// Push reference.
    pub push_ref: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When the next attempt is due.
    pub next_at_ms: Option<i64>,
    /// The last error.
    pub error: Option<JobError>,
    /// The receipt, when done.
    pub receipt: Option<Receipt>,
    /// Done, and the check for browser-resent copies is still to run (the receipt's
    /// `archived_copies` and `verified` change when it has).
    #[serde(default)]
    pub verify_due: bool,
    /// When the job was created.
    pub created_at_ms: i64,
    /// Nookal's report once landed (no note text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nookal: Option<NookalOutcome>,
    /// The appointment the note links to (`{id, kind, group_id?, patient_id, case_id,
    /// starts_ms, type_name}`), or null.
    #[serde(default)]
    pub appointment: Option<crate::diary::Link>,
}

impl Job {
    /// A new job, queued and not yet attempted: the one place that says what a fresh job holds.
    pub fn queued(
        id: String,
        payload: Payload,
        push_ref: String,
        patient: PatientSummary,
        title: String,
        fingerprint: String,
        now_ms: i64,
    ) -> Job {
        Job {
            id,
            payload,
            push_ref,
            state: JobState::Queued,
            patient,
            title,
            fingerprint,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            attempts: 0,
            next_at_ms: None,
            error: None,
            maybe_sent: false,
            note_id: None,
            verify_due: false,
            archived_copies: Vec::new(),
            receipt: None,
            scope: None,
            appointment: None,
        }
    }

    /// The EHR this job pushes to.
    pub fn ehr(&self) -> Ehr {
        self.payload.ehr()
    }

    /// The Cliniko payload (an attempt for Cliniko runs only on Cliniko jobs).
    pub fn cliniko(&mut self) -> Result<&mut ClinikoPayload, Error> {
        match &mut self.payload {
            Payload::Cliniko(c) => Ok(c),
            Payload::Nookal(_) => Err(Error::InvalidInput("not a Cliniko push".into())),
        }
    }

    /// The Nookal payload (an attempt for Nookal runs only on Nookal jobs).
    pub fn nookal(&mut self) -> Result<&mut NookalPayload, Error> {
        match &mut self.payload {
            Payload::Nookal(n) => Ok(n),
            Payload::Cliniko(_) => Err(Error::InvalidInput("not a Nookal push".into())),
        }
    }
}

impl From<&Job> for JobView {
    fn from(j: &Job) -> Self {
        JobView {
            id: j.id.clone(),
            ehr: j.ehr(),
            ehr_name: j.ehr().name().to_string(),
            state: j.state,
            patient: j.patient.clone(),
            title: j.title.clone(),
            push_ref: j.push_ref.clone(),
            attempts: j.attempts,
            next_at_ms: j.next_at_ms,
            error: j.error.clone(),
            receipt: j.receipt.clone(),
            verify_due: j.verify_due,
            created_at_ms: j.created_at_ms,
            nookal: match &j.payload {
                Payload::Nookal(n) => n.outcome.clone(),
                Payload::Cliniko(_) => None,
            },
            appointment: j.appointment.clone(),
        }
    }
}
