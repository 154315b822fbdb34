//! Note blocks → the safe tree Cliniko accepts, recording every downgrade.
//!
//! Choices for what Cliniko cannot show (cliniko-api.md §8 allows only `p div br ul ol li
//! blockquote h1 h2 b i u a`):
//! - h3–h6 → a bold paragraph (`<p><b>…</b></p>`), keeping them visibly headings below h2;
//! - tables → one paragraph per row, cells joined by " | ", header rows bold;
//! - strikethrough → "[struck out: …]" (clinically a struck passage is retracted, so it must not
//!   read as current text);
//! - code → its text (blocks keep line breaks, and indentation as no-break spaces);
//! - images → "[image: description]", or nothing without a description;
//! - task items → "[x] " / "[ ] " before the text;
//! - numbered lists not starting at 1 → `div`s with explicit numbers (`ol` has no `start` here);
//! - rules → a paragraph of dashes;
//! - links other than http/https/mailto → their text only.

use super::report::{DowngradeKind as K, Report};
use super::safe_tree::{PreviewNode, Tag};
use super::url::safe_href;
use crate::note::{Block, Inline, ListItem, Mark};

/// Render blocks into safe nodes.
pub fn blocks_to_nodes(blocks: &[Block], report: &mut Report) -> Vec<PreviewNode> {
    let mut out = Vec::new();
    for b in blocks {
        block(b, report, &mut out);
    }
    out
}

fn block(b: &Block, report: &mut Report, out: &mut Vec<PreviewNode>) {
    match b {
        Block::Heading { level, content } => {
            let inner = inlines(content, report, false);
            match level {
                1 => out.push(PreviewNode::el(Tag::H1, inner)),
                2 => out.push(PreviewNode::el(Tag::H2, inner)),
                n => {
                    report.add(K::HeadingLevel, Some(&format!("h{n}")));
                    out.push(PreviewNode::el(
                        Tag::P,
                        vec![PreviewNode::el(Tag::B, inner)],
                    ));
                }
            }
        }
        Block::Paragraph { content } => {
            out.push(PreviewNode::el(Tag::P, inlines(content, report, false)));
        }
        Block::List { start, items } => list(*start, items, report, out),
        Block::Quote { blocks } => {
            out.push(PreviewNode::el(
                Tag::Blockquote,
                blocks_to_nodes(blocks, report),
            ));
        }
        Block::Table { head, body } => {
            report.add(K::TableFlattened, None);
            for row in head {
                out.push(PreviewNode::el(
                    Tag::P,
                    vec![PreviewNode::el(Tag::B, row_nodes(row, report))],
                ));
            }
            for row in body {
                out.push(PreviewNode::el(Tag::P, row_nodes(row, report)));
            }
        }
        Block::Code { text } => {
            report.add(K::Code, None);
            let mut children = Vec::new();
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    children.push(PreviewNode::el(Tag::Br, vec![]));
                }
                if !line.is_empty() {
                    children.push(PreviewNode::text(&keep_indent(line)));
                }
            }
            out.push(PreviewNode::el(Tag::Div, children));
        }
        Block::Rule => {
            report.add(K::Rule, None);
            out.push(PreviewNode::el(Tag::P, vec![PreviewNode::text(RULE)]));
        }
    }
}

/// What a horizontal rule becomes (also used by the plain-text renderer).
pub const RULE: &str = "----------";

/// Leading spaces and tabs as no-break spaces, so code indentation survives HTML whitespace rules.
fn keep_indent(line: &str) -> String {
    let body = line.trim_start_matches([' ', '\t']);
    let mut s = String::new();
    for c in line[..line.len() - body.len()].chars() {
        let n = if c == '\t' { 4 } else { 1 };
        s.extend(std::iter::repeat_n('\u{a0}', n));
    }
    s.push_str(body);
    s
}

