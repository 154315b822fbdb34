//! A content fingerprint for the duplicate guard: equal for notes that differ only in whitespace or markup.

use super::model::Note;
use super::text::note_text;

/// FNV-1a 64 over the note's body text with all whitespace removed, as 16 lowercase hex digits.
///
/// Removing whitespace (not just collapsing it) makes re-wrapped lines, list/paragraph changes and
/// bold-vs-plain identical, which is what "the same note pushed twice" means. Title and metadata
/// are left out: a version bump with identical text is still a duplicate. FNV-1a is not
/// cryptographic; it only has to be stable across builds and platforms, which it is.
pub fn fingerprint(note: &Note) -> String {
    fnv1a_hex(note_text(note).chars().filter(|c| !c.is_whitespace()))
}

/// FNV-1a 64 over the UTF-8 bytes of `chars`, as 16 lowercase hex digits (stable everywhere).
pub fn fnv1a_hex(chars: impl Iterator<Item = char>) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for c in chars {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::from_markdown::blocks_from_markdown;
    use crate::note::from_text::blocks_from_text;

    fn fp_md(s: &str) -> String {
        fingerprint(&Note::from_blocks(blocks_from_markdown(s)))
    }

    #[test]
    fn stable_across_whitespace_and_markup() {
        let a = fp_md("# Plan\n\nRest **two** days.\n\n- ice\n- heat");
        let b = fp_md("Plan\n\nRest two\ndays.\n\n* ice\n* heat\n");
        let c = fingerprint(&Note::from_blocks(blocks_from_text(
            "Plan\nRest two days.\n- ice\n- heat",
        )));
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn differs_when_text_differs() {
        assert_ne!(fp_md("Rest two days."), fp_md("Rest three days."));
        assert_ne!(fp_md("ab"), fp_md("ba"));
    }

    #[test]
    fn known_value_of_empty_text() {
        // FNV-1a 64 of the empty input is its offset basis.
        assert_eq!(fingerprint(&Note::default()), "cbf29ce484222325");
    }
}
