//! Renderers from `Note` to what each EHR accepts, with a report of what had to change.
//!
//! All renderers are total. Cliniko HTML and the popup preview are two serialisations of one safe
//! tree ([`safe_tree`]), built once by [`cliniko_tree`]; so what the clinician previews is what
//! Cliniko receives. Page HTML never reaches an output: only the note model's text, marks and
//! checked link addresses do.

pub mod cliniko_tree;
pub mod footer;
pub mod nookal_text;
pub mod report;
pub mod safe_tree;
mod translit_table;
pub mod transliterate;
pub mod url;

pub use footer::{Footer, RenderOptions};
pub use report::{Downgrade, DowngradeKind, Report};
pub use safe_tree::{PreviewNode, Tag};

use crate::note::Note;
use serde::Serialize;

/// Cliniko paragraph-answer HTML and its downgrades.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedHtml {
    /// HTML using only Cliniko's allowed tags; no `\n` or `\t`.
    pub html: String,
    /// What had to change.
    pub report: Report,
}

/// Nookal plain text and its downgrades (including transliterations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedText {
    /// Plain text, lines separated by `\n`.
    pub text: String,
    /// What had to change.
    pub report: Report,
}

/// The popup preview: what Cliniko will show, as a tree the popup builds with DOM calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// The safe tree (JSON: `{"t":"p","c":[…]}`, text as plain strings).
    pub nodes: Vec<PreviewNode>,
    /// What had to change.
    pub report: Report,
}

/// The safe tree for Cliniko: the note's blocks, then the footer paragraph.
///
/// The title is not repeated in the body: it goes into the treatment note's `title` field.
pub fn cliniko_nodes(note: &Note, opts: &RenderOptions) -> (Vec<PreviewNode>, Report) {
    let mut report = Report::new();
    let mut nodes = cliniko_tree::blocks_to_nodes(&note.blocks, &mut report);
    if let Some(f) = &opts.footer {
        nodes.push(f.node(&note.meta));
    }
    (nodes, report)
}

/// The note as Cliniko paragraph-answer HTML.
pub fn cliniko_html(note: &Note, opts: &RenderOptions) -> RenderedHtml {
    let (nodes, report) = cliniko_nodes(note, opts);
    RenderedHtml {
        html: safe_tree::to_html(&nodes),
        report,
    }
}

/// What Cliniko will show, for the popup.
pub fn preview(note: &Note, opts: &RenderOptions) -> Preview {
    let (nodes, report) = cliniko_nodes(note, opts);
    Preview { nodes, report }
}

/// The note as Nookal plain text: the title (when it is not already the first heading), the body,
/// then the footer line; transliterated to ASCII where safe.
pub fn nookal_text(note: &Note, opts: &RenderOptions) -> RenderedText {
    let mut report = Report::new();
    let mut lines = Vec::new();
    if let Some(title) = note
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let first_heading = match note.blocks.first() {
            Some(crate::note::Block::Heading { content, .. }) => {
                crate::note::text::inline_text(content)
            }
            _ => String::new(),
        };
        if first_heading.trim() != title {
            lines.push(title.to_string());
            lines.push(String::new());
        }
    }
    lines.extend(nookal_text::body_lines(note, &mut report));
    if let Some(f) = &opts.footer {
        lines.push(String::new());
        lines.push(f.line(&note.meta));
    }
    let joined = lines
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    let text = transliterate::transliterate(&joined, &mut report);
    RenderedText { text, report }
}