fn row_nodes(row: &[Vec<Inline>], report: &mut Report) -> Vec<PreviewNode> {
    let mut v = Vec::new();
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            v.push(PreviewNode::text(" | "));
        }
        v.extend(inlines(cell, report, false));
    }
    v
}

fn list(start: Option<u64>, items: &[ListItem], report: &mut Report, out: &mut Vec<PreviewNode>) {
    match start {
        None | Some(1) => {
            let tag = if start.is_some() { Tag::Ol } else { Tag::Ul };
            let lis = items
                .iter()
                .map(|item| PreviewNode::el(Tag::Li, item_nodes(item, None, report)))
                .collect();
            out.push(PreviewNode::el(tag, lis));
        }
        Some(first) => {
            report.add(K::ListNumbering, None);
            for (i, item) in items.iter().enumerate() {
                let n = first.saturating_add(i as u64);
                out.push(PreviewNode::el(
                    Tag::Div,
                    item_nodes(item, Some(&format!("{n}. ")), report),
                ));
            }
        }
    }
}

/// An item's content: its first paragraph inline (tight lists), the rest as blocks.
fn item_nodes(item: &ListItem, number: Option<&str>, report: &mut Report) -> Vec<PreviewNode> {
    let mut v = Vec::new();
    if let Some(n) = number {
        v.push(PreviewNode::text(n));
    }
    if let Some(checked) = item.task {
        report.add(K::TaskList, None);
        v.push(PreviewNode::text(if checked { "[x] " } else { "[ ] " }));
    }
    let rest = match item.blocks.first() {
        Some(Block::Paragraph { content }) => {
            v.extend(inlines(content, report, false));
            &item.blocks[1..]
        }
        _ => &item.blocks[..],
    };
    v.extend(blocks_to_nodes(rest, report));
    v
}

fn inlines(content: &[Inline], report: &mut Report, in_link: bool) -> Vec<PreviewNode> {
    let mut v = Vec::new();
    for i in content {
        match i {
            Inline::Text { text } => v.push(PreviewNode::text(text)),
            Inline::Code { text } => {
                report.add(K::Code, None);
                v.push(PreviewNode::text(text));
            }
            Inline::Break => v.push(PreviewNode::el(Tag::Br, vec![])),
            Inline::Marked { mark, children } => {
                let inner = inlines(children, report, in_link);
                match mark {
                    Mark::Bold => v.push(PreviewNode::el(Tag::B, inner)),
                    Mark::Italic => v.push(PreviewNode::el(Tag::I, inner)),
                    Mark::Underline => v.push(PreviewNode::el(Tag::U, inner)),
                    Mark::Strike => {
                        report.add(K::Strikethrough, None);
                        v.push(PreviewNode::text(STRUCK_OPEN));
                        v.extend(inner);
                        v.push(PreviewNode::text(STRUCK_CLOSE));
                    }
                }
            }
            Inline::Link { href, children } => {
                // HTML forbids a link inside a link: the inner one keeps only its text.
                let safe = if in_link { None } else { safe_href(href) };
                match safe {
                    Some(href) => {
                        let mut inner = inlines(children, report, true);
                        if inner.is_empty() {
                            inner.push(PreviewNode::text(&href));
                        }
                        v.push(PreviewNode::Element {
                            tag: Tag::A,
                            href: Some(href),
                            children: inner,
                        });
                    }
                    None => {
                        if !in_link {
                            report.add(K::UnsafeLink, None);
                        }
                        v.extend(inlines(children, report, in_link));
                    }
                }
            }
            Inline::Image { alt } => {
                report.add(K::ImageDropped, None);
                let alt = alt.trim();
                if !alt.is_empty() {
                    v.push(PreviewNode::text(&format!("[image: {alt}]")));
                }
            }
        }
    }
    v
}

/// How struck-out text opens and closes (shared with the plain-text renderer).
pub const STRUCK_OPEN: &str = "[struck out: ";
/// See [`STRUCK_OPEN`].
pub const STRUCK_CLOSE: &str = "]";
