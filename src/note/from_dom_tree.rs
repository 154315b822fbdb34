//! Page DOM tree (the compact `{t, a, c}` form from `read-note.js`) → note blocks.
//!
//! HTML rules, applied the way a browser would show the page: whitespace in text collapses (except
//! in `pre`), block elements start new blocks, inline elements carry marks. Unknown elements are
//! transparent, so any editor's markup degrades to its text rather than failing. Page HTML is
//! never kept: only text, the marks we model and link targets survive (architecture §3).

use super::model::{Block, Inline, ListItem, Mark};
use super::source::{DomElement, DomNode};
use super::text::normalize_inlines;

/// Elements nested deeper than this are read as plain text. It bounds recursion (a page or a
/// message could send any depth) while keeping every character.
pub const MAX_DEPTH: usize = 48;

/// Elements whose content is never read: code, styling, media and form controls.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
    "embed", "svg", "math", "canvas", "audio", "video", "picture", "source", "track", "button",
    "select", "option", "datalist", "textarea", "input", "dialog",
];

/// Elements that start a block of their own.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
    "form",
    "fieldset",
    "legend",
    "center",
    "body",
    "html",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "menu",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "hr",
];

/// Convert a DOM tree (the children of the note element) into blocks.
pub fn blocks_from_dom(nodes: &[DomNode]) -> Vec<Block> {
    let mut out = Vec::new();
    walk_blocks(nodes, &[], 0, &mut out);
    out
}

fn is_skipped(t: &str) -> bool {
    SKIPPED.contains(&t)
}

fn is_block(t: &str) -> bool {
    BLOCKS.contains(&t)
}

/// Whether an element must be handled as a block: a block tag, or an inline tag wrapping blocks
/// (e.g. `<b><p>…</p></b>` from a contenteditable).
fn acts_as_block(el: &DomElement, depth: usize) -> bool {
    if is_block(&el.t) {
        return true;
    }
    if depth >= MAX_DEPTH || is_skipped(&el.t) {
        return false;
    }
    el.c.iter().any(|n| match n {
        DomNode::Element(e) => !is_skipped(&e.t) && acts_as_block(e, depth + 1),
        DomNode::Text(_) => false,
    })
}

/// The marks an inline element applies.
fn marks_of(el: &DomElement) -> Vec<Mark> {
    let mut marks = Vec::new();
    match el.t.as_str() {
        "b" | "strong" => marks.push(Mark::Bold),
        "i" | "em" => marks.push(Mark::Italic),
        "u" | "ins" => marks.push(Mark::Underline),
        "s" | "strike" | "del" => marks.push(Mark::Strike),
        _ => {}
    }
    if let Some(style) = &el.a.marks {
        for word in style.split_whitespace() {
            let m = match word {
                "b" => Mark::Bold,
                "i" => Mark::Italic,
                "u" => Mark::Underline,
                "s" => Mark::Strike,
                _ => continue,
            };
            if !marks.contains(&m) {
                marks.push(m);
            }
        }
    }
    marks
}

fn wrap(mut content: Vec<Inline>, marks: &[Mark]) -> Vec<Inline> {
    for &mark in marks.iter().rev() {
        content = vec![Inline::Marked {
            mark,
            children: content,
        }];
    }
    content
}

/// Walk children in block context: runs of inline content become paragraphs.
fn walk_blocks(nodes: &[DomNode], marks: &[Mark], depth: usize, out: &mut Vec<Block>) {
    let mut run: Vec<Inline> = Vec::new();
    for node in nodes {
        match node {
            DomNode::Text(s) => run.push(Inline::text(collapse(s))),
            DomNode::Element(el) if is_skipped(&el.t) => {}
            DomNode::Element(el) if depth >= MAX_DEPTH => {
                run.push(Inline::text(collapse(&text_content(el))));
            }
            DomNode::Element(el) if acts_as_block(el, depth) => {
                flush_paragraph(&mut run, marks, out);
                block_element(el, marks, depth + 1, out);
            }
            DomNode::Element(el) => run.extend(inline_element(el, depth + 1)),
        }
    }
    flush_paragraph(&mut run, marks, out);
}

fn flush_paragraph(run: &mut Vec<Inline>, marks: &[Mark], out: &mut Vec<Block>) {
    let content = normalize_inlines(wrap(std::mem::take(run), marks));
    if !content.is_empty() {
        out.push(Block::Paragraph { content });
    }
}

