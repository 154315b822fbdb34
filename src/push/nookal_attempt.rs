//! Nookal's part of a job's step (`attempt::step` runs it): reconcile an uncertain earlier attempt,
//! push (addTreatmentNote and read-back); failures are filed by the step, as for Cliniko.
//!
//! The workflow itself is `nookal::push::push` (case choice, `addTreatmentNote`, read-back, its
//! own reconcile of an ambiguous answer). What the outbox adds: `maybe_sent` is saved before the
//! send, so an attempt the worker never finished, or one whose failure left it unknown whether
//! the note was created, first looks for the note by its text (`readback::find_note`) and never
//! sends a second one; then retry with backoff, needs-reconnect and failed via
//! `attempt::file_error`, exactly as for Cliniko.

use super::job::{Job, JobState, NookalOutcome, NookalPayload, Payload};
use super::outbox;
use super::receipts::{self, Receipt};
use crate::Result;
use crate::error::{Ehr, Error};
use crate::nookal::id::NookalId;
use crate::nookal::push::{self as pushing, NookalReceipt, PushInput};
use crate::nookal::readback::{compare, find_note, fingerprint, patient_notes};
use crate::nookal::store;
use crate::nookal::types::TreatmentNote;
use crate::worker::Env;

/// Get the note into Nookal exactly once (the step of a Nookal job: `attempt::step` claims it,
/// and files a failure).
pub(super) async fn land<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let input = job
        .nookal()?
        .input
        .clone()
        .ok_or_else(|| Error::InvalidInput("the job has no note to send".into()))?;
    if job.maybe_sent {
        // An earlier attempt may have created the note: look before sending again.
        let fp = fingerprint(&input.notes);
        if let Some(found) = find_note(p, &input.patient_id, &input.date_local, &fp).await? {
            let receipt = reconciled(p, &input, &found).await?;
            return landed(p, job, &input, receipt).await;
        }
        job.maybe_sent = false;
        outbox::put(p, job).await?;
    }
    // Saved before sending: if the worker stops during the send, the next tick reconciles.
    job.maybe_sent = true;
    outbox::put(p, job).await?;
    match pushing::push(p, &input).await {
        Ok(receipt) => landed(p, job, &input, receipt).await,
        Err(e) => {
            if !e.may_have_created() {
                job.maybe_sent = false;
            }
            Err(e)
        }
    }
}

/// The receipt for a note an earlier attempt created (found by its text).
async fn reconciled<P: Env>(
    p: &P,
    input: &PushInput,
    note: &TreatmentNote,
) -> Result<NookalReceipt> {
    let cmp = compare(&input.notes, &note.text);
    let (_, conn) = store::STORE.active(p).await?;
    Ok(NookalReceipt {
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
    })
}

/// Nookal said success (or the note was found): done, receipt written, note text dropped.
async fn landed<P: Env>(p: &P, job: &mut Job, input: &PushInput, r: NookalReceipt) -> Result<()> {
    let extra_copies = match r.note_id.as_deref() {
        // A failed listing only loses this warning; the note itself is confirmed already.
        Some(id) => copies(p, input, id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let now = p.now_ms();
    let note_id = r.note_id.clone();
    let outcome = NookalOutcome {
        receipt: r,
        extra_copies,
    };
    let receipt = Receipt {
        job_id: job.id.clone(),
        at_ms: now,
        ehr: Ehr::Nookal,
        patient_id: input.patient_id.clone(),
        note_id: note_id.clone().unwrap_or_default(),
        // Nookal has no documented web address for a patient or a note.
        link: None,
        note_link: None,
        push_ref: job.push_ref.clone(),
        fingerprint: job.fingerprint.clone(),
        // Nookal v2 cannot delete a note: copies are named (`nookal.extra_copies`), not archived.
        archived_copies: Vec::new(),
        verified: outcome.receipt.landed,
        nookal: Some(outcome.clone()),
    };
    job.state = JobState::Done;
    job.error = None;
    job.next_at_ms = None;
    job.attempts = 0;
    job.maybe_sent = false;
    job.verify_due = false;
    job.note_id = note_id.clone();
    job.updated_at_ms = now;
    job.receipt = Some(receipt.clone());
    job.payload = Payload::Nookal(NookalPayload {
        input: None,
        outcome: Some(outcome),
    });
    // The job first: once it says done, nothing will send it again.
    outbox::put(p, job).await?;
    if note_id.is_some() {
        receipts::record(p, &receipt).await?;
    }
    Ok(())
}

/// Ids of the patient's other live notes with this exact text on or after the push's day:
/// copies made when the browser re-sent the POST by itself (Chromium does when a reused
/// connection closes before any response).
async fn copies<P: Env>(p: &P, input: &PushInput, note_id: &str) -> Result<Vec<String>> {
    let (key, _) = store::STORE.active(p).await?;
    let patient = NookalId::parse(&input.patient_id)?;
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
