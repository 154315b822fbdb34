//! Pushing a note: pick or create the case, `addTreatmentNote`, then read it back.
//!
//! The receipt says whether the note landed and whether its text survived (Nookal double-encodes
//! non-ASCII text, reference §3). The job's operations (`ehr::note` dispatches here): [`create`]
//! pushes and reads back, [`find`] looks for a note an earlier attempt may have created (by its
//! text, which carries the push reference in its footer), and both name extra copies, since
//! Nookal v2 cannot delete or archive a note.

use super::appointments::add_linked_treatment_note;
use super::cases::{add_case, default_case, fetch_cases};
use super::client::call;
use super::id::NookalId;
use super::readback::{compare, find_note, fingerprint, matching, patient_notes, pick_match};
use super::requests::{self, LocalDateTime, NewTreatmentNote};
use super::store;
use super::types::TreatmentNote;
use crate::diary::{Link, verify};
use crate::error::Ehr;
use crate::note::MAX_NOTE_BYTES;
use crate::push::attempt;
use crate::push::job::{Job, NookalOutcome, NookalPayload, Payload};
use crate::push::receipts::Receipt;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Title of the case created when the patient has no open case and the caller gave none.
pub const DEFAULT_CASE_TITLE: &str = "Treatment notes";

/// What to push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushInput {
    /// Nookal patient id (string).
    pub patient_id: String,
    /// The case; `None` → the most recent open case, or a new one.
    #[serde(default)]
    pub case_id: Option<String>,
    /// Clinic-local note date-time, `YYYY-MM-DD HH:MM:SS` (the browser's local time).
    pub date_local: String,
    /// The plain-text rendering (`render::nookal_text`).
    pub notes: String,
    /// Title for a case created because there is none ([`DEFAULT_CASE_TITLE`] if absent).
    #[serde(default)]
    pub new_case_title: Option<String>,
}

/// The outcome of a push.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NookalReceipt {
    /// The new note's id (from `note_id`, or found by the read-back).
    pub note_id: Option<String>,
    /// Patient id.
    pub patient_id: String,
    /// Case the note was filed under.
    pub case_id: String,
    /// Whether that case was created by this push.
    pub created_case: bool,
    /// Practitioner the note was filed under.
    pub practitioner_id: String,
    /// The `date` sent.
    pub date: String,
    /// The read-back ran (false: Nookal said success but the notes could not be listed).
    pub read_back: bool,
    /// The note was found in the patient's notes. `read_back && !landed` means Nookal said
    /// success yet there is no such note (e.g. a parameter it silently ignored).
    pub landed: bool,
    /// Characters that came back double-encoded (`é` stored as `Ã©`).
    pub garbled: Vec<String>,
    /// The stored text equals what was sent (after undoing the double-encoding).
    pub text_matches: bool,
    /// The send failed ambiguously and the note was found already there (no retry needed).
    pub reconciled: bool,
}

/// Push one note with the saved key and the chosen practitioner.
pub async fn push<P: Env>(p: &P, input: &PushInput) -> Result<NookalReceipt> {
    push_linked(p, input, None).await
}

/// [`push`], the note linked to its appointment by `appt_id` when `appointment` is given.
pub async fn push_linked<P: Env>(
    p: &P,
    input: &PushInput,
    appointment: Option<&Link>,
) -> Result<NookalReceipt> {
    if input.notes.trim().is_empty() {
        return Err(Error::EmptyNote);
    }
    if input.notes.len() > MAX_NOTE_BYTES {
        return Err(Error::NoteTooLarge {
            kb: input.notes.len().div_ceil(1000),
            limit_kb: MAX_NOTE_BYTES / 1000,
        });
    }
    let patient_id = NookalId::parse(&input.patient_id)?;
    let date = LocalDateTime::parse(&input.date_local)?;
    let case_id = input
        .case_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(NookalId::parse)
        .transpose()?;
    let (key, conn) = store::STORE.active(p).await?;
    let practitioner_id = conn.practitioner().map(|x| x.id.clone()).ok_or_else(|| {
        Error::InvalidInput(
            "choose the Nookal practitioner notes are filed under (Options → Nookal)".into(),
        )
    })?;

    let mut created_case = false;
    let case_id = match case_id {
        Some(c) => c,
        None => {
            let cases = fetch_cases(p, &key, &patient_id).await?;
            match default_case(&cases) {
                Some(c) => c.id.clone(),
                None => {
                    let title = input
                        .new_case_title
                        .as_deref()
                        .unwrap_or(DEFAULT_CASE_TITLE);
                    created_case = true;
                    add_case(p, patient_id.as_str(), title, Some(date.as_str()))
                        .await?
                        .id
                }
            }
        }
    };

    let note = NewTreatmentNote {
        patient_id: patient_id.clone(),
        case_id: case_id.clone(),
        practitioner_id: practitioner_id.clone(),
        date: date.clone(),
        notes: input.notes.clone(),
    };
    let fp = fingerprint(&input.notes);
    let mut receipt = NookalReceipt {
        patient_id: patient_id.to_string(),
        case_id: case_id.to_string(),
        created_case,
        practitioner_id: practitioner_id.to_string(),
        date: date.as_str().to_string(),
        ..NookalReceipt::default()
    };

    // An ambiguous failure is not looked into here: the job reconciles before any retry
    // (`push::attempt`), the same rule as Cliniko's.
    let req = match appointment {
        None => requests::add_treatment_note(&key, &note),
        // Checked against the patient and the case right before sending (`appt_id`).
        Some(link) => {
            let verified = verify(link, patient_id.as_str(), Some(case_id.as_str()))
                .map_err(|_| Error::AppointmentMismatch(Ehr::Nookal))?;
            add_linked_treatment_note(&key, &note, &verified)?
        }
    };
    let env = call(p, &req).await?;
    let sent_id = env.text("note_id")?.and_then(|t| NookalId::parse(&t).ok());
    receipt.note_id = sent_id.as_ref().map(ToString::to_string);

    // Read back. A failure here does not undo the success: the receipt says it is unconfirmed.
    let Ok(notes) = patient_notes(p, &key, &patient_id).await else {
        return Ok(receipt);
    };
    receipt.read_back = true;
    let found = match &sent_id {
        Some(id) => notes.iter().find(|n| &n.id == id),
        None => pick_match(&notes, date.as_str(), &fp),
    };
    if let Some(found) = found {
        fill(&mut receipt, found, &input.notes);
    }
    Ok(receipt)
}

