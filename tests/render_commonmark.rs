#![cfg(not(target_arch = "wasm32"))]
//! Every CommonMark spec example through Markdown → Cliniko HTML: no disallowed tag, no panic,
//! well nested, no `\n`/`\t`, and the text the spec's reference HTML shows is kept.
//!
//! The examples come from the npm package `commonmark-spec` (a devDependency of `tests/e2e`,
//! installed by build.sh). Override the location with `COMMONMARK_SPEC_JSON` (a JSON array of
//! `{markdown, html, example|number, section}`, or the package's `spec.txt`, or its directory).
//! The package ships `spec.txt` (0.31.x) and may ship `spec.json`; both are read.

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

const ALLOWED: &[&str] = &[
    "p",
    "div",
    "br",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "b",
    "i",
    "u",
    "a",
];

/// Tags checked, text returned (entities decoded).
fn check_html(html: &str) -> Result<String, String> {
    if html.contains(['\n', '\t', '\r']) {
        return Err("newline or tab".into());
    }
    let mut stack = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let gt = rest[lt..].find('>').ok_or("unclosed <")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name) {
                return Err(format!("misnested </{name}>"));
            }
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !ALLOWED.contains(&name) {
            return Err(format!("<{name}> not allowed"));
        }
        if !attrs.is_empty() {
            let href = attrs
                .strip_prefix("href=\"")
                .and_then(|a| a.strip_suffix('"'));
            let ok = name == "a"
                && href.is_some_and(|h| {
                    !h.contains('"')
                        && ["http://", "https://", "mailto:"]
                            .iter()
                            .any(|p| h.starts_with(p))
                });
            if !ok {
                return Err(format!("bad attribute on <{name}>: {attrs}"));
            }
        }
        if name != "br" {
            stack.push(name);
        }
    }
    text.push_str(rest);
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    Ok(decode(&text))
}

/// Decode the entities HTML writers emit: `&lt; &gt; &quot; &amp;` and numeric references.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "amp" => Some('&'),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((ch, e))
        });
        match decoded {
            Some((ch, e)) => {
                out.push(ch);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

fn visible(s: &str) -> Vec<char> {
    // U+FFFD replaces NUL in both; whitespace differs by design (collapsed, `<br>`).
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect()
}

fn subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
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
