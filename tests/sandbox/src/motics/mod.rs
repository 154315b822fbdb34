//! Motics web-app pages on `app.motics.ai`: sessions using the note contract, a history page, a
//! recording-in-progress session, contract-less editor variants and a hostile page. Every page is
//! served with `Content-Security-Policy: script-src 'none'`, so injected scripts never run.

pub mod notes;
pub mod today;

use crate::codec::html_escape as esc;
use crate::http::{HttpRequest, HttpResponse};
use notes::{SESSIONS, Session, soap_html, soap_markdown};

const STYLE: &str = "body{margin:0;font-family:Inter,system-ui,sans-serif;background:#f6f7fb;color:#1c2430}\
header{display:flex;align-items:center;gap:24px;background:#14213d;color:#fff;padding:12px 28px}\
header .brand{font-weight:700;font-size:18px}header nav a{color:#cfd8ea;margin-right:16px;text-decoration:none}\
header .patient{margin-left:auto;background:#fca311;color:#14213d;border-radius:16px;padding:4px 12px;font-weight:600}\
main{max-width:920px;margin:24px auto;background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002;padding:24px 32px}\
.meta{color:#5c6779;font-size:14px}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:4px 8px}\
pre{white-space:pre-wrap;background:#f3f4f8;padding:12px;border-radius:6px}.rec{color:#c1121f;font-weight:700}\
.version{border-top:1px solid #e3e6ee;margin-top:24px;padding-top:12px}textarea{width:100%;height:320px}";

fn page(title: &str, patient: Option<&str>, main_attrs: &str, body: &str) -> HttpResponse {
    let chip = patient
        .map(|p| {
            format!(
                "<span class=\"patient\" data-testid=\"patient-name\">{}</span>",
                esc(p)
            )
        })
        .unwrap_or_default();
    HttpResponse::html(200, format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · Motics</title><style>{STYLE}</style></head><body>\
<header><span class=\"brand\">Motics</span><nav><a href=\"/\">Sessions</a><a href=\"/history\">History</a></nav>{chip}</header>\
<main{main_attrs}>{body}</main></body></html>", t = esc(title)))
    .with_header("Content-Security-Policy", "script-src 'none'; object-src 'none'; base-uri 'none'")
}

/// The note contract element (attributes per architecture.md §4).
fn contract(s: &Session, version: u32, created_at: &str) -> String {
    let format = s.format.unwrap_or("html");
    let dob = s
        .dob
        .map(|d| format!(" data-patient-dob=\"{d}\""))
        .unwrap_or_default();
    let attrs = format!(
        "data-motics-note data-session-id=\"{id}\" data-created-at=\"{created_at}\" data-author=\"{a}\" data-title=\"{t}\" \
data-patient-name=\"{p}\"{dob} data-version=\"{version}\" data-format=\"{format}\"",
        id = s.id,
        a = esc(s.author),
        t = esc(s.title),
        p = esc(s.patient)
    );
    if format == "markdown" {
        // s-1002 puts the contract on the <pre> itself; others wrap a <pre>: both are allowed.
        if s.id == "s-1002" {
            format!("<pre {attrs}>{}</pre>", esc(&soap_markdown(s, version)))
        } else {
            format!(
                "<div {attrs}><pre>{}</pre></div>",
                esc(&soap_markdown(s, version))
            )
        }
    } else {
        format!("<article {attrs}>{}</article>", soap_html(s, version))
    }
}

fn session_page(s: &Session) -> HttpResponse {
    let meta = format!(
        "<p class=\"meta\">Session {} · {} · {}</p>",
        s.id,
        esc(s.author),
        s.created_at
    );
    match s.format {
        None => page(
            s.title,
            Some(s.patient),
            &format!(" data-motics-session=\"{}\"", s.id),
            &format!(
                "<h1>{}</h1>{meta}<p class=\"rec\">● Recording in progress — the note will appear when the session ends.</p>",
                esc(s.patient)
            ),
        ),
        Some(_) => page(
            s.title,
            Some(s.patient),
            &format!(" data-motics-session=\"{}\"", s.id),
            &format!(
                "<h1>{}</h1>{meta}{}",
                esc(s.title),
                contract(s, 1, s.created_at)
            ),
        ),
    }
}

fn history_page() -> HttpResponse {
    let mut body =
        String::from("<h1>History</h1><p class=\"meta\">Recent notes across sessions.</p>");
    for s in SESSIONS.iter().filter(|s| s.format.is_some()) {
        body.push_str(&format!(
            "<section><h2><a href=\"/sessions/{id}\">{p}</a> — {t}</h2>",
            id = s.id,
            p = esc(s.patient),
            t = esc(s.title)
        ));
        let versions = if s.id == "s-1001" || s.id == "s-1004" {
            2
        } else {
            1
        };
        for v in (1..=versions).rev() {
            let at = s.created_at.replace(":00Z", &format!(":{:02}Z", v * 7));
            body.push_str(&format!(
                "<div class=\"version\"><p class=\"meta\">Version {v}</p>{}</div>",
                contract(s, v, &at)
            ));
        }
        body.push_str("</section>");
    }
    page("History", None, "", &body)
}

