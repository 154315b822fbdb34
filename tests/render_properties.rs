#![cfg(not(target_arch = "wasm32"))]
//! Renderer and parser properties over generated notes, Markdown, text and DOM trees:
//! Cliniko HTML uses only allowed tags, is well nested, has no `\n`/`\t` and loses no text; Nookal
//! text loses no text modulo reported transliterations; no parser panics; template filling drops nothing.

mod common;

use common::html::{check_html, subsequence, visible};
use motics_push::cliniko::content::{Content, fill_template};
use motics_push::note::from_dom_tree::blocks_from_dom;
use motics_push::note::from_markdown::blocks_from_markdown;
use motics_push::note::from_text::blocks_from_text;
use motics_push::note::source::{DomAttrs, DomElement};
use motics_push::note::{Block, DomNode, Inline, ListItem, Mark, Note};
use motics_push::render::transliterate::ascii_for;
use motics_push::render::{self, DowngradeKind, Footer, RenderOptions};
use proptest::prelude::*;
use std::collections::HashMap;

const ALPHABET: &[char] = &[
    'a', 'b', 'Z', '0', '9', ' ', ' ', '.', ',', '<', '>', '&', '"', '\'', '|', '[', ']', '*', '#',
    '-', 'é', 'ß', '“', '—', '°', '•', '\u{a0}', '😀', '中', 'я', '\n', '\t', ';', '/',
];
const HREFS: &[&str] = &[
    "https://a.test/x?y=1&z=<2>",
    "http://b.test",
    "mailto:c@d.test",
    "javascript:alert(1)",
    "JAVASCRIPT:x",
    "data:text/html,<b>",
    "/relative",
    "",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..12)
        .prop_map(|v| v.into_iter().collect())
}

fn inline() -> impl Strategy<Value = Inline> {
    let leaf = prop_oneof![
        4 => text().prop_map(|text| Inline::Text { text }),
        1 => text().prop_map(|text| Inline::Code { text }),
        1 => Just(Inline::Break),
        1 => text().prop_map(|alt| Inline::Image { alt }),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (
                prop::sample::select(
                    &[Mark::Bold, Mark::Italic, Mark::Underline, Mark::Strike][..]
                ),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(mark, children)| Inline::Marked { mark, children }),
            (
                prop::sample::select(HREFS),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(|(href, children)| Inline::Link {
                    href: href.to_string(),
                    children
                }),
        ]
    })
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    prop::collection::vec(inline(), 0..4)
}

fn block() -> impl Strategy<Value = Block> {
    let leaf = prop_oneof![
        1 => (1u8..=6, inlines()).prop_map(|(level, content)| Block::Heading { level, content }),
        3 => inlines().prop_map(|content| Block::Paragraph { content }),
        1 => text().prop_map(|text| Block::Code { text }),
        1 => Just(Block::Rule),
        1 => (
            prop::collection::vec(prop::collection::vec(inlines(), 0..3), 0..2),
            prop::collection::vec(prop::collection::vec(inlines(), 0..3), 0..3)
        )
            .prop_map(|(head, body)| Block::Table { head, body }),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|blocks| Block::Quote { blocks }),
            (
                prop::option::of(0u64..5),
                prop::collection::vec(
                    (
                        prop::option::of(any::<bool>()),
                        prop::collection::vec(inner, 0..3)
                    )
                        .prop_map(|(task, blocks)| ListItem { task, blocks }),
                    1..3
                )
            )
                .prop_map(|(start, items)| Block::List { start, items }),
        ]
    })
}

fn note() -> impl Strategy<Value = Note> {
    prop::collection::vec(block(), 0..5).prop_map(Note::from_blocks)
}

/// The note's text in rendering order (the order every renderer writes it in).
fn model_text(blocks: &[Block], s: &mut String) {
    fn inl(v: &[Inline], s: &mut String) {
        for i in v {
            match i {
                Inline::Text { text } | Inline::Code { text } | Inline::Image { alt: text } => {
                    s.push_str(text)
                }
                Inline::Break => {}
                Inline::Marked { children, .. } | Inline::Link { children, .. } => inl(children, s),
            }
        }
    }
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content } => inl(content, s),
            Block::List { items, .. } => items.iter().for_each(|i| model_text(&i.blocks, s)),
            Block::Quote { blocks } => model_text(blocks, s),
            Block::Table { head, body } => {
                head.iter().chain(body).flatten().for_each(|c| inl(c, s))
            }
            Block::Code { text } => s.push_str(text),
            Block::Rule => {}
        }
    }
}

