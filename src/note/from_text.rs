//! Plain text → note blocks: blank lines separate paragraphs, `-`/`•`/`*` and `1.` lines become
//! lists (nested by indentation), and a short line ending in `:` on its own becomes a heading.

use super::model::{Block, Inline, ListItem};

/// Lists nested deeper than this (by indentation) stay at this depth.
const MAX_LIST_DEPTH: usize = 16;

/// Parse plain text into blocks.
pub fn blocks_from_text(src: &str) -> Vec<Block> {
    let src = src.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list = ListBuilder::default();
    for line in src.split('\n') {
        if line.trim().is_empty() {
            flush_para(&mut para, &mut out);
            list.finish(&mut out);
            continue;
        }
        if let Some(item) = list_line(line) {
            flush_para(&mut para, &mut out);
            list.push(item, &mut out);
            continue;
        }
        // An indented line right after a list item continues that item.
        if list.is_open() && indent_of(line) > 0 {
            list.continue_item(line.trim());
            continue;
        }
        list.finish(&mut out);
        if is_label(line) {
            flush_para(&mut para, &mut out);
            out.push(Block::Heading {
                level: 2,
                content: vec![Inline::text(clean(line.trim()))],
            });
        } else {
            para.push(line);
        }
    }
    flush_para(&mut para, &mut out);
    list.finish(&mut out);
    out
}

/// Tabs and other controls become spaces; text keeps its characters.
fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn flush_para(lines: &mut Vec<&str>, out: &mut Vec<Block>) {
    if lines.is_empty() {
        return;
    }
    let mut content = Vec::new();
    for (i, line) in lines.drain(..).enumerate() {
        if i > 0 {
            content.push(Inline::Break);
        }
        content.push(Inline::text(clean(line.trim())));
    }
    out.push(Block::Paragraph { content });
}

/// A heading label: one short line ending in `:` and nothing after it ("Subjective:", "Plan:").
fn is_label(line: &str) -> bool {
    let t = line.trim();
    let Some(body) = t.strip_suffix(':') else {
        return false;
    };
    let words = body.split_whitespace().count();
    (1..=4).contains(&words)
        && body.chars().count() <= 40
        && !body.contains(':')
        && body.chars().next().is_some_and(char::is_alphabetic)
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4,
            _ => break,
        }
    }
    n
}

struct ListLine {
    indent: usize,
    /// `Some(n)` for a numbered item.
    number: Option<u64>,
    text: String,
}

fn list_line(line: &str) -> Option<ListLine> {
    let indent = indent_of(line);
    let t = line.trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    if matches!(first, '-' | '•' | '*' | '‣' | '◦' | '▪' | '–') {
        let rest = chars.as_str();
        if rest.starts_with([' ', '\t']) && !rest.trim().is_empty() {
            return Some(ListLine {
                indent,
                number: None,
                text: clean(rest.trim()),
            });
        }
        return None;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &t[digits..];
        let number = t[..digits].parse().ok()?;
        if let Some(rest) = rest.strip_prefix(['.', ')'])
            && rest.starts_with([' ', '\t'])
            && !rest.trim().is_empty()
        {
            return Some(ListLine {
                indent,
                number: Some(number),
                text: clean(rest.trim()),
            });
        }
    }
    None
}

/// One open list level.
struct Level {
    indent: usize,
    start: Option<u64>,
    items: Vec<ListItem>,
}

impl Level {
    fn into_block(self) -> Block {
        Block::List {
            start: self.start,
            items: self.items,
        }
    }
}

/// Builds nested lists from indented lines with an explicit stack (no recursion).
#[derive(Default)]
struct ListBuilder {
    levels: Vec<Level>,
}

impl ListBuilder {
    fn is_open(&self) -> bool {
        !self.levels.is_empty()
    }

    fn push(&mut self, line: ListLine, out: &mut Vec<Block>) {
        // Close levels indented deeper than this line.
        while self.levels.len() > 1 && self.levels.last().is_some_and(|l| line.indent < l.indent) {
            self.close_top();
        }
        let depth = self.levels.len();
        let item = ListItem {
            task: None,
            blocks: vec![Block::Paragraph {
                content: vec![Inline::text(line.text)],
            }],
        };
        let level = |indent| Level {
            indent,
            start: line.number,
            items: Vec::new(),
        };
        let new_level = match self.levels.last_mut() {
            None => level(line.indent),
            // Deeper: a list nested in the last item (closed into it later).
            Some(top) if line.indent > top.indent && depth < MAX_LIST_DEPTH => level(line.indent),
            Some(top) if top.start.is_some() == line.number.is_some() => {
                top.items.push(item);
                return;
            }
            // Bullets after numbers (or the reverse) at one level: a new list at that level.
            Some(top) => {
                let indent = top.indent;
                if depth == 1 {
                    self.finish(out);
                } else {
                    self.close_top();
                }
                level(indent)
            }
        };
        self.levels.push(new_level);
        if let Some(top) = self.levels.last_mut() {
            top.items.push(item);
        }
    }

    fn continue_item(&mut self, text: &str) {
        let Some(top) = self.levels.last_mut() else {
            return;
        };
        if let Some(ListItem { blocks, .. }) = top.items.last_mut()
            && let Some(Block::Paragraph { content }) = blocks.last_mut()
        {
            content.push(Inline::Break);
            content.push(Inline::text(clean(text)));
        }
    }

    fn close_top(&mut self) {
        if let Some(top) = self.levels.pop() {
            match self.levels.last_mut().and_then(|p| p.items.last_mut()) {
                Some(parent) => parent.blocks.push(top.into_block()),
                None => self.levels.push(top),
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<Block>) {
        while self.levels.len() > 1 {
            self.close_top();
        }
        if let Some(top) = self.levels.pop() {
            out.push(top.into_block());
        }
    }
}
