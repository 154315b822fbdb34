//! The duplicate guard: "Already pushed to Jane Citizen at 10:02 — push again?".
//!
//! Two signals: our own record (receipts in storage.local, jobs in the outbox) of the same note
//! (fingerprint) for the same patient; and Cliniko's recent notes by this practitioner for the
//! patient with the same title (a note pushed from another computer, or typed in by hand).

use super::outbox;
use super::receipts;
use super::time::{iso_utc, parse_iso_ms};
use crate::Result;
use crate::cliniko::store::Connection;
use crate::cliniko::types::{Page, TreatmentNote};
use crate::cliniko::{client, requests};
use crate::error::Ehr;
use crate::worker::Env;
use serde::{Deserialize, Serialize};

/// How far back Cliniko's notes are checked for the same title. Titles carry the session date
/// by default ("Session Summary – 31/01/2025"), so a week covers re-pushing a recent session.
pub const TITLE_WINDOW_MS: i64 = 7 * 24 * 3_600_000;
/// Notes per title check (one page).
const TITLE_PER_PAGE: u8 = 50;

/// Why the push needs a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The same note (normalised content) was already pushed to this patient.
    SameFingerprint,
    /// Cliniko already has a recent note with this title for this patient by this practitioner.
    SameTitle,
    /// The linked appointment already has a treatment note (the EHR's own note status).
    AppointmentHasNote,
}

/// The typed "needs confirmation" answer: re-send with `confirm_duplicate: true` to push anyway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsConfirmation {
    /// When the earlier push landed / the earlier note was created (ms); `null` when Cliniko's
    /// time could not be read.
    pub at_ms: Option<i64>,
    /// The earlier note, when known.
    pub note_id: Option<String>,
    /// Which signal fired.
    pub reason: Reason,
}

/// Our own record: a receipt, or a job still in the outbox, for the same note and patient of
/// the same EHR (patient ids are per EHR).
pub async fn check_local<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    fingerprint: &str,
) -> Result<Option<NeedsConfirmation>> {
    if let Some(r) = receipts::list(p)
        .await?
        .into_iter()
        // Patient ids are per EHR: a Nookal receipt for the same id is another person.
        .find(|r| r.ehr == ehr && r.patient_id == patient_id && r.fingerprint == fingerprint)
    {
        return Ok(Some(NeedsConfirmation {
            at_ms: Some(r.at_ms),
            note_id: Some(r.note_id),
            reason: Reason::SameFingerprint,
        }));
    }
    let outbox = outbox::load(p).await?;
    Ok(outbox
        .jobs
        .iter()
        .find(|j| j.ehr() == ehr && j.patient.id == patient_id && j.fingerprint == fingerprint)
        .map(|j| NeedsConfirmation {
            at_ms: Some(j.receipt.as_ref().map_or(j.created_at_ms, |r| r.at_ms)),
            note_id: j.note_id.clone(),
            reason: Reason::SameFingerprint,
        }))
}

/// Cliniko's record: one GET of the practitioner's recent notes for the patient. Best effort:
/// any failure skips this check (the push itself then meets the same failure and retries, and
/// the push reference still prevents our own duplicates).
///
/// Request count: this GET has to come before the POST (afterwards is too late to ask), so the
/// popup runs it ahead of the click (`push/preflight`, see [`super::preflight`]) and `push/start`
/// repeats it only when no fresh "no such note" is remembered. Queued pushes (`push/queue`) skip
/// it (local check only).
pub async fn check_cliniko_title<P: Env>(
    p: &P,
    patient_id: &str,
    title: &str,
) -> Option<NeedsConfirmation> {
    cliniko_title(p, patient_id, title)
        .await
        .ok()
        .and_then(|(found, _)| found)
}

/// The same check with its failures kept apart from "no such note" (only a real "no" may be
/// remembered), plus the connection it ran under.
pub(super) async fn cliniko_title<P: Env>(
    p: &P,
    patient_id: &str,
    title: &str,
) -> Result<(Option<NeedsConfirmation>, Connection)> {
    let t = crate::cliniko::push::target_for(p, patient_id).await?;
    let after = iso_utc(p.now_ms() - TITLE_WINDOW_MS);
    let req =
        requests::list_recent_notes(&t.key, &t.patient, &t.practitioner, &after, TITLE_PER_PAGE);
    let page: Page<TreatmentNote> = client::fetch(p, &req).await?;
    let want = normalise(title);
    let found = page
        .items
        .iter()
        .filter(|n| n.archived_at.is_none())
        .find(|n| n.title.as_deref().map(normalise).is_some_and(|t| t == want))
        .map(|n| NeedsConfirmation {
            at_ms: n.created_at.as_deref().and_then(parse_iso_ms),
            note_id: Some(n.id.to_string()),
            reason: Reason::SameTitle,
        });
    Ok((found, t.conn))
}

/// Case and spacing do not make a different title.
pub(super) fn normalise(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