fn variant(name: &str) -> Option<HttpResponse> {
    let s = &SESSIONS[0];
    let html = soap_html(s, 1);
    let head = format!(
        "<h1>{}</h1><p class=\"meta\">Dr Amelia Hart · 2025-11-03</p>",
        esc(s.title)
    );
    Some(match name {
        "prosemirror" => page(
            "ProseMirror variant",
            Some(s.patient),
            "",
            &format!(
                "{head}<div class=\"ProseMirror\" contenteditable=\"true\" translate=\"no\">{html}</div>"
            ),
        ),
        "quill" => page(
            "Quill variant",
            Some(s.patient),
            "",
            &format!(
                "{head}<div class=\"ql-container\"><div class=\"ql-editor\" contenteditable=\"true\" data-gramm=\"false\">{html}</div></div>"
            ),
        ),
        "textarea" => page(
            "Textarea variant",
            Some(s.patient),
            "",
            &format!(
                "{head}<label for=\"note\">Note (Markdown)</label><textarea id=\"note\" name=\"note\">{}</textarea>",
                esc(&soap_markdown(s, 1))
            ),
        ),
        "article" => page(
            "Article variant",
            Some(s.patient),
            "",
            &format!("{head}<article>{html}</article>"),
        ),
        "hostile" => page(
            "Hostile variant",
            Some("Robert'); DROP TABLE patients;-- <b>Tables</b>"),
            "",
            &format!(
                "{head}<article data-motics-note data-session-id=\"s-666\" data-created-at=\"2025-11-07T10:00:00Z\" \
data-author=\"&lt;img src=x onerror=alert(1)&gt;\" data-title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" \
data-patient-name=\"Robert&#39;); DROP TABLE patients;--\" data-version=\"1\" data-format=\"html\">\
<h2 onclick=\"alert('h2')\">Subjective</h2><p>Text before<script>document.title='pwned';alert(1)</script> and after.</p>\
<p><img src=\"x\" onerror=\"alert('img')\">Image with onerror.</p>\
<p><a href=\"javascript:alert('link')\">javascript link</a> · <a href=\"JaVaScRiPt:alert(2)\">mixed case</a> · \
<a href=\"https://www.example.org/ok\" onmouseover=\"alert(3)\">safe link, bad handler</a></p>\
<iframe src=\"javascript:alert('frame')\"></iframe><svg onload=\"alert('svg')\"><circle r=\"4\"/></svg>\
<p style=\"background:url(javascript:alert(4))\">Styled &lt;b&gt;not bold&lt;/b&gt; &amp; 1 &lt; 2</p>\
<form action=\"javascript:alert(5)\"><button>Submit</button></form>{html}</article>"
            ),
        ),
        // Issue 15 §1: text a person can't see, hidden every way a page can hide it.
        "hidden" => page(
            "Hidden text variant",
            Some(s.patient),
            &format!(" data-motics-session=\"{}\"", s.id),
            &format!(
                "{head}<style>{HIDDEN_STYLE}</style><article data-motics-note data-session-id=\"{id}\" \
data-created-at=\"{at}\" data-author=\"{a}\" data-title=\"Hidden text\" data-patient-name=\"{p}\" data-format=\"html\">{HIDDEN_BODY}</article>",
                id = s.id,
                at = s.created_at,
                a = esc(s.author),
                p = esc(s.patient)
            ),
        ),
        // Issue 15 §7: a note page that names no patient.
        "unnamed" => page(
            "Unnamed patient variant",
            None,
            "",
            &format!(
                "{head}<article data-motics-note data-created-at=\"{}\" data-author=\"{}\" \
data-title=\"No patient named\" data-format=\"html\">{html}</article>",
                s.created_at,
                esc(s.author)
            ),
        ),
        // Issue 15 §7: a date of birth the extension can't read (two-digit year).
        "dob-unreadable" => page(
            "Unreadable date of birth variant",
            Some(s.patient),
            "",
            &format!(
                "{head}<article data-motics-note data-created-at=\"{}\" data-author=\"{}\" \
data-title=\"Unreadable DOB\" data-patient-name=\"{}\" data-patient-dob=\"03/04/85\" data-format=\"html\">{html}</article>",
                s.created_at,
                esc(s.author),
                esc(s.patient)
            ),
        ),
        // Issue 15 §2: a note longer than any popup, ending in a line that must be seen.
        "long" => page(
            "Long note variant",
            Some(s.patient),
            "",
            &format!(
                "{head}<article>{}<p>The last line of the long note.</p></article>",
                (1..=60)
                    .map(|i| format!("<p>Paragraph {i}: exercises reviewed, progress noted.</p>"))
                    .collect::<String>()
            ),
        ),
        // Notes of a given size with the note contract (title, author, time), for the popup-open
        // benchmark (bench/README.md): the seeded SOAP note repeated to about 10 KB / 100 KB.
        "size-10k" => sized_note(s, 10_000, ""),
        "size-100k" => sized_note(s, 100_000, ""),
        // Issue 18: a long note that opens with the hidden-text decoys (the popup shows a long
        // note's head first: nothing hidden may appear in it either).
        "hidden-100k" => sized_note(
            s,
            100_000,
            &format!("<style>{HIDDEN_STYLE}</style>{HIDDEN_BODY}"),
        ),
        _ => return None,
    })
}

