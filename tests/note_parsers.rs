#![cfg(not(target_arch = "wasm32"))]
//! Parser behaviour the goldens do not spell out: the read-note.js contract as the browser really
//! returned it, list and task details, plain-text headings, pathological nesting, fingerprints.

use motics_push::note::from_dom_tree::blocks_from_dom;
use motics_push::note::from_markdown::blocks_from_markdown;
use motics_push::note::from_text::blocks_from_text;
use motics_push::note::source::{ReadError, ReadReply};
use motics_push::note::{self, Block, DomNode, Inline, Note, Origin};
use motics_push::render::{self, RenderOptions};
use serde_json::json;

fn dom(v: serde_json::Value) -> Vec<Block> {
    let tree: Vec<DomNode> = serde_json::from_value(v).unwrap();
    blocks_from_dom(&tree)
}

#[test]
fn reply_recorded_from_chromium_parses_and_converts() {
    // Recorded by running extension/read-note.js in headless Chromium on a page with two contract
    // notes (html and markdown), a hidden paragraph, a script, an open shadow root; then maxBytes 20.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/notes/readnote_reply.json"
    ))
    .unwrap();
    let replies: Vec<ReadReply> = serde_json::from_str(&text).unwrap();
    let ReadReply::Found(found) = &replies[0] else {
        panic!("first reply should be found")
    };
    assert_eq!(found.candidates.len(), 2);
    assert_eq!(found.page.session_id.as_deref(), Some("sess-42"));
    assert_eq!(found.page.patient_name.as_deref(), Some("Alex Example"));
    let html_note = note::from_source(&found.candidates[0]).unwrap();
    assert_eq!(html_note.meta.author.as_deref(), Some("Jane Smith"));
    assert_eq!(html_note.meta.version.as_deref(), Some("2"));
    assert_eq!(html_note.meta.origin, Some(Origin::Contract));
    let html = render::cliniko_html(&html_note, &RenderOptions::default()).html;
    assert!(html.contains("<li>[x] done</li>"), "{html}");
    assert!(html.contains("from shadow"), "{html}");
    assert!(
        !html.contains("HIDDEN") && !html.contains("pwned"),
        "{html}"
    );
    let md_note = note::from_source(&found.candidates[1]).unwrap();
    assert_eq!(
        render::cliniko_html(&md_note, &RenderOptions::default()).html,
        "<h2>Plan</h2><ul><li>rest</li></ul>"
    );
    let ReadReply::Failed(failed) = &replies[1] else {
        panic!("second reply should fail")
    };
    assert_eq!(failed.error, ReadError::TooLarge);
    assert_eq!(failed.limit, Some(20));
}

#[test]
fn list_start_may_be_a_number_or_a_string() {
    for start in [json!(7), json!("7"), json!(" 7 ")] {
        let blocks =
            dom(json!([{"t": "ol", "a": {"start": start}, "c": [{"t": "li", "c": ["x"]}]}]));
        assert!(
            matches!(&blocks[0], Block::List { start: Some(7), .. }),
            "{blocks:?}"
        );
    }
    let blocks = dom(json!([{"t": "ol", "a": {"start": "abc"}, "c": [{"t": "li", "c": ["x"]}]}]));
    assert!(matches!(&blocks[0], Block::List { start: Some(1), .. }));
}

#[test]
fn task_items_from_checkboxes_editors_and_markdown() {
    let from_dom = dom(json!([{"t": "ul", "c": [
        {"t": "li", "c": [{"t": "input", "a": {"type": "checkbox", "checked": true}}, " a"]},
        {"t": "li", "a": {"checked": false}, "c": ["b"]},
        {"t": "li", "c": [{"t": "input", "a": {"type": "text"}}, "c"]}]}]));
    let from_md = blocks_from_markdown("- [x] a\n- [ ] b\n- c\n");
    for blocks in [from_dom, from_md] {
        let Block::List { items, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let tasks: Vec<_> = items.iter().map(|i| i.task).collect();
        assert_eq!(tasks, vec![Some(true), Some(false), None]);
    }
}

#[test]
fn plain_text_labels_become_headings_but_sentences_do_not() {
    let blocks =
        blocks_from_text("Plan:\nRest.\nAllergies: none\nThe patient said the following:\n");
    assert!(matches!(&blocks[0], Block::Heading { level: 2, .. }));
    let Block::Paragraph { content } = &blocks[1] else {
        panic!("{blocks:?}")
    };
    // "Allergies: none" has text after the colon; the last line is five words long.
    assert_eq!(
        content
            .iter()
            .filter(|i| matches!(i, Inline::Break))
            .count(),
        2
    );
}

#[test]
fn pathological_nesting_does_not_overflow() {
    let quotes = format!("{}deep", "> ".repeat(50_000));
    let emph = format!("{}x{}", "*_".repeat(20_000), "_*".repeat(20_000));
    let lists = (0..5_000)
        .map(|i| format!("{}- item {i}\n", " ".repeat(i * 2)))
        .collect::<String>();
    for md in [quotes, emph, lists.clone()] {
        let note = Note::from_blocks(blocks_from_markdown(&md));
        let html = render::cliniko_html(&note, &RenderOptions::default()).html;
        assert!(!html.is_empty());
    }
    let note = Note::from_blocks(blocks_from_text(&lists));
    assert!(
        render::nookal_text(&note, &RenderOptions::default())
            .text
            .contains("item 4999")
    );
}

#[test]
fn the_same_note_from_dom_markdown_and_text_has_one_fingerprint() {
    let a = Note::from_blocks(blocks_from_markdown(
        "## Plan\n\n- Rest **two** days\n- Ice\n",
    ));
    let b = Note::from_blocks(dom(json!([{"t": "h2", "c": ["Plan"]}, {"t": "ul", "c": [
        {"t": "li", "c": [{"t": "p", "c": ["Rest ", {"t": "b", "c": ["two"]}, "  days"]}]},
        {"t": "li", "c": ["Ice"]}]}])));
    let c = Note::from_blocks(blocks_from_text("Plan:\n- Rest two days\n- Ice"));
    assert_eq!(note::fingerprint(&a), note::fingerprint(&b));
    // The text form keeps the label's colon, which is a real character difference.
    assert_ne!(note::fingerprint(&a), note::fingerprint(&c));
}
