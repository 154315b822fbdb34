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
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `nookal/push` message (the [`PushInput`] fields, flattened).
#[derive(Debug, Clone, Deserialize)]
pub struct PushRequest {
    /// What to push.
    #[serde(flatten)]
    pub input: PushInput,
    /// The patient row the panel showed (for the outbox list). Read leniently: a row this
    /// version cannot read only costs the name in the list, never the push.
    #[serde(default)]
    pub patient: Option<Value>,
    /// The push reference shown in the note's footer (from `note/prepare`).
    #[serde(default)]
    pub push_ref: Option<String>,
    /// The note's content fingerprint (from `note/prepare`), for the duplicate guard.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The clinician already answered "push again".
    #[serde(default)]
    pub confirm_duplicate: bool,
    /// This is a Retry after a failure: the same job starts again (it looks for the note first).
    #[serde(default)]
    pub retry: bool,
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