/// A contract note of about `bytes` bytes of HTML: `lead`, then the session's SOAP note, repeated.
fn sized_note(s: &Session, bytes: usize, lead: &str) -> HttpResponse {
    let mut html = lead.to_string();
    let mut part = 1;
    while html.len() < bytes {
        html.push_str(&format!("<h2>Part {part}</h2>{}", soap_html(s, 1)));
        part += 1;
    }
    page(
        &format!("{} KB note variant", bytes / 1000),
        Some(s.patient),
        "",
        &format!(
            "<h1>{t}</h1><article data-motics-note data-session-id=\"{id}\" data-created-at=\"{at}\" data-author=\"{a}\" \
data-title=\"{t}\" data-patient-name=\"{p}\" data-version=\"1\" data-format=\"html\">{html}</article>",
            t = esc(s.title),
            id = s.id,
            at = s.created_at,
            a = esc(s.author),
            p = esc(s.patient)
        ),
    )
}

/// Decoys for the hidden-text fixture: each hides its text a different way.
const HIDDEN_STYLE: &str = ".gone{display:none}.ghost{visibility:hidden}.clear{opacity:0}.tiny{font-size:0}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
.away{position:absolute;left:-9999px;top:0}.ink{color:transparent}";
const HIDDEN_BODY: &str = "<h2>Subjective</h2><p>Visible start.</p>\
<p class=\"gone\">HIDDEN-display</p><p class=\"ghost\">HIDDEN-visibility</p><p class=\"clear\">HIDDEN-opacity</p>\
<p><span class=\"tiny\">HIDDEN-fontsize</span>Visible middle.</p><p class=\"sr\">HIDDEN-clipped</p>\
<p class=\"away\">HIDDEN-offscreen</p><p aria-hidden=\"true\">HIDDEN-aria</p><p style=\"display:none\">HIDDEN-inline</p>\
<p class=\"ink\">HIDDEN-transparent</p><p>Visible end.</p>";

/// Motics pages copied onto another site (`/copied/<Motics path>` on a clinic's Cliniko web host,
/// a site the extension can read but that is not Motics): the markup names a session, patient,
/// author and time the extension must not believe (issue 15 §4, §5, §12).
pub fn copied(req: &HttpRequest) -> Option<HttpResponse> {
    let rest = req.path_and_query.strip_prefix("/copied")?;
    if !rest.starts_with('/') {
        return None;
    }
    let mut inner = req.clone();
    inner.path_and_query = rest.to_string();
    Some(handle(&inner))
}

fn index() -> HttpResponse {
    let mut body = String::from("<h1>Sessions</h1><ul>");
    for s in SESSIONS {
        let state = if s.format.is_some() {
            "note ready"
        } else {
            "recording"
        };
        body.push_str(&format!("<li><a href=\"/sessions/{id}\">{p}</a> — {t} <span class=\"meta\">({state})</span></li>", id = s.id, p = esc(s.patient), t = esc(s.title)));
    }
    body.push_str("</ul><h2>Other pages</h2><ul><li><a href=\"/history\">History</a></li>");
    for v in [
        "prosemirror",
        "quill",
        "textarea",
        "article",
        "hostile",
        "hidden",
        "unnamed",
        "dob-unreadable",
        "long",
        "size-10k",
        "size-100k",
        "hidden-100k",
    ] {
        body.push_str(&format!(
            "<li><a href=\"/variants/{v}\">Variant: {v}</a></li>"
        ));
    }
    body.push_str("</ul>");
    page("Sessions", None, "", &body)
}

/// Route one request on the Motics host.
pub fn handle(req: &HttpRequest) -> HttpResponse {
    let path = req.path().trim_end_matches('/');
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let found = match segs.as_slice() {
        [""] => Some(index()),
        ["history"] => Some(history_page()),
        ["sessions", id] => SESSIONS.iter().find(|s| s.id == *id).map(session_page),
        ["variants", name] => variant(name),
        _ => None,
    };
    found.unwrap_or_else(|| {
        page(
            "Not found",
            None,
            "",
            "<h1>Page not found</h1><p><a href=\"/\">All sessions</a></p>",
        )
        .with_status(404)
    })
}
