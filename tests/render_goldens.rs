#![cfg(not(target_arch = "wasm32"))]
//! Rendering goldens: every input in `tests/fixtures/notes/` against its expected Cliniko HTML,
//! Nookal text, downgrade report and (with a `.template.json`) filled template content.
//!
//! Inputs: `<case>.md` (Markdown), `<case>.txt` (plain text), `<case>.source.json` (a full
//! `NoteSource`, e.g. a DOM tree as `read-note.js` sends it). Expected, next to it:
//! `<case>.cliniko.html`, `<case>.nookal.txt`, `<case>.report.json`, or `<case>.error.txt` when
//! parsing must fail; `<case>.template.json` (a template's `content`, or `null`) adds
//! `<case>.content.json`. Run with `UPDATE_GOLDENS=1` to (re)write the expected files, then
//! review the diff.

mod note_sample;

use motics_push::cliniko::content::{Content, fill_template};
use motics_push::note::{self, NoteSource, SourceFormat, SourceMeta};
use motics_push::render::{self, Footer, RenderOptions};
use std::fs;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes")
}

fn options() -> RenderOptions {
    RenderOptions {
        footer: Some(Footer {
            author: None,
            created: Some("31/01/2025 10:02".into()),
            reference: Some("7K2P9Q".into()),
        }),
    }
}

/// Markdown and text inputs get the metadata a contract would carry.
fn meta() -> SourceMeta {
    SourceMeta {
        title: Some("Consultation".into()),
        author: Some("Jane Smith".into()),
        created_at: Some("2025-01-31T10:02:00+11:00".into()),
        ..SourceMeta::default()
    }
}

fn load(path: &Path) -> Option<(String, NoteSource)> {
    let name = path.file_name()?.to_str()?;
    let read = || fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (case, src) = if let Some(case) = name.strip_suffix(".source.json") {
        let src: NoteSource =
            serde_json::from_str(&read()).unwrap_or_else(|e| panic!("{name}: {e}"));
        (case, src)
    } else if let Some(case) = name.strip_suffix(".md") {
        let src = NoteSource {
            format: SourceFormat::Markdown,
            tree: None,
            text: Some(read()),
            meta: meta(),
        };
        (case, src)
    } else if let Some(case) = name.strip_suffix(".txt").filter(|c| !c.contains('.')) {
        let src = NoteSource {
            format: SourceFormat::Text,
            tree: None,
            text: Some(read()),
            meta: meta(),
        };
        (case, src)
    } else {
        return None;
    };
    Some((case.to_string(), src))
}

/// Compare with (or, under UPDATE_GOLDENS, write) one expected file; returns a mismatch message.
fn check(case_dir: &Path, file: &str, actual: &str, failures: &mut Vec<String>) {
    let path = case_dir.join(file);
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        fs::write(&path, actual).unwrap_or_else(|e| panic!("{file}: {e}"));
        return;
    }
    match fs::read_to_string(&path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{file} differs\n--- expected\n{expected}\n--- actual\n{actual}\n"
        )),
        Err(_) => failures.push(format!("{file} missing (run with UPDATE_GOLDENS=1)")),
    }
}

#[test]
fn goldens() {
    let dir = dir();
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut cases = 0;
    for path in entries {
        let Some((case, src)) = load(&path) else {
            continue;
        };
        cases += 1;
        let note = match note::from_source(&src) {
            Ok(n) => n,
            Err(e) => {
                check(
                    &dir,
                    &format!("{case}.error.txt"),
                    &format!("{}\n", e.kind()),
                    &mut failures,
                );
                continue;
            }
        };
        let opts = options();
        let html = render::cliniko_html(&note, &opts);
        let text = render::nookal_text(&note, &opts);
        let preview = render::preview(&note, &opts);
        // The preview is the same tree as the HTML: serialising it must give the same HTML.
        assert_eq!(
            render::safe_tree::to_html(&preview.nodes),
            html.html,
            "{case}: preview ≠ html"
        );
        check(
            &dir,
            &format!("{case}.cliniko.html"),
            &format!("{}\n", html.html),
            &mut failures,
        );
        check(
            &dir,
            &format!("{case}.nookal.txt"),
            &format!("{}\n", text.text),
            &mut failures,
        );
        let report = serde_json::json!({"cliniko": html.report, "nookal": text.report});
        check(
            &dir,
            &format!("{case}.report.json"),
            &format!("{}\n", serde_json::to_string_pretty(&report).unwrap()),
            &mut failures,
        );
        let template_path = dir.join(format!("{case}.template.json"));
        if template_path.exists() {
            let template: Option<Content> =
                serde_json::from_str(&fs::read_to_string(&template_path).unwrap())
                    .unwrap_or_else(|e| panic!("{case}.template.json: {e}"));
            let filled = fill_template(template.as_ref(), &note, &opts).unwrap();
            let out = serde_json::json!({"content": filled.content, "report": filled.report});
            check(
                &dir,
                &format!("{case}.content.json"),
                &format!("{}\n", serde_json::to_string_pretty(&out).unwrap()),
                &mut failures,
            );
        }
    }
    assert!(
        cases >= 30,
        "expected at least 30 golden inputs, found {cases}"
    );
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_200_kb_note_renders_within_the_rules() {
    let src = note_sample::soap_source_of_size(200_000);
    let note = note::from_source(&src).unwrap();
    let html = render::cliniko_html(&note, &options());
    assert!(html.html.len() > 150_000);
    assert!(!html.html.contains('\n') && !html.html.contains('\t'));
    assert!(html.html.ends_with(
        "Written by Jane Smith · 31/01/2025 10:02 · Pushed from Motics · ref 7K2P9Q</i></p>"
    ));
    let text = render::nookal_text(&note, &options());
    assert!(
        text.text.is_ascii(),
        "the sample's non-ASCII characters are all transliterable"
    );
    assert!(text.report.count(render::DowngradeKind::Transliterated) > 0);
    // Every sentence of the sample survives in both outputs.
    let md = src.text.unwrap();
    for line in md.lines().filter(|l| l.starts_with("- ")) {
        let sentence = &line[2..];
        assert!(
            html.html.contains(&sentence.replace('&', "&amp;")),
            "{sentence}"
        );
    }
}

#[test]
fn size_cap_applies_to_dom_trees_too() {
    let big = "x".repeat(note::MAX_NOTE_BYTES / 2 + 1);
    let src: NoteSource = serde_json::from_value(serde_json::json!({
        "format": "dom",
        "tree": [{"t": "p", "c": [big.clone()]}, {"t": "div", "c": [{"t": "p", "c": [big]}]}],
        "meta": {}
    }))
    .unwrap();
    assert_eq!(
        note::from_source(&src).map_err(|e| e.kind()),
        Err("note_too_large")
    );
}
