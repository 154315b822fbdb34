//! The downgrade report: what a renderer had to change, listed in the popup before pushing.

use serde::{Deserialize, Serialize};

/// What kind of change was made. The popup may localise by `kind`; `detail` is ready-made English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowngradeKind {
    /// Headings of level 3–6 shown as bold paragraphs (Cliniko allows only `h1`, `h2`).
    HeadingLevel,
    /// Tables written as one line per row.
    TableFlattened,
    /// Struck-through text marked in words ("[struck out: …]").
    Strikethrough,
    /// Code (inline or block) shown as plain text.
    Code,
    /// Images dropped (their description kept).
    ImageDropped,
    /// Task-list checkboxes written as `[x]` / `[ ]`.
    TaskList,
    /// Numbered lists not starting at 1 written with explicit numbers.
    ListNumbering,
    /// Horizontal rules written as a line of dashes.
    Rule,
    /// Links whose address is not http, https or mailto kept as text without the address.
    UnsafeLink,
    /// Bold, italic and underline cannot be shown in plain text.
    Formatting,
    /// Characters replaced by ASCII look-alikes for Nookal.
    Transliterated,
    /// Characters Nookal is known to garble and that have no safe ASCII replacement (kept as is).
    MayGarble,
    /// Note sections with no matching template section, added to its most general paragraph question.
    UnmatchedSection,
    /// The template had no paragraph question, so a section was added for the note.
    SectionAdded,
}

/// One change, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Downgrade {
    /// What changed.
    pub kind: DowngradeKind,
    /// How many times.
    pub count: usize,
    /// A clinician-readable sentence, e.g. "3 small headings shown as bold paragraphs (h3)".
    pub detail: String,
    /// Distinct examples behind `detail` (e.g. "é→e").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

/// All downgrades of one rendering, one entry per kind, in the order first met.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Report {
    items: Vec<Downgrade>,
}

/// Distinct examples kept per kind, so the detail line stays short.
const MAX_EXAMPLES: usize = 6;

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// The downgrades, in the order first met.
    pub fn items(&self) -> &[Downgrade] {
        &self.items
    }

    /// Whether nothing had to change.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The count for one kind (0 if absent).
    pub fn count(&self, kind: DowngradeKind) -> usize {
        self.items
            .iter()
            .find(|d| d.kind == kind)
            .map_or(0, |d| d.count)
    }

    /// Record one occurrence of `kind`; `example` (e.g. "é→e", "h3") is kept if new and room remains.
    pub fn add(&mut self, kind: DowngradeKind, example: Option<&str>) {
        self.add_n(kind, 1, example.into_iter());
    }

    /// Record `n` occurrences with their examples.
    fn add_n<'a>(
        &mut self,
        kind: DowngradeKind,
        n: usize,
        examples: impl Iterator<Item = &'a str>,
    ) {
        let idx = match self.items.iter().position(|d| d.kind == kind) {
            Some(i) => i,
            None => {
                self.items.push(Downgrade {
                    kind,
                    count: 0,
                    detail: String::new(),
                    examples: Vec::new(),
                });
                self.items.len() - 1
            }
        };
        let d = &mut self.items[idx];
        d.count += n;
        for ex in examples {
            if d.examples.len() < MAX_EXAMPLES && !d.examples.iter().any(|e| e == ex) {
                d.examples.push(ex.to_string());
            }
        }
        d.detail = sentence(kind, d.count, &d.examples);
    }

    /// Merge another report into this one.
    pub fn merge(&mut self, other: Report) {
        for d in other.items {
            self.add_n(d.kind, d.count, d.examples.iter().map(String::as_str));
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn sentence(kind: DowngradeKind, n: usize, ex: &[String]) -> String {
    use DowngradeKind as K;
    let list = ex.join(", ");
    match kind {
        K::HeadingLevel => {
            let levels = if ex.is_empty() {
                String::new()
            } else {
                format!(" ({list})")
            };
            format!(
                "{} shown as bold paragraphs{levels}",
                plural(n, "small heading", "small headings")
            )
        }
        K::TableFlattened => format!(
            "{} written as one line per row",
            plural(n, "table", "tables")
        ),
        K::Strikethrough => format!(
            "{} marked as \"[struck out: …]\"",
            plural(n, "struck-through passage", "struck-through passages")
        ),
        K::Code => format!(
            "{} shown as plain text",
            plural(n, "code passage", "code passages")
        ),
        K::ImageDropped => format!(
            "{} dropped (description kept)",
            plural(n, "image", "images")
        ),
        K::TaskList => format!(
            "{} shown as [x] / [ ]",
            plural(n, "checklist item", "checklist items")
        ),
        K::ListNumbering => format!(
            "{} not starting at 1 written with explicit numbers",
            plural(n, "numbered list", "numbered lists")
        ),
        K::Rule => format!(
            "{} shown as a line of dashes",
            plural(n, "divider", "dividers")
        ),
        K::UnsafeLink => format!(
            "{} kept as text only (address not http, https or mailto)",
            plural(n, "link", "links")
        ),
        K::Formatting => format!(
            "{} (bold, italic, underline) not shown in plain text",
            plural(n, "formatted passage", "formatted passages")
        ),
        K::Transliterated => format!(
            "{} transliterated for Nookal: {list}",
            plural(n, "character", "characters")
        ),
        K::MayGarble => format!(
            "{} Nookal may show wrongly: {list}",
            plural(n, "character", "characters")
        ),
        K::UnmatchedSection => format!(
            "{} with no matching template section added to \"{list}\"",
            plural(n, "note section", "note sections")
        ),
        K::SectionAdded => format!(
            "the template has no paragraph question: the note was added as a new section \"{list}\""
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_examples_aggregate_per_kind() {
        let mut r = Report::new();
        r.add(DowngradeKind::Transliterated, Some("é→e"));
        r.add(DowngradeKind::Transliterated, Some("é→e"));
        r.add(DowngradeKind::Transliterated, Some("“→\""));
        r.add(DowngradeKind::HeadingLevel, Some("h3"));
        assert_eq!(r.count(DowngradeKind::Transliterated), 3);
        assert_eq!(
            r.items()[0].detail,
            "3 characters transliterated for Nookal: é→e, “→\""
        );
        assert_eq!(
            r.items()[1].detail,
            "1 small heading shown as bold paragraphs (h3)"
        );
    }

    #[test]
    fn serialises_as_a_list() {
        let mut r = Report::new();
        r.add(DowngradeKind::ImageDropped, None);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"kind": "image_dropped", "count": 1, "detail": "1 image dropped (description kept)"}])
        );
    }
}
