//! The one document model (`Note`) and its parsers (page DOM tree, Markdown, plain text).
//!
//! `read-note.js` sends a [`NoteSource`]; [`from_source`] turns it into a [`Note`] that every
//! renderer reads. Parsers are total (any input gives a note); only the size cap and an empty
//! result are errors.

pub mod fingerprint;
pub mod from_dom_tree;
pub mod from_markdown;
pub mod from_text;
pub mod model;
pub mod source;
pub mod text;

pub use fingerprint::fingerprint;
pub use model::{Block, Inline, ListItem, Mark, Meta, Note, Origin};
pub use source::{DomNode, NoteSource, SourceFormat, SourceMeta};

use crate::error::{Error, Result};

/// The size cap on a note's text: 1 MB of UTF-8. A clinical note is a few KB; a megabyte is
/// hundreds of pages, so anything larger is a mis-read page, not a note. `read-note.js` enforces
/// the same number before sending (`maxBytes`), so the page never ships megabytes to the worker.
pub const MAX_NOTE_BYTES: usize = 1_000_000;

/// Parse a source read from the page into a note, with its metadata.
///
/// Errors: [`Error::NoteTooLarge`] past [`MAX_NOTE_BYTES`] of text, [`Error::EmptyNote`] when
/// nothing visible remains, [`Error::InvalidInput`] when the format's field is missing.
pub fn from_source(src: &NoteSource) -> Result<Note> {
    let blocks = match src.format {
        SourceFormat::Dom => {
            let tree = src
                .tree
                .as_deref()
                .ok_or_else(|| Error::InvalidInput("a dom note source needs `tree`".into()))?;
            check_size(tree_text_bytes(tree))?;
            from_dom_tree::blocks_from_dom(tree)
        }
        SourceFormat::Markdown | SourceFormat::Text => {
            let text = src.text.as_deref().ok_or_else(|| {
                Error::InvalidInput("a markdown or text note source needs `text`".into())
            })?;
            check_size(text.len())?;
            if src.format == SourceFormat::Markdown {
                from_markdown::blocks_from_markdown(text)
            } else {
                from_text::blocks_from_text(text)
            }
        }
    };
    let m = &src.meta;
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(|s| from_dom_tree::collapse(s).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    // Only Motics may name things (issue 15 §4): a page on another site gives text, nothing else.
    let site = clean(&m.site);
    let named = |v: &Option<String>| if site.is_some() { None } else { clean(v) };
    let note = Note {
        title: clean(&m.title),
        blocks,
        meta: Meta {
            author: named(&m.author),
            created_at: named(&m.created_at),
            session_id: named(&m.session_id),
            patient_name: named(&m.patient_name),
            patient_dob: named(&m.patient_dob),
            version: named(&m.version),
            origin: m.origin,
            site,
        },
    };
    if !text::has_text(&note) {
        return Err(Error::EmptyNote);
    }
    Ok(note)
}

fn check_size(bytes: usize) -> Result<()> {
    if bytes > MAX_NOTE_BYTES {
        return Err(Error::NoteTooLarge {
            kb: bytes.div_ceil(1000),
            limit_kb: MAX_NOTE_BYTES / 1000,
        });
    }
    Ok(())
}

/// UTF-8 bytes of all text in a DOM tree (iterative: any depth).
fn tree_text_bytes(nodes: &[DomNode]) -> usize {
    let mut total = 0;
    let mut stack = vec![nodes.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(DomNode::Text(t)) => total += t.len(),
            Some(DomNode::Element(e)) => stack.push(e.c.iter()),
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> NoteSource {
        NoteSource {
            format: SourceFormat::Markdown,
            tree: None,
            text: Some(text.into()),
            meta: SourceMeta::default(),
        }
    }

    #[test]
    fn empty_and_whitespace_notes_are_errors() {
        assert_eq!(from_source(&md("")), Err(Error::EmptyNote));
        assert_eq!(from_source(&md(" \n\t\n  ")), Err(Error::EmptyNote));
        // Raw HTML is kept as literal text, so a comment is not an empty note.
        assert!(from_source(&md("<!-- -->")).is_ok());
    }

    #[test]
    fn size_cap_is_enforced() {
        let big = "a".repeat(MAX_NOTE_BYTES + 1);
        assert_eq!(
            from_source(&md(&big)),
            Err(Error::NoteTooLarge {
                kb: 1001,
                limit_kb: 1000
            })
        );
        assert!(from_source(&md(&"a".repeat(MAX_NOTE_BYTES))).is_ok());
    }

    #[test]
    fn missing_field_is_invalid_input() {
        let src = NoteSource {
            format: SourceFormat::Dom,
            tree: None,
            text: Some("x".into()),
            meta: SourceMeta::default(),
        };
        assert_eq!(
            from_source(&src).map_err(|e| e.kind()),
            Err("invalid_input")
        );
    }

    #[test]
    fn metadata_is_trimmed_and_blank_is_none() {
        let mut src = md("Hello");
        src.meta.author = Some("  Jane   Smith ".into());
        src.meta.version = Some("   ".into());
        let note = from_source(&src).unwrap();
        assert_eq!(note.meta.author.as_deref(), Some("Jane Smith"));
        assert_eq!(note.meta.version, None);
    }
}
