//! Note → Nookal plain text: structure kept with line breaks, `- ` bullets, numbers, headings on
//! their own lines; then ASCII transliteration (nookal-api.md §3 recommends plain text, `\n` breaks).

use super::cliniko_tree::{RULE, STRUCK_CLOSE, STRUCK_OPEN};
use super::report::{DowngradeKind as K, Report};
use super::url::safe_href;
use crate::note::text::inline_text;
use crate::note::{Block, Inline, ListItem, Mark, Note};

/// Render the note's body as lines (no title, footer or transliteration).
pub fn body_lines(note: &Note, report: &mut Report) -> Vec<String> {
    blocks_lines(&note.blocks, report, true)
}

/// Lines of a block sequence; `loose` puts a blank line between blocks.
fn blocks_lines(blocks: &[Block], report: &mut Report, loose: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in blocks {
        let lines = block_lines(b, report);
        if lines.is_empty() {
            continue;
        }
        if loose && !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out
}

fn block_lines(b: &Block, report: &mut Report) -> Vec<String> {
    match b {
        Block::Heading { content, .. } | Block::Paragraph { content } => {
            split_lines(&inlines(content, report))
        }
        Block::List { start, items } => list_lines(*start, items, report),
        Block::Quote { blocks } => blocks_lines(blocks, report, true)
            .into_iter()
            .map(|l| {
                if l.is_empty() {
                    ">".into()
                } else {
                    format!("> {l}")
                }
            })
            .collect(),
        Block::Table { head, body } => {
            report.add(K::TableFlattened, None);
            head.iter()
                .chain(body)
                .map(|row| {
                    row.iter()
                        .map(|cell| inlines(cell, report).replace('\n', " "))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect()
        }
        Block::Code { text } => text.split('\n').map(|l| l.replace('\t', "    ")).collect(),
        Block::Rule => vec![RULE.to_string()],
    }
}

fn list_lines(start: Option<u64>, items: &[ListItem], report: &mut Report) -> Vec<String> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut marker = match start {
            Some(n) => format!("{}. ", n.saturating_add(i as u64)),
            None => "- ".to_string(),
        };
        if let Some(checked) = item.task {
            marker.push_str(if checked { "[x] " } else { "[ ] " });
        }
        let pad = " ".repeat(marker.chars().count().min(8));
        let lines = blocks_lines(&item.blocks, report, false);
        if lines.is_empty() {
            out.push(marker.trim_end().to_string());
        }
        for (j, line) in lines.into_iter().enumerate() {
            if j == 0 {
                out.push(format!("{marker}{line}"));
            } else if line.is_empty() {
                out.push(line);
            } else {
                out.push(format!("{pad}{line}"));
            }
        }
    }
    out
}

fn split_lines(s: &str) -> Vec<String> {
    s.split('\n').map(str::to_string).collect()
}

/// Inline content as text; breaks become `\n`.
fn inlines(content: &[Inline], report: &mut Report) -> String {
    let mut s = String::new();
    push_inlines(content, report, &mut s);
    s
}

fn push_inlines(content: &[Inline], report: &mut Report, s: &mut String) {
    for i in content {
        match i {
            Inline::Text { text } | Inline::Code { text } => {
                s.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
            }
            Inline::Break => s.push('\n'),
            Inline::Marked { mark, children } => match mark {
                Mark::Strike => {
                    report.add(K::Strikethrough, None);
                    s.push_str(STRUCK_OPEN);
                    push_inlines(children, report, s);
                    s.push_str(STRUCK_CLOSE);
                }
                _ => {
                    report.add(K::Formatting, None);
                    push_inlines(children, report, s);
                }
            },
            Inline::Link { href, children } => {
                let text = inline_text(children);
                push_inlines(children, report, s);
                match safe_href(href) {
                    Some(href) => {
                        let shown = href.strip_prefix("mailto:").unwrap_or(&href);
                        if text.trim().is_empty() {
                            s.push_str(shown);
                        } else if text.trim() != href && text.trim() != shown {
                            s.push_str(&format!(" ({shown})"));
                        }
                    }
                    None => report.add(K::UnsafeLink, None),
                }
            }
            Inline::Image { alt } => {
                report.add(K::ImageDropped, None);
                let alt = alt.trim();
                if !alt.is_empty() {
                    s.push_str(&format!("[image: {alt}]"));
                }
            }
        }
    }
}