fn fill(receipt: &mut NookalReceipt, found: &TreatmentNote, sent: &str) {
    let cmp = compare(sent, &found.text);
    receipt.note_id = Some(found.id.to_string());
    receipt.read_back = true;
    receipt.landed = true;
    receipt.garbled = cmp.garbled;
    receipt.text_matches = cmp.text_matches;
}

/// The note to send is rendered when the job is made; nothing to build.
pub(crate) fn prepare(job: &mut Job) -> Result<()> {
    input(job).map(drop)
}

fn input(job: &mut Job) -> Result<PushInput> {
    job.nookal()?
        .input
        .clone()
        .ok_or_else(|| Error::InvalidInput("the job has no note to send".into()))
}

/// Push the job's note (`addTreatmentNote` and read-back); landed on success.
pub(crate) async fn create<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let input = input(job)?;
    let receipt = push_linked(p, &input, job.appointment.as_ref()).await?;
    landed(p, job, &input, receipt).await
}

/// Look for a note an earlier attempt may have created; found → landed (reconciled).
pub(crate) async fn find<P: Env>(p: &P, job: &mut Job) -> Result<bool> {
    let input = input(job)?;
    let fp = fingerprint(&input.notes);
    let Some(found) = find_note(p, &input.patient_id, &input.date_local, &fp).await? else {
        return Ok(false);
    };
    let receipt = reconciled(p, &input, &found).await?;
    landed(p, job, &input, receipt).await?;
    Ok(true)
}

/// The receipt for a note an earlier attempt created (found by its text).
async fn reconciled<P: Env>(
    p: &P,
    input: &PushInput,
    note: &TreatmentNote,
) -> Result<NookalReceipt> {
    let (_, conn) = store::STORE.active(p).await?;
    let mut receipt = NookalReceipt {
        patient_id: input.patient_id.clone(),
        case_id: note
            .case_id
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| input.case_id.clone())
            .unwrap_or_default(),
        practitioner_id: conn
            .practitioner_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        date: input.date_local.clone(),
        reconciled: true,
        ..NookalReceipt::default()
    };
    fill(&mut receipt, note, &input.notes);
    Ok(receipt)
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
        appointment: job.appointment.clone(),
    };
    job.payload = Payload::Nookal(NookalPayload {
        input: None,
        outcome: Some(outcome),
    });
    // Nothing left due: the copies are named already.
    attempt::landed(p, job, receipt, false).await
}

/// Ids of the patient's other live notes with this exact text on or after the push's day:
/// copies made when the browser re-sent the POST by itself (Chromium does when a reused
/// connection closes before any response).
async fn copies<P: Env>(p: &P, input: &PushInput, note_id: &str) -> Result<Vec<String>> {
    let (key, _) = store::STORE.active(p).await?;
    let patient = NookalId::parse(&input.patient_id)?;
    let fp = fingerprint(&input.notes);
    let notes = patient_notes(p, &key, &patient).await?;
    Ok(matching(&notes, &input.date_local, &fp)
        .filter(|n| n.id.as_str() != note_id)
        .map(|n| n.id.to_string())
        .collect())
}
