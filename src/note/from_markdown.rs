//! Markdown → note blocks, through pulldown-cmark's event stream (tables, strikethrough, task lists).
//!
//! The events are folded into the same compact DOM tree `read-note.js` sends, so one converter
//! ([`super::from_dom_tree`]) decides every structural rule. Raw HTML in the Markdown is kept as
//! literal text, never as markup (model-codebases §2.1/§5: pulldown-cmark's HTML writer would pass it
//! through verbatim, so we filter at the event level instead).

use super::from_dom_tree::{MAX_DEPTH, blocks_from_dom};
use super::model::Block;
use super::source::{DomAttrs, DomElement, DomNode, NumOrString};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Parse Markdown into blocks.
pub fn blocks_from_markdown(src: &str) -> Vec<Block> {
    blocks_from_dom(&markdown_to_dom(src))
}

/// The options we parse with: CommonMark plus GFM tables, strikethrough and task lists.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Fold the event stream into a DOM tree. Nesting beyond [`MAX_DEPTH`] is flattened into the
/// deepest kept element (its text still arrives), which bounds recursion everywhere downstream.
pub fn markdown_to_dom(src: &str) -> Vec<DomNode> {
    // Open elements (the root first). Start tags met while the stack is full are only counted, so
    // their content flows into the deepest kept element and their end tags pop nothing.
    let mut stack: Vec<DomElement> = vec![DomElement::new("root", Vec::new())];
    let mut skipped = 0usize;
    let mut in_table_head = false;
    for event in Parser::new_ext(src, options()) {
        match event {
            Event::Start(tag) => {
                if matches!(tag, Tag::TableHead) {
                    in_table_head = true;
                }
                if skipped > 0 || stack.len() >= MAX_DEPTH - 2 {
                    skipped += 1;
                } else {
                    stack.push(element_for(&tag, in_table_head));
                }
            }
            Event::End(end) => {
                if matches!(end, TagEnd::TableHead) {
                    in_table_head = false;
                }
                if skipped > 0 {
                    skipped -= 1;
                } else if stack.len() > 1 {
                    close(&mut stack);
                }
            }
            Event::Text(t) => push_text(&mut stack, &t),
            // Raw HTML is text here: the page's or author's markup never reaches an EHR.
            Event::Html(t) | Event::InlineHtml(t) => {
                for (i, line) in t.split('\n').enumerate() {
                    if i > 0 {
                        push_child(&mut stack, element("br", vec![]));
                    }
                    if !line.is_empty() {
                        push_text(&mut stack, line);
                    }
                }
            }
            Event::Code(t) => push_child(
                &mut stack,
                element("code", vec![DomNode::Text(t.to_string())]),
            ),
            Event::InlineMath(t) | Event::DisplayMath(t) => push_text(&mut stack, &t),
            Event::FootnoteReference(t) => push_text(&mut stack, &format!("[^{t}]")),
            Event::SoftBreak => push_text(&mut stack, " "),
            Event::HardBreak => push_child(&mut stack, element("br", vec![])),
            Event::Rule => push_child(&mut stack, element("hr", vec![])),
            Event::TaskListMarker(checked) => {
                // The marker belongs to the nearest open list item.
                if let Some(li) = stack.iter_mut().rev().find(|e| e.t == "li") {
                    li.a.checked = Some(checked);
                }
            }
        }
    }
    // Close anything left open (pulldown-cmark always balances, but stay total).
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|root| root.c).unwrap_or_default()
}

fn close(stack: &mut Vec<DomElement>) {
    if let Some(mut el) = stack.pop() {
        if el.t == "thead" {
            // pulldown-cmark puts header cells straight into the head: wrap them in a row.
            let cells = std::mem::take(&mut el.c);
            el.c = vec![element("tr", cells)];
        }
        push_child(stack, DomNode::Element(el));
    }
}

fn element(t: &str, c: Vec<DomNode>) -> DomNode {
    DomNode::Element(DomElement::new(t, c))
}

fn element_for(tag: &Tag<'_>, in_table_head: bool) -> DomElement {
    let t = match tag {
        Tag::Paragraph => "p",
        Tag::Heading { level, .. } => match *level as u8 {
            1 => "h1",
            2 => "h2",
            3 => "h3",
            4 => "h4",
            5 => "h5",
            _ => "h6",
        },
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::HtmlBlock => "div",
        Tag::List(Some(start)) => {
            return DomElement {
                t: "ol".into(),
                a: DomAttrs {
                    start: Some(NumOrString::Num((*start).into())),
                    ..DomAttrs::default()
                },
                c: Vec::new(),
            };
        }
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::FootnoteDefinition(_) => "div",
        Tag::DefinitionList => "div",
        Tag::DefinitionListTitle | Tag::DefinitionListDefinition => "p",
        Tag::Table(_) => "table",
        Tag::TableHead => "thead",
        Tag::TableRow => "tr",
        Tag::TableCell if in_table_head => "th",
        Tag::TableCell => "td",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "del",
        Tag::Superscript | Tag::Subscript => "span",
        Tag::Link { dest_url, .. } => {
            return DomElement {
                t: "a".into(),
                a: DomAttrs {
                    href: Some(dest_url.to_string()),
                    ..DomAttrs::default()
                },
                c: Vec::new(),
            };
        }
        Tag::Image { .. } => "img",
        Tag::MetadataBlock(_) => "pre",
    };
    DomElement::new(t, Vec::new())
}

fn push_child(stack: &mut [DomElement], node: DomNode) {
    if let Some(parent) = stack.last_mut() {
        parent.c.push(node);
    }
}

fn push_text(stack: &mut [DomElement], t: &str) {
    if let Some(parent) = stack.last_mut() {
        match parent.c.last_mut() {
            Some(DomNode::Text(last)) => last.push_str(t),
            _ => parent.c.push(DomNode::Text(t.to_string())),
        }
    }
}
