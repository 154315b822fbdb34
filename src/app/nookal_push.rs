//! `nookal/push`: a Nookal push as a job in the shared outbox (`crate::push`), first attempt inline.
//!
//! The job gets what Cliniko pushes get: the "already pushed — push again?" question (our
//! receipts and outbox, by content fingerprint and patient, Nookal only), a saved job that
//! survives a worker restart, alarm retries with backoff, the badge, Retry/Discard in the
//! outbox list, a receipt in "Recent pushes" (no text, no names), and never a second note on a
//! retry (an attempt that may have created the note first looks for it by its text).

use crate::Result;
use crate::nookal::push::{NookalReceipt, PushInput};
use crate::platform::Platform;
use crate::push::guard::NeedsConfirmation;
use crate::push::nookal_job::{self, NewNookalPush};
use crate::push::run::Started;
use crate::push::{JobError, JobView};
use crate::search::rank::PatientSummary;
use crate::wire::Flat;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `nookal/push` message: the [`PushInput`] fields and [`PushExtras`] side by side in one object.
#[derive(Debug, Clone)]
pub struct PushRequest {
    /// What to push.
    pub input: PushInput,
    /// The patient row the panel showed (for the outbox list). Read leniently: a row this
    /// version cannot read only costs the name in the list, never the push.
    pub patient: Option<Value>,
    /// The push reference shown in the note's footer (from `note/prepare`).
    pub push_ref: Option<String>,
    /// The note's content fingerprint (from `note/prepare`), for the duplicate guard.
    pub fingerprint: Option<String>,
    /// The clinician already answered "push again".
    pub confirm_duplicate: bool,
    /// This is a Retry after a failure: the same job starts again (it looks for the note first).
    pub retry: bool,
}

/// The message's fields beyond [`PushInput`] (see [`PushRequest`]).
#[derive(Debug, Clone, Deserialize)]
pub struct PushExtras {
    #[serde(default)]
    patient: Option<Value>,
    #[serde(default)]
    push_ref: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default)]
    confirm_duplicate: bool,
    #[serde(default)]
    retry: bool,
}

// By hand, not `#[serde(flatten)]`: see `crate::wire`.
impl<'de> Deserialize<'de> for PushRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let Flat(input, x) = Flat::<PushInput, PushExtras>::deserialize(d)?;
        Ok(PushRequest {
            input,
            patient: x.patient,
            push_ref: x.push_ref,
            fingerprint: x.fingerprint,
            confirm_duplicate: x.confirm_duplicate,
            retry: x.retry,
        })
    }
}

/// The reply: a question, or the job (with the receipt once the note is in Nookal).
#[derive(Debug, Clone, Serialize)]
pub struct PushReply {
    /// Set when the same note already went to this patient: ask before pushing again.
    pub needs_confirmation: Option<NeedsConfirmation>,
    /// The job after its first attempt (`state`: done, retry_wait, needs_reconnect, failed …).
    pub job: Option<JobView>,
    /// Set when the note is in Nookal.
    pub receipt: Option<NookalReceipt>,
    /// Other notes of this patient with exactly this text (same push), dated today or later:
    /// copies made when the browser re-sent the POST by itself. Nookal v2 has no call to delete
    /// a note, so the popup names them for the clinician to delete in Nookal.
    pub extra_copies: Vec<String>,
    /// Why the job is not done (the same as `job.error`).
    pub error: Option<JobError>,
}

/// Run one Nookal push for the popup.
pub async fn push<P: Platform>(p: &P, req: &PushRequest) -> Result<PushReply> {
    let new = NewNookalPush {
        input: req.input.clone(),
        patient: req
            .patient
            .clone()
            .and_then(|v| serde_json::from_value::<PatientSummary>(v).ok()),
        push_ref: req.push_ref.clone().unwrap_or_default(),
        fingerprint: req.fingerprint.clone().unwrap_or_default(),
        confirm_duplicate: req.confirm_duplicate,
        retry: req.retry,
    };
    let (started, _) = nookal_job::start(p, new).await?;
    Ok(match started {
        Started::NeedsConfirmation(ask) => PushReply {
            needs_confirmation: Some(ask),
            job: None,
            receipt: None,
            extra_copies: Vec::new(),
            error: None,
        },
        Started::Job(job) => reply(*job),
    })
}

/// The panel's view of a job: the Nookal receipt and copies once done, else the error.
pub fn reply(job: JobView) -> PushReply {
    let (receipt, extra_copies) = match job.nookal.clone() {
        Some(o) => (Some(o.receipt), o.extra_copies),
        None => (None, Vec::new()),
    };
    PushReply {
        needs_confirmation: None,
        error: job.error.clone(),
        receipt,
        extra_copies,
        job: Some(job),
    }
}
