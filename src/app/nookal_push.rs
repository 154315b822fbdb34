//! `nookal/push`: the duplicate guard, reconcile-before-retry, the push itself, and its receipt.
//!
//! Nookal pushes run inline (not through the Cliniko outbox in `crate::push`): the popup waits
//! for the answer and offers Retry on failure. What they share with Cliniko pushes: the
//! "already pushed — push again?" question (our receipts, by content fingerprint and patient),
//! a receipt in "Recent pushes" (no text, no names), and never a second note on a retry: a retry
//! first looks for the note by its text (`readback::find_note`) before sending again.

use crate::Result;
use crate::error::Ehr;
use crate::nookal::push::{NookalReceipt, PushInput};
use crate::nookal::readback::{compare, find_note, fingerprint, patient_notes};
use crate::platform::Platform;
use crate::push::guard::{NeedsConfirmation, Reason};
use crate::push::receipts::{self, Receipt};
use serde::{Deserialize, Serialize};

/// The `nookal/push` message (the [`PushInput`] fields, flattened).
#[derive(Debug, Clone, Deserialize)]
pub struct PushRequest {
    /// What to push.
    #[serde(flatten)]
    pub input: PushInput,
    /// The push reference shown in the note's footer (from `note/prepare`).
    #[serde(default)]
    pub push_ref: Option<String>,
    /// The note's content fingerprint (from `note/prepare`), for the duplicate guard.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The clinician already answered "push again".
    #[serde(default)]
    pub confirm_duplicate: bool,
    /// This is a Retry after a failure: look for the note before sending it again.
    #[serde(default)]
    pub retry: bool,
}

/// The reply: either a question, or the receipt.
#[derive(Debug, Clone, Serialize)]
pub struct PushReply {
    /// Set when the same note already went to this patient: ask before pushing again.
    pub needs_confirmation: Option<NeedsConfirmation>,
    /// Set when the note is in Nookal.
    pub receipt: Option<NookalReceipt>,
    /// Other notes of this patient with exactly this text (same push reference, so the same
    /// push), dated today or later: copies made when the browser re-sent the POST by itself
    /// (Chromium does when a reused connection closes before any response). Nookal v2 has no
    /// call to delete a note, so the popup names them for the clinician to delete in Nookal.
    pub extra_copies: Vec<String>,
}

/// Run one Nookal push for the popup.
pub async fn push<P: Platform>(p: &P, req: &PushRequest) -> Result<PushReply> {
    let fp = req.fingerprint.as_deref().filter(|f| !f.is_empty());
    if !req.confirm_duplicate
        && let Some(fp) = fp
        && let Some(earlier) = receipts::list(p).await?.into_iter().find(|r| {
            r.ehr == Ehr::Nookal && r.patient_id == req.input.patient_id && r.fingerprint == fp
        })
    {
        return Ok(PushReply {
            needs_confirmation: Some(NeedsConfirmation {
                at_ms: Some(earlier.at_ms),
                note_id: Some(earlier.note_id),
                reason: Reason::SameFingerprint,
            }),
            receipt: None,
            extra_copies: Vec::new(),
        });
    }
    let receipt = match reconciled(p, req).await? {
        Some(found) => found,
        None => super::nookal::push(p, &req.input).await?,
    };
    let mut extra_copies = Vec::new();
    if let Some(note_id) = receipt.note_id.clone() {
        record(p, req, &receipt, note_id.clone()).await?;
        // A failed listing only loses this warning; the note itself is confirmed already.
        extra_copies = copies(p, &req.input, &note_id).await.unwrap_or_default();
    }
    Ok(PushReply {
        needs_confirmation: None,
        receipt: Some(receipt),
        extra_copies,
    })
}

/// Ids of the patient's other live notes with this exact text on or after the push's day.
async fn copies<P: Platform>(p: &P, input: &PushInput, note_id: &str) -> Result<Vec<String>> {
    let (key, _) = crate::nookal::store::active(p).await?;
    let patient = crate::nookal::NookalId::parse(&input.patient_id)?;
    let fp = fingerprint(&input.notes);
    let day = input.date_local.trim().get(..10).unwrap_or_default();
    Ok(patient_notes(p, &key, &patient)
        .await?
        .into_iter()
        .filter(|n| n.id.as_str() != note_id)
        .filter(|n| {
            n.date
                .as_deref()
                .is_none_or(|d| d.get(..10).unwrap_or(d) >= day)
        })
        .filter(|n| fingerprint(&n.text) == fp)
        .map(|n| n.id.to_string())
        .collect())
}

/// On a Retry: the note an earlier, ambiguous attempt may already have created.
async fn reconciled<P: Platform>(p: &P, req: &PushRequest) -> Result<Option<NookalReceipt>> {
    if !req.retry {
        return Ok(None);
    }
    let input = &req.input;
    let found = find_note(
        p,
        &input.patient_id,
        &input.date_local,
        &fingerprint(&input.notes),
    )
    .await?;
    let Some(note) = found else {
        return Ok(None);
    };
    let cmp = compare(&input.notes, &note.text);
    let (_, conn) = crate::nookal::store::active(p).await?;
    Ok(Some(NookalReceipt {
        note_id: Some(note.id.to_string()),
        patient_id: input.patient_id.clone(),
        case_id: note
            .case_id
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| input.case_id.clone())
            .unwrap_or_default(),
        created_case: false,
        practitioner_id: conn
            .practitioner_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        date: input.date_local.clone(),
        read_back: true,
        landed: true,
        garbled: cmp.garbled,
        text_matches: cmp.text_matches,
        reconciled: true,
    }))
}

/// "Recent pushes" and the duplicate guard: when, which patient and note; no text, no names.
async fn record<P: Platform>(
    p: &P,
    req: &PushRequest,
    r: &NookalReceipt,
    note_id: String,
) -> Result<()> {
    let push_ref = req.push_ref.clone().unwrap_or_default();
    let receipt = Receipt {
        job_id: format!("nookal:{note_id}"),
        at_ms: p.now_ms(),
        ehr: Ehr::Nookal,
        patient_id: r.patient_id.clone(),
        note_id,
        // Nookal has no documented web address for a patient or a note.
        link: None,
        note_link: None,
        push_ref,
        fingerprint: req.fingerprint.clone().unwrap_or_default(),
        archived_copies: Vec::new(),
        verified: r.landed,
    };
    receipts::record(p, &receipt).await
}
