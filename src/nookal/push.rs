//! Pushing a note: pick or create the case, `addTreatmentNote`, then read it back.
//!
//! The receipt says whether the note landed and whether its text survived (Nookal double-encodes
//! non-ASCII text, reference §3). An ambiguous failure (timeout, dropped connection, 5xx) is
//! reconciled by looking for the note before reporting the error, so a retry never duplicates.

use super::cases::{add_case, default_case, fetch_cases};
use super::client::call;
use super::id::NookalId;
use super::readback::{compare, fingerprint, patient_notes, pick_match};
use super::requests::{self, LocalDateTime, NewTreatmentNote};
use super::store;
use super::types::TreatmentNote;
use crate::note::MAX_NOTE_BYTES;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        note_id: None,
        patient_id: patient_id.to_string(),
        case_id: case_id.to_string(),
        created_case,
        practitioner_id: practitioner_id.to_string(),
        date: date.as_str().to_string(),
        read_back: false,
        landed: false,
        garbled: Vec::new(),
        text_matches: false,
        reconciled: false,
    };

    let sent_id = match call(p, &requests::add_treatment_note(&key, &note)).await {
        Ok(env) => env.text("note_id")?.and_then(|t| NookalId::parse(&t).ok()),
        Err(e) if e.may_have_created() => {
            // Did it land anyway? If the listing fails too, report the original failure.
            let Ok(notes) = patient_notes(p, &key, &patient_id).await else {
                return Err(e);
            };
            let Some(found) = pick_match(&notes, date.as_str(), &fp) else {
                return Err(e);
            };
            receipt.reconciled = true;
            fill(&mut receipt, found, &input.notes);
            return Ok(receipt);
        }
        Err(e) => return Err(e),
    };
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
