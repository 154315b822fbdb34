//! Finding a job's copies in Cliniko by its push reference, and choosing the one to keep.
//!
//! Cliniko has no idempotency keys (cliniko-api.md §11), so every job's footer carries
//! "ref XXXXXX" (see `render::Footer`), the same on every retry. Any non-archived note by this
//! practitioner for this patient whose answers contain that text is a copy of the job.

use crate::cliniko::ClinikoId;
use crate::cliniko::content::Content;
use crate::cliniko::types::TreatmentNote;

/// Whether any answer in `content` carries `ref <push_ref>` as a whole word.
pub fn content_has_ref(content: &Content, push_ref: &str) -> bool {
    let needle = format!("ref {push_ref}");
    content
        .sections
        .iter()
        .flat_map(|s| s.questions.iter())
        .filter_map(|q| q.answer.as_deref())
        .any(|a| has_word(a, &needle))
}

/// Whether plain note text (an EHR without structured answers) carries `ref <push_ref>` as a
/// whole word.
pub fn text_has_ref(text: &str, push_ref: &str) -> bool {
    has_word(text, &format!("ref {push_ref}"))
}

fn has_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before_ok = hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[i + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        before_ok && after_ok
    })
}

/// The non-archived notes among `notes` that are copies of the job with `push_ref`.
pub fn copies<'a>(notes: &'a [TreatmentNote], push_ref: &str) -> Vec<&'a TreatmentNote> {
    notes
        .iter()
        .filter(|n| n.archived_at.is_none())
        .filter(|n| {
            n.content
                .as_ref()
                .is_some_and(|c| content_has_ref(c, push_ref))
        })
        .collect()
}

/// Which copy to keep. Decision: the id a 201 gave us when we have one (it is the note the
/// receipt already links to and the clinician may already have opened); otherwise the oldest
/// copy (the first the clinic could have seen), ties broken by the smaller id.
pub fn keeper(copies: &[&TreatmentNote], created: Option<&ClinikoId>) -> Option<ClinikoId> {
    if let Some(id) = created {
        return Some(id.clone());
    }
    copies
        .iter()
        .min_by(|a, b| {
            let ta = a.created_at.as_deref().and_then(super::time::parse_iso_ms);
            let tb = b.created_at.as_deref().and_then(super::time::parse_iso_ms);
            ta.unwrap_or(i64::MAX)
                .cmp(&tb.unwrap_or(i64::MAX))
                .then_with(|| id_order(&a.id, &b.id))
        })
        .map(|n| n.id.clone())
}

/// Numeric order of two id strings without converting them (64-bit ids, never f64).
fn id_order(a: &ClinikoId, b: &ClinikoId) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_str().trim_start_matches('0'),
        b.as_str().trim_start_matches('0'),
    );
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The alphabet for push references: no 0/O, 1/I/L, so a clinician can read one out on the phone.
const REF_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Six characters: 31^6 ≈ 887 million, plenty to tell one clinic's pushes apart.
const REF_LEN: usize = 6;

/// A new short push reference, e.g. "7K2P9Q".
pub fn new_push_ref(mut random: u64) -> String {
    let n = REF_ALPHABET.len() as u64;
    (0..REF_LEN)
        .map(|_| {
            let c = REF_ALPHABET[(random % n) as usize];
            random /= n;
            char::from(c)
        })
        .collect()
}

/// Whether `s` is a push reference as [`new_push_ref`] makes them.
pub fn is_push_ref(s: &str) -> bool {
    s.len() == REF_LEN && s.bytes().all(|b| REF_ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cliniko::content::{Question, Section};

    fn note(id: &str, created: &str, answer: &str, archived: bool) -> TreatmentNote {
        TreatmentNote {
            id: ClinikoId::parse(id).unwrap(),
            title: None,
            content: Some(Content {
                sections: vec![Section {
                    name: Some("Motics note".into()),
                    description: None,
                    questions: vec![Question::paragraph("Note", answer.into())],
                }],
            }),
            created_at: Some(created.into()),
            archived_at: archived.then(|| "2025-01-01T00:00:00Z".into()),
        }
    }

    #[test]
    fn finds_copies_by_whole_reference_only() {
        let notes = vec![
            note(
                "10",
                "2025-01-01T10:00:01Z",
                "<p><i>Pushed from Motics · ref 7K2P9Q</i></p>",
                false,
            ),
            note(
                "11",
                "2025-01-01T10:00:00Z",
                "<p>x</p><p><i>ref 7K2P9Q</i></p>",
                false,
            ),
            note(
                "12",
                "2025-01-01T10:00:00Z",
                "<p><i>ref 7K2P9QX</i></p>",
                false,
            ),
            note(
                "13",
                "2025-01-01T09:00:00Z",
                "<p><i>ref 7K2P9Q</i></p>",
                true,
            ),
            note(
                "14",
                "2025-01-01T09:00:00Z",
                "<p><i>ref ABCDEF</i></p>",
                false,
            ),
        ];
        let found: Vec<&str> = copies(&notes, "7K2P9Q")
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(found, vec!["10", "11"]);
    }

    #[test]
    fn keeps_the_created_id_else_the_oldest() {
        let notes = vec![
            note(
                "9223372036854775807",
                "2025-01-01T10:00:05Z",
                "ref AAAAAA",
                false,
            ),
            note(
                "1805465202989210063",
                "2025-01-01T10:00:05Z",
                "ref AAAAAA",
                false,
            ),
            note("99", "2025-01-01T10:00:09Z", "ref AAAAAA", false),
        ];
        let c = copies(&notes, "AAAAAA");
        assert_eq!(keeper(&c, None).unwrap().as_str(), "1805465202989210063");
        let created = ClinikoId::parse("99").unwrap();
        assert_eq!(keeper(&c, Some(&created)).unwrap().as_str(), "99");
        assert_eq!(keeper(&[], None), None);
    }

    #[test]
    fn push_refs_are_short_readable_and_vary() {
        let a = new_push_ref(0x1234_5678_9abc_def0);
        let b = new_push_ref(0x0fed_cba9_8765_4321);
        assert_eq!(a.len(), 6);
        assert!(is_push_ref(&a) && is_push_ref(&b));
        assert_ne!(a, b);
        assert!(!a.contains('0') && !a.contains('O') && !a.contains('1'));
    }
}
