//! Confirming a note landed: find it among the patient's notes, compare the text, recognise
//! Nookal's double-encoding, and find an earlier copy before any retry (the duplicate guard).
//!
//! Nookal ignores misspelt parameters and still says success (reference §1, write caveat), and
//! stores non-ASCII text double-encoded (§3), so "success" alone proves little: the note is read
//! back with `getTreatmentNotes`.

use super::client::{On401, list_all};
use super::id::NookalId;
use super::key::NookalKey;
use super::mojibake::undo;
use super::requests;
use super::store;
use super::types::TreatmentNote;
use crate::Result;
use crate::worker::Env;
use serde::{Deserialize, Serialize};

/// What the read-back text says about the text sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// The text came back the same, once line endings, `<br>`, simple entities and the
    /// documented double-encoding are accounted for.
    pub text_matches: bool,
    /// Characters that came back double-encoded (`"é"` when Nookal shows `Ã©`), in the order
    /// they appear in the note.
    pub garbled: Vec<String>,
}

/// Line endings to `\n`, `<br>` to `\n`, the five basic entities decoded, trailing spaces on
/// each line and surrounding blank lines dropped: differences Nookal may introduce that do not
/// change what the clinician reads.
pub fn normalise(text: &str) -> String {
    let t = text.replace("\r\n", "\n").replace('\r', "\n");
    let t = ["<br />", "<br/>", "<br>", "<BR>", "<BR />"]
        .iter()
        .fold(t, |acc, br| acc.replace(br, "\n"));
    let t = t
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    t.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Compare what was sent with what came back.
pub fn compare(sent: &str, got: &str) -> Comparison {
    let s = normalise(sent);
    let g = normalise(got);
    if s == g {
        return Comparison {
            text_matches: true,
            garbled: Vec::new(),
        };
    }
    // Undo before normalising: a double-encoded character can end in U+00A0 (byte 0xA0), which
    // trimming would otherwise cut from the sequence.
    let (repaired, which) = undo(got);
    // Only characters the note really contained count as garbled (a note may legitimately
    // contain "Ã©"-looking text, which then was not a repair).
    let mut garbled: Vec<(usize, String)> = which
        .into_iter()
        .filter_map(|c| s.find(c).map(|at| (at, c.to_string())))
        .collect();
    garbled.sort();
    Comparison {
        text_matches: normalise(&repaired) == s,
        garbled: garbled.into_iter().map(|(_, c)| c).collect(),
    }
}

/// A fingerprint of note text that survives Nookal's storage: FNV-1a 64 (hex) over the ASCII,
/// non-whitespace characters of the [`normalise`]d text. Double-encoding (one layer or more,
/// Windows-1252 or Latin-1) only ever rewrites non-ASCII characters, so the fingerprint is equal
/// for the text as sent and as Nookal returns it. Leaving non-ASCII out costs little: it only
/// has to tell apart one patient's notes from the same day.
pub fn fingerprint(text: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let norm = normalise(text);
    let mut h = OFFSET;
    for b in norm
        .bytes()
        .filter(|b| b.is_ascii() && !b.is_ascii_whitespace())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:016x}")
}

/// Every live (not deleted) note of the patient.
pub async fn patient_notes<P: Env>(
    p: &P,
    key: &NookalKey,
    patient_id: &NookalId,
) -> Result<Vec<TreatmentNote>> {
    let notes: Vec<TreatmentNote> = list_all(p, "notes", On401::MarkNeedsReconnect, |pg| {
        requests::get_treatment_notes(key, patient_id, pg)
    })
    .await?;
    Ok(notes.into_iter().filter(|n| !n.is_deleted()).collect())
}

/// Among `notes`, those dated on or after `since_local`'s day whose text has `text_fingerprint`.
/// Only the day is compared: UNCONFIRMED whether Nookal keeps the time.
pub fn matching<'a>(
    notes: &'a [TreatmentNote],
    since_local: &str,
    text_fingerprint: &'a str,
) -> impl Iterator<Item = &'a TreatmentNote> {
    let day = since_local.trim().get(..10).unwrap_or_default().to_string();
    notes.iter().filter(move |n| {
        n.date
            .as_deref()
            .is_none_or(|d| d.get(..10).unwrap_or(d) >= day.as_str())
            && fingerprint(&n.text) == text_fingerprint
    })
}

/// The newest of [`matching`].
pub fn pick_match<'a>(
    notes: &'a [TreatmentNote],
    since_local: &str,
    text_fingerprint: &'a str,
) -> Option<&'a TreatmentNote> {
    matching(notes, since_local, text_fingerprint).max_by(|a, b| {
        a.id.numeric()
            .cmp(&b.id.numeric())
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    })
}

/// The reconcile helper for ambiguous outcomes (timeout, dropped connection, 5xx after send):
/// is a note with this text already there, dated on or after `since_local`? Call it before any
/// retry so a retry never creates a second note. `text_fingerprint` is [`fingerprint`] of the
/// text that was sent.
pub async fn find_note<P: Env>(
    p: &P,
    patient_id: &str,
    since_local: &str,
    text_fingerprint: &str,
) -> Result<Option<TreatmentNote>> {
    let id = NookalId::parse(patient_id)?;
    let (key, _) = store::STORE.active(p).await?;
    let notes = patient_notes(p, &key, &id).await?;
    Ok(pick_match(&notes, since_local, text_fingerprint).cloned())
}