fn block_element(el: &DomElement, marks: &[Mark], depth: usize, out: &mut Vec<Block>) {
    let t = el.t.as_str();
    match t {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = t[1..].parse::<u8>().unwrap_or(1);
            let content = normalize_inlines(wrap(inlines(&el.c, depth), marks));
            if !content.is_empty() {
                out.push(Block::Heading { level, content });
            }
        }
        "ul" | "ol" | "menu" => list(el, marks, depth, out),
        "blockquote" => {
            let mut blocks = Vec::new();
            walk_blocks(&el.c, marks, depth, &mut blocks);
            if !blocks.is_empty() {
                out.push(Block::Quote { blocks });
            }
        }
        "pre" => {
            let text = text_content(el);
            let text = text.trim_end_matches(['\n', '\r']).replace("\r\n", "\n");
            if !text.trim().is_empty() {
                out.push(Block::Code { text });
            }
        }
        "table" => table(el, depth, out),
        "hr" => out.push(Block::Rule),
        // Everything else (p, div, section, li outside a list, inline tags wrapping blocks…):
        // a transparent container. A `p` holding blocks is invalid HTML but happens in editors.
        _ => {
            let mut inner = marks.to_vec();
            for m in marks_of(el) {
                if !inner.contains(&m) {
                    inner.push(m);
                }
            }
            walk_blocks(&el.c, &inner, depth, out);
        }
    }
}

fn list(el: &DomElement, marks: &[Mark], depth: usize, out: &mut Vec<Block>) {
    let first_li = el.c.iter().find_map(|n| match n {
        DomNode::Element(e) if e.t == "li" => Some(e),
        _ => None,
    });
    // Quill 2 writes every list as `<ol>` and says which kind on each `li[data-list]`.
    let quill_kind = first_li.and_then(|li| li.a.list.as_deref());
    let ordered = match quill_kind {
        Some("bullet" | "checked" | "unchecked") => false,
        Some("ordered") => true,
        _ => el.t == "ol",
    };
    let start = ordered.then(|| el.a.start.as_ref().and_then(|s| s.as_u64()).unwrap_or(1));
    let mut items: Vec<ListItem> = Vec::new();
    for node in &el.c {
        match node {
            DomNode::Element(li) if li.t == "li" => {
                let mut blocks = Vec::new();
                walk_blocks(&li.c, marks, depth + 1, &mut blocks);
                let task = li.a.checked.or(match li.a.list.as_deref() {
                    Some("checked") => Some(true),
                    Some("unchecked") => Some(false),
                    _ => None,
                });
                let task = task.or_else(|| checkbox_in(li));
                if !blocks.is_empty() || task.is_some() {
                    items.push(ListItem { task, blocks });
                }
            }
            // A nested list written as a sibling of the `li` (common editor output) belongs to
            // the previous item; stray text too.
            other => {
                let mut blocks = Vec::new();
                walk_blocks(std::slice::from_ref(other), marks, depth + 1, &mut blocks);
                if blocks.is_empty() {
                    continue;
                }
                match items.last_mut() {
                    Some(last) => last.blocks.extend(blocks),
                    None => items.push(ListItem { task: None, blocks }),
                }
            }
        }
    }
    if !items.is_empty() {
        out.push(Block::List { start, items });
    }
}

/// The state of a checkbox at the start of a list item (`<li><input type=checkbox checked> …`),
/// looking only through the item's first element children.
fn checkbox_in(li: &DomElement) -> Option<bool> {
    let mut node =
        li.c.iter()
            .find(|n| !matches!(n, DomNode::Text(s) if s.trim().is_empty()));
    for _ in 0..3 {
        match node {
            Some(DomNode::Element(e)) if e.t == "input" => {
                return (e.a.kind.as_deref() == Some("checkbox"))
                    .then_some(e.a.checked.unwrap_or(false));
            }
            Some(DomNode::Element(e)) => node = e.c.first(),
            _ => return None,
        }
    }
    None
}

fn table(el: &DomElement, depth: usize, out: &mut Vec<Block>) {
    let mut t = TableParts::default();
    collect_rows(el, false, depth, &mut t);
    t.flush();
    out.extend(t.out);
}

type Rows = Vec<Vec<Vec<Inline>>>;

/// A table's rows, plus what it holds besides rows (captions, stray text), kept in reading
/// order: content met between rows ends the table there and the rest of the rows form another,
/// so no text moves past a row (found by the DOM property test: text between two rows).
#[derive(Default)]
struct TableParts {
    head: Rows,
    body: Rows,
    out: Vec<Block>,
}

impl TableParts {
    fn other(&mut self, nodes: &[DomNode], depth: usize) {
        let mut blocks = Vec::new();
        walk_blocks(nodes, &[], depth, &mut blocks);
        // Whitespace between rows gives no block, and must not split the table.
        if !blocks.is_empty() {
            self.flush();
            self.out.extend(blocks);
        }
    }