fn opts() -> RenderOptions {
    RenderOptions {
        footer: Some(Footer {
            author: Some("Zoë <x>".into()),
            created: None,
            reference: Some("R1".into()),
        }),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(common::cases())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cliniko_html_is_safe_well_nested_and_keeps_text(note in note()) {
        let out = render::cliniko_html(&note, &opts());
        let text = check_html(&out.html).map_err(|e| TestCaseError::fail(format!("{e}: {}", out.html)))?;
        let mut input = String::new();
        model_text(&note.blocks, &mut input);
        prop_assert!(subsequence(&visible(&input), &visible(&text)), "text lost: {:?} → {}", input, out.html);
        // The preview is the same tree.
        prop_assert_eq!(render::safe_tree::to_html(&render::preview(&note, &opts()).nodes), out.html);
    }

    #[test]
    fn nookal_text_keeps_text_modulo_reported_transliterations(note in note()) {
        let out = render::nookal_text(&note, &opts());
        let mut input = String::new();
        model_text(&note.blocks, &mut input);
        let mut expected = String::new();
        let mut transliterated = false;
        for c in input.chars() {
            match (c.is_ascii(), ascii_for(c)) {
                (false, Some(a)) => { transliterated = true; expected.push_str(a) }
                _ => expected.push(c),
            }
        }
        prop_assert!(subsequence(&visible(&expected), &visible(&out.text)), "text lost: {:?} → {:?}", input, out.text);
        if transliterated {
            prop_assert!(out.report.count(DowngradeKind::Transliterated) > 0);
        }
        // Only characters without a safe replacement remain non-ASCII, and they are reported.
        let kept: Vec<char> = out.text.chars().filter(|c| !c.is_ascii()).collect();
        prop_assert!(kept.iter().all(|&c| ascii_for(c).is_none()));
        prop_assert_eq!(kept.is_empty(), out.report.count(DowngradeKind::MayGarble) == 0);
    }

    #[test]
    fn filling_a_template_drops_nothing(note in note()) {
        let template: Content = serde_json::from_value(serde_json::json!({"sections": [
            {"name": "Subjective", "questions": [{"name": "Notes", "type": "paragraph"}]},
            {"name": "Plan", "questions": [{"name": "Plan", "type": "paragraph"},
                {"name": "Side", "type": "radiobuttons", "answers": [{"value": "L"}]}]}]})).unwrap();
        let mut input = String::new();
        model_text(&note.blocks, &mut input);
        match fill_template(Some(&template), &note, &opts()) {
            Err(e) => prop_assert_eq!(e.kind(), "empty_note"),
            Ok(filled) => {
                let json = serde_json::to_value(&filled.content).unwrap();
                prop_assert!(no_empty_values(&json), "empty array, empty answer or false in {}", json);
                let mut out = String::new();
                for s in &filled.content.sections {
                    for q in &s.questions {
                        if let Some(a) = &q.answer {
                            out.push_str(&check_html(a).map_err(TestCaseError::fail)?);
                        }
                    }
                }
                // Parts may move between questions, so compare character counts, not order.
                let mut need: HashMap<char, i64> = HashMap::new();
                for c in visible(&input) { *need.entry(c).or_default() += 1; }
                for c in visible(&out) { *need.entry(c).or_default() -= 1; }
                prop_assert!(need.values().all(|&n| n <= 0), "text lost: {:?}", input);
            }
        }
    }

    #[test]
    fn markdown_never_panics_and_renders_safely(src in "(?s).{0,200}") {
        let note = Note::from_blocks(blocks_from_markdown(&src));
        let out = render::cliniko_html(&note, &RenderOptions::default());
        check_html(&out.html).map_err(|e| TestCaseError::fail(format!("{e}: {src:?} → {}", out.html)))?;
        let _ = render::nookal_text(&note, &RenderOptions::default());
    }

    #[test]
    fn markdown_without_syntax_keeps_every_character(src in "[a-zA-Z ,;:éß中\n]{0,120}") {
        let note = Note::from_blocks(blocks_from_markdown(&src));
        let text = check_html(&render::cliniko_html(&note, &RenderOptions::default()).html).map_err(TestCaseError::fail)?;
        prop_assert_eq!(visible(&text), visible(&src));
    }

    #[test]
    fn plain_text_never_panics_and_keeps_every_character(src in "(?s)[ -~éß“—•\u{a0}\n\t]{0,200}") {
        let note = Note::from_blocks(blocks_from_text(&src));
        let html = render::cliniko_html(&note, &RenderOptions::default()).html;
        let text = check_html(&html).map_err(|e| TestCaseError::fail(format!("{e}: {html}")))?;
        // List markers (`-`, `•`, `*`, `1.`) become structure, so compare without them.
        let strip = |s: &str| -> Vec<char> { visible(s).into_iter().filter(|c| !"-•*.0123456789)".contains(*c)).collect() };
        prop_assert_eq!(strip(&text), strip(&src));
    }

    #[test]
    fn dom_trees_never_panic_and_keep_text(tree in prop::collection::vec(dom_node(), 0..4)) {
        let note = Note::from_blocks(blocks_from_dom(&tree));
        let out = render::cliniko_html(&note, &RenderOptions::default());
        let text = check_html(&out.html).map_err(|e| TestCaseError::fail(format!("{e}: {}", out.html)))?;
        let mut input = String::new();
        dom_text(&tree, &mut input);
        prop_assert!(subsequence(&visible(&input), &visible(&text)), "text lost: {:?} → {}", input, out.html);
    }
}

/// Cliniko rejects empty arrays, empty answers and `selected: false` (cliniko-api.md §8).
fn no_empty_values(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Array(a) => !a.is_empty() && a.iter().all(no_empty_values),
        Value::Object(o) => o.iter().all(|(k, v)| {
            !(k == "answer" && v.as_str().is_some_and(|s| s.trim().is_empty()))
                && no_empty_values(v)
        }),
        Value::Bool(b) => *b,
        _ => true,
    }
}

