//! Text helpers over the model: whitespace normalisation of inline runs and plain-text extraction.

use super::model::{Block, Inline, Note};

/// Normalise an inline run as HTML would show it: merge adjacent text, collapse spaces across
/// element boundaries, drop spaces around line breaks, drop leading/trailing spaces and breaks, and
/// drop marks that end up empty. Text is never lost, only whitespace.
pub fn normalize_inlines(v: Vec<Inline>) -> Vec<Inline> {
    let mut prev_space = true;
    let mut out = pass(v, &mut prev_space);
    trim_end(&mut out, true);
    out
}

fn pass(v: Vec<Inline>, prev_space: &mut bool) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for inline in v {
        match inline {
            Inline::Text { text } => {
                let t = if *prev_space {
                    text.trim_start_matches(' ')
                } else {
                    text.as_str()
                };
                if t.is_empty() {
                    continue;
                }
                *prev_space = t.ends_with(' ');
                match out.last_mut() {
                    Some(Inline::Text { text: last }) => last.push_str(t),
                    _ => out.push(Inline::text(t)),
                }
            }
            Inline::Break => {
                trim_end(&mut out, false);
                // A break at the very start of a run shows nothing.
                if !out.is_empty() {
                    out.push(Inline::Break);
                }
                *prev_space = true;
            }
            Inline::Code { text } => {
                if !text.trim().is_empty() {
                    out.push(Inline::Code { text });
                    *prev_space = false;
                }
            }
            Inline::Image { alt } => {
                out.push(Inline::Image { alt });
                *prev_space = false;
            }
            Inline::Marked { mark, children } => {
                let children = pass(children, prev_space);
                if !children.is_empty() {
                    out.push(Inline::Marked { mark, children });
                }
            }
            Inline::Link { href, children } => {
                let children = pass(children, prev_space);
                out.push(Inline::Link { href, children });
                *prev_space = false;
            }
        }
    }
    out
}

/// Trim trailing spaces (and, with `breaks`, trailing line breaks) from the end of a run.
fn trim_end(v: &mut Vec<Inline>, breaks: bool) {
    while let Some(last) = v.last_mut() {
        match last {
            Inline::Text { text } => {
                let len = text.trim_end_matches(' ').len();
                text.truncate(len);
                if text.is_empty() {
                    v.pop();
                    continue;
                }
                return;
            }
            Inline::Break if breaks => {
                v.pop();
            }
            Inline::Marked { children, .. } => {
                trim_end(children, breaks);
                if children.is_empty() {
                    v.pop();
                    continue;
                }
                return;
            }
            Inline::Link { children, .. } => {
                trim_end(children, breaks);
                return;
            }
            _ => return,
        }
    }
}

/// The plain text of inline content (breaks become spaces, images their description).
pub fn inline_text(v: &[Inline]) -> String {
    let mut s = String::new();
    push_inline_text(v, &mut s);
    s
}

fn push_inline_text(v: &[Inline], s: &mut String) {
    for i in v {
        match i {
            Inline::Text { text } | Inline::Code { text } => s.push_str(text),
            Inline::Break => s.push(' '),
            Inline::Marked { children, .. } | Inline::Link { children, .. } => {
                push_inline_text(children, s)
            }
            Inline::Image { alt } => s.push_str(alt),
        }
    }
}

/// Append the plain text of blocks to `s`, blocks separated by spaces.
pub fn push_blocks_text(blocks: &[Block], s: &mut String) {
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content } => {
                push_inline_text(content, s)
            }
            Block::List { items, .. } => {
                for item in items {
                    push_blocks_text(&item.blocks, s);
                    s.push(' ');
                }
            }
            Block::Quote { blocks } => push_blocks_text(blocks, s),
            Block::Table { head, body } => {
                for cell in head.iter().chain(body).flatten() {
                    push_inline_text(cell, s);
                    s.push(' ');
                }
            }
            Block::Code { text } => s.push_str(text),
            Block::Rule => {}
        }
        s.push(' ');
    }
}

/// All the note's body text (not its title or metadata), blocks separated by spaces.
pub fn note_text(note: &Note) -> String {
    let mut s = String::new();
    push_blocks_text(&note.blocks, &mut s);
    s
}

/// Whether the note has any visible character in its body.
pub fn has_text(note: &Note) -> bool {
    note_text(note).chars().any(|c| !c.is_whitespace())
}
