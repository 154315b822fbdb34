#![cfg(not(target_arch = "wasm32"))]
//! Every CommonMark spec example through Markdown → Cliniko HTML: no disallowed tag, no panic,
//! well nested, no `\n`/`\t`, and the text the spec's reference HTML shows is kept.
//!
//! The examples come from the npm package `commonmark-spec` (a devDependency of `tests/e2e`,
//! installed by build.sh). Override the location with `COMMONMARK_SPEC_JSON` (a JSON array of
//! `{markdown, html, example|number, section}`, or the package's `spec.txt`, or its directory).
//! The package ships `spec.txt` (0.31.x) and may ship `spec.json`; both are read.

mod common;

use common::html::{check_html, decode, subsequence, visible};
use motics_push::note::Note;
use motics_push::note::from_markdown::blocks_from_markdown;
use motics_push::render::{self, RenderOptions};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    #[serde(alias = "number", default)]
    example: u32,
    #[serde(default)]
    section: String,
}

fn locate() -> PathBuf {
    let base = match std::env::var_os("COMMONMARK_SPEC_JSON") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/e2e/node_modules/commonmark-spec/spec.json"),
    };
    let dir = if base.is_dir() {
        base.clone()
    } else {
        base.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    [base, dir.join("spec.json"), dir.join("spec.txt")]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "CommonMark spec examples not found (looked for spec.json / spec.txt in {}). \
                 Install them with `cd tests/e2e && npm ci` (build.sh does this), or set \
                 COMMONMARK_SPEC_JSON to the file.",
                dir.display()
            )
        })
}

/// The examples of spec.txt, as the package's own `index.js` extracts them (`→` stands for a tab).
fn parse_spec_txt(text: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- END TESTS -->") {
            break;
        }
        if line.starts_with('#') {
            section = line.trim_start_matches('#').trim().to_string();
        } else if line == format!("{fence} example") {
            let (mut md, mut html, mut in_html) = (String::new(), String::new(), false);
            for l in lines.by_ref() {
                if l == fence {
                    break;
                } else if l == "." && !in_html {
                    in_html = true;
                } else {
                    let target = if in_html { &mut html } else { &mut md };
                    target.push_str(l);
                    target.push('\n');
                }
            }
            out.push(Example {
                markdown: md.replace('→', "\t"),
                html: html.replace('→', "\t"),
                example: out.len() as u32 + 1,
                section: section.clone(),
            });
        }
    }
    out
}

fn load() -> Vec<Example> {
    let path = locate();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        parse_spec_txt(&text)
    }
}

/// The text the spec's reference HTML shows: tags removed (raw HTML examples pass markup through
/// there, so it is not text), entities decoded.
fn reference_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode(&text)
}

#[test]
fn commonmark_spec_examples_render_safely_and_keep_text() {
    let examples = load();
    assert!(
        examples.len() > 600,
        "only {} examples loaded",
        examples.len()
    );
    let mut failures = Vec::new();
    for ex in &examples {
        let note = Note::from_blocks(blocks_from_markdown(&ex.markdown));
        let out = render::cliniko_html(&note, &RenderOptions::default());
        let _ = render::nookal_text(&note, &RenderOptions::default());
        match check_html(&out.html) {
            Err(e) => failures.push(format!(
                "example {} ({}): {e}\n  {}",
                ex.example, ex.section, out.html
            )),
            Ok(text) => {
                let want = visible(&reference_text(&ex.html));
                if !subsequence(&want, &visible(&text)) {
                    failures.push(format!(
                        "example {} ({}): text lost\n  markdown: {:?}\n  spec:     {:?}\n  ours:     {}",
                        ex.example, ex.section, ex.markdown, ex.html, out.html
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}

#[test]
fn spec_txt_parser_reads_examples() {
    let fence = "`".repeat(32);
    let txt =
        format!("# Tabs\n\n{fence} example\n→foo\n.\n<pre><code>foo\n</code></pre>\n{fence}\n");
    let ex = parse_spec_txt(&txt);
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].markdown, "\tfoo\n");
    assert_eq!(ex[0].section, "Tabs");
    assert_eq!(
        decode("a &lt;b&gt; &#35; &#x41; &amp;amp; &nope"),
        "a <b> # A &amp; &nope"
    );
}