const TAGS: &[&str] = &[
    "p",
    "div",
    "span",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "del",
    "a",
    "h1",
    "h3",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "caption",
    "section",
    "font",
    "x-custom",
    "script",
    "style",
    "button",
    "iframe",
];
const VOID: &[&str] = &["br", "hr", "img", "input"];
const SKIPPED: &[&str] = &["script", "style", "button", "iframe"];

fn dom_node() -> impl Strategy<Value = DomNode> {
    let leaf = prop_oneof![
        3 => text().prop_map(DomNode::Text),
        1 => (prop::sample::select(VOID), prop::option::of(text()), any::<bool>()).prop_map(|(t, alt, checked)| {
            DomNode::Element(DomElement {
                t: t.into(),
                a: DomAttrs { alt, checked: Some(checked), kind: Some("checkbox".into()), ..DomAttrs::default() },
                c: vec![],
            })
        }),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        (
            prop::sample::select(TAGS),
            prop::option::of(prop::sample::select(HREFS)),
            prop::option::of(prop::sample::select(&["b i", "u", "s", "zz"][..])),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(t, href, marks, c)| {
                DomNode::Element(DomElement {
                    t: t.into(),
                    a: DomAttrs {
                        href: href.map(String::from),
                        marks: marks.map(String::from),
                        ..DomAttrs::default()
                    },
                    c,
                })
            })
    })
}

/// The text a browser would show: everything outside skipped elements, plus image descriptions.
fn dom_text(nodes: &[DomNode], s: &mut String) {
    for n in nodes {
        match n {
            DomNode::Text(t) => s.push_str(t),
            DomNode::Element(e) if SKIPPED.contains(&e.t.as_str()) => {}
            DomNode::Element(e) if e.t == "img" => s.push_str(e.a.alt.as_deref().unwrap_or("")),
            DomNode::Element(e) => dom_text(&e.c, s),
        }
    }
}