    /// The rows so far become a table of their own.
    fn flush(&mut self) {
        if !self.head.is_empty() || !self.body.is_empty() {
            self.out.push(Block::Table {
                head: std::mem::take(&mut self.head),
                body: std::mem::take(&mut self.body),
            });
        }
    }
}

fn collect_rows(el: &DomElement, in_head: bool, depth: usize, t: &mut TableParts) {
    for node in &el.c {
        let DomNode::Element(child) = node else {
            t.other(std::slice::from_ref(node), depth + 1);
            continue;
        };
        match child.t.as_str() {
            "thead" | "tbody" | "tfoot" if depth < MAX_DEPTH => {
                collect_rows(child, child.t == "thead", depth + 1, t);
            }
            "tr" => {
                let mut all_th = true;
                let mut cells = Vec::new();
                for cell in &child.c {
                    match cell {
                        DomNode::Element(c) if c.t == "td" || c.t == "th" => {
                            all_th &= c.t == "th";
                            cells.push(normalize_inlines(inlines(&c.c, depth + 1)));
                        }
                        // Browsers move stray row content out of tables; here it becomes a cell
                        // of its own, so its text is still shown.
                        other => {
                            let content =
                                normalize_inlines(inlines(std::slice::from_ref(other), depth + 1));
                            if !content.is_empty() {
                                cells.push(content);
                            }
                        }
                    }
                }
                if cells.is_empty() {
                    continue;
                }
                // Header rows: in `thead` or all `th`, before any body row (so text keeps its order).
                if (in_head || all_th) && t.body.is_empty() {
                    t.head.push(cells);
                } else {
                    t.body.push(cells);
                }
            }
            _ if is_skipped(&child.t) => {}
            // Captions and anything else inside a table are shown next to it rather than lost.
            _ => t.other(std::slice::from_ref(node), depth + 1),
        }
    }
}

/// Inline content of `nodes`; block elements met here (inside a heading or cell) become line breaks.
fn inlines(nodes: &[DomNode], depth: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            DomNode::Text(s) => out.push(Inline::text(collapse(s))),
            DomNode::Element(el) if is_skipped(&el.t) => {}
            DomNode::Element(el) => {
                let mut v = inline_element(el, depth + 1);
                // Blocks inside inline content are wrapped in breaks; two blocks in a row need one.
                if matches!(out.last(), Some(Inline::Break))
                    && matches!(v.first(), Some(Inline::Break))
                {
                    v.remove(0);
                }
                out.extend(v);
            }
        }
    }
    out
}

fn inline_element(el: &DomElement, depth: usize) -> Vec<Inline> {
    if depth >= MAX_DEPTH {
        return vec![Inline::text(collapse(&text_content(el)))];
    }
    let t = el.t.as_str();
    let content = match t {
        "br" => return vec![Inline::Break],
        "img" => {
            let alt =
                el.a.alt
                    .clone()
                    .unwrap_or_else(|| collapse(&text_content(el)));
            return vec![Inline::Image { alt }];
        }
        "code" | "kbd" | "samp" | "tt" => {
            return vec![Inline::Code {
                text: collapse(&text_content(el)),
            }];
        }
        "a" => match el.a.href.as_deref().map(str::trim) {
            Some(href) if !href.is_empty() => vec![Inline::Link {
                href: href.to_string(),
                children: inlines(&el.c, depth),
            }],
            _ => inlines(&el.c, depth),
        },
        _ if is_block(t) => {
            let mut v = vec![Inline::Break];
            v.extend(inlines(&el.c, depth));
            v.push(Inline::Break);
            v
        }
        _ => inlines(&el.c, depth),
    };
    wrap(content, &marks_of(el))
}

/// All text under an element, verbatim, without recursion (any depth), skipping unread elements.
pub fn text_content(el: &DomElement) -> String {
    let mut s = String::new();
    let mut stack: Vec<std::slice::Iter<'_, DomNode>> = vec![el.c.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(DomNode::Text(t)) => s.push_str(t),
            Some(DomNode::Element(e)) if e.t == "br" => s.push('\n'),
            Some(DomNode::Element(e)) if e.t == "img" => {
                s.push_str(e.a.alt.as_deref().unwrap_or(""))
            }
            Some(DomNode::Element(e)) if is_skipped(&e.t) => {}
            Some(DomNode::Element(e)) => stack.push(e.c.iter()),
        }
    }
    s
}

/// HTML whitespace collapsing: runs of ASCII whitespace become one space (U+00A0 is kept, as in HTML).
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_ascii_whitespace() || ch == '\r' {
            space = true;
        } else if ch.is_control() {
            // C0/C1 controls are invisible in a page; dropping them keeps them out of Cliniko.
            continue;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(ch);
        }
    }
    if space {
        out.push(' ');
    }
    out
}
