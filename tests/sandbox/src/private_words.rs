//! What must never reach the extension's persistent storage: every patient's name (both EHRs and
//! the Motics pages) and phrases of every Motics note. `GET /privacy/words`; the E2E harness reads
//! the whole of `storage.local` after each suite and fails on any of them (tests/e2e/lib/browser.js).

use crate::Sandbox;
use crate::motics::notes::{SESSIONS, soap_html, soap_markdown};

/// Phrases at least this long (characters) count as note text; shorter ones (headings, "5/5")
/// could appear anywhere.
const MIN_PHRASE: usize = 20;

impl Sandbox {
    /// Patient full names and note phrases, deduplicated.
    pub fn private_words(&self) -> Vec<String> {
        let mut words = std::collections::BTreeSet::new();
        for a in &self.cliniko.accounts {
            for p in &a.patients {
                words.insert(format!("{} {}", p.first_name, p.last_name));
            }
        }
        for p in &self.nookal.patients {
            words.insert(format!("{} {}", p.first_name, p.last_name));
        }
        for s in SESSIONS {
            if !s.patient.is_empty() {
                words.insert(s.patient.to_string());
            }
            for text in [soap_html(s, 2), soap_markdown(s, 2)] {
                words.extend(phrases(&text));
            }
        }
        words.into_iter().collect()
    }
}

/// The text between tags and Markdown marks, cut at line ends, long enough to be the note's own.
fn phrases(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push('\n');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(['\n', '*', '_', '|', '#'])
        .map(str::trim)
        .filter(|p| p.chars().count() >= MIN_PHRASE)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_note_phrases_are_listed() {
        let words = Sandbox::new().private_words();
        assert!(words.iter().any(|w| w == "Margaret O'Brien"));
        assert!(
            words
                .iter()
                .any(|w| w.contains("Tenderness over the affected segment"))
        );
        assert!(words.iter().any(|w| w.contains("Hawkins-Kennedy positive")));
        assert!(words.iter().all(|w| w.chars().count() >= 3));
    }
}
