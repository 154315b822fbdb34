//! Nookal responses: THE one parser for every v2 body (envelope, failure, paging, bad bodies).
//!
//! v2 answers application errors with HTTP 200 and `{"status":"failure","details":{…}}`
//! (reference §1, §5), so the HTTP status says little: [`parse`] checks both and turns every
//! response into an [`Envelope`] or an [`Error`].

use super::id::Nookal;
use super::read::{Rec, as_count, as_text, bad, join, list_items};
use super::types::Decode;
use crate::error::Ehr;
use crate::http::ApiResponse;
use crate::{Error, Result};
use serde_json::{Map, Value};

/// What an HTML body (Nookal's themed "404 page not found… Hold it right there") means:
/// reference §1 says an unknown method name gets that page instead of JSON.
pub const HTML_DETAIL: &str =
    "an HTML page instead of JSON: the API method name is wrong or the Nookal API changed";

/// Longest failure message passed to the UI (Nookal's messages are one line; this only stops a
/// stray page dump from filling the popup).
const MAX_MESSAGE_CHARS: usize = 300;

/// Wait after a failure envelope that says "too many requests" (limits are unpublished, §5).
pub const DEFAULT_RATE_LIMIT_WAIT_S: u64 = 60;

/// Paging facts of a list call: `settings.nextPage`, a number or a digit string (the other
/// counts v2 sends, `currentPage`, `totalItems`…, decide nothing here and are not read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paging {
    /// `settings.nextPage`; `None` (null, `""`, `false`, `0`) on the last page.
    pub next_page: Option<u64>,
}

/// A successful v2 answer: `data.api_call`, `data.results` (always an object; PHP's empty `[]`
/// becomes `{}`), and paging.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `data.api_call`, when given.
    pub api_call: Option<String>,
    /// `data.results`.
    pub results: Map<String, Value>,
    /// Paging.
    pub paging: Paging,
}

impl Envelope {
    /// A single value under `data.results.<key>` (e.g. `note_id`, `verify`).
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.results.get(key).filter(|v| !v.is_null())
    }

    /// Text of a single value (string or number), e.g. `note_id`.
    pub fn text(&self, key: &str) -> Result<Option<String>> {
        match self.value(key) {
            None => Ok(None),
            Some(v) => as_text(v).ok_or_else(|| bad(&results_path(key), "expected text")),
        }
    }

    /// The records under `data.results.<key>`. An empty `results` (PHP sends `[]` when there
    /// is nothing) gives an empty list; `results` with other keys but not this one is an error.
    pub fn list<T: Decode<Nookal>>(&self, key: &str) -> Result<Vec<T>> {
        let path = results_path(key);
        // Present-but-null is an empty list too.
        let Some(v) = self.results.get(key) else {
            if self.results.is_empty() {
                return Ok(Vec::new());
            }
            return Err(bad(&path, "missing list"));
        };
        list_items(v, &path)?
            .into_iter()
            .map(|(item, p)| T::decode(&Rec::new(item, &p)?))
            .collect()
    }
}

fn results_path(key: &str) -> String {
    join("data.results", key)
}

/// Turn any response into an [`Envelope`] or the [`Error`] it means.
///
/// - 2xx: the body must be a JSON envelope; `status: failure` → [`failure_error`].
/// - 401 / 403 / 429 / 5xx → `Unauthorized` / `Forbidden` / `RateLimited` / `Server`.
/// - Any other status: a JSON failure envelope is still read; an HTML page (unknown method,
///   reference §1) → `UnexpectedBody` saying so; anything else → `UnexpectedStatus`.
/// - Empty, truncated, HTML, non-object and wrong-typed bodies → `UnexpectedBody` naming where.
pub fn parse(resp: &ApiResponse, now_ms: i64) -> Result<Envelope> {
    let ehr = Ehr::Nookal;
    // 401, 403, 429 and 5xx mean what they mean for every EHR (`send::status_error`; a 429's
    // wait follows whichever reset header Nookal sends, as it documents neither).
    if let Some(e) = crate::send::status_error(ehr, resp, now_ms) {
        return Err(e);
    }
    match resp.status {
        200..=299 => parse_body(&resp.body),
        status => {
            if looks_like_html(&resp.body) {
                return Err(bad("", &format!("HTTP {status} with {HTML_DETAIL}")));
            }
            match parse_body(&resp.body) {
                Err(e @ (Error::Refused { .. } | Error::Unauthorized(_))) => Err(e),
                _ => Err(Error::UnexpectedStatus { ehr, status }),
            }
        }
    }
}

fn looks_like_html(body: &str) -> bool {
    body.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

/// Read a body as the v2 envelope (any HTTP status already accepted).
pub fn parse_body(body: &str) -> Result<Envelope> {
    let value = crate::wire::parse_json(Ehr::Nookal, body, HTML_DETAIL)?;
    let top = Rec::new(&value, "")?;
    let status = top
        .text("status")
        .ok()
        .flatten()
        .map(|s| s.to_ascii_lowercase());
    match status.as_deref() {
        Some("success") => {}
        Some("failure" | "fail" | "error") => return Err(failure_error(top.raw("details"))),
        _ => return Err(bad("status", "expected \"success\" or \"failure\"")),
    }
    let (api_call, results) = match top.raw("data") {
        None => (None, Map::new()),
        Some(Value::Array(a)) if a.is_empty() => (None, Map::new()),
        Some(d) => {
            let data = Rec::new(d, "data")?;
            let results = match data.raw("results") {
                None => Map::new(),
                Some(Value::Object(m)) => m.clone(),
                Some(Value::Array(a)) if a.is_empty() => Map::new(),
                Some(_) => return Err(bad("data.results", "expected an object")),
            };
            (data.text("api_call")?, results)
        }
    };
    Ok(Envelope {
        api_call,
        results,
        paging: paging(&top)?,
    })
}

fn paging(top: &Rec<'_>) -> Result<Paging> {
    // PHP sends an empty section as `[]`.
    let Some(sec) = top
        .raw("settings")
        .filter(|s| !s.as_array().is_some_and(Vec::is_empty))
    else {
        return Ok(Paging::default());
    };
    let next_page = match Rec::new(sec, "settings")?.raw("nextPage") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(v) => {
            Some(as_count(v).ok_or_else(|| bad("settings.nextPage", "expected a whole number"))?)
        }
    };
    Ok(Paging {
        next_page: next_page.filter(|n| *n > 0),
    })
}

/// THE mapping from a failure envelope's `details` to an [`Error`].
///
/// `details.errorMessage`, `details.errorCode` and `details.alerts[]` are all read, since any may
/// be missing (the live `verify` probe had only a code and alerts, reference §1). A missing or
/// wrong key (`L000_1`, or any message about the API key or authorisation) → `Unauthorized`;
/// "too many requests" → `RateLimited`; everything else → `Refused` with Nookal's own words.
pub fn failure_error(details: Option<&Value>) -> Error {
    let ehr = Ehr::Nookal;
    let rec = details.and_then(|d| Rec::new(d, "details").ok());
    let text = |f: &str| rec.as_ref().and_then(|r| r.text(f).ok().flatten());
    let message = text("errorMessage").or_else(|| text("message"));
    let code = text("errorCode").or_else(|| text("code"));
    let alerts: Vec<String> = rec
        .and_then(|r| r.raw("alerts"))
        .map(|a| match a {
            Value::Array(items) => items.iter().filter_map(|i| as_text(i).flatten()).collect(),
            Value::Object(m) => m.values().filter_map(|i| as_text(i).flatten()).collect(),
            other => as_text(other).flatten().into_iter().collect(),
        })
        .unwrap_or_default();
    let mut said: Vec<String> = message.into_iter().collect();
    for a in alerts {
        if !said.contains(&a) {
            said.push(a);
        }
    }
    let words = said.join("; ");
    let lower = words.to_ascii_lowercase();
    let about_key = ["api_key", "api key", "apikey", "unauthori", "authenticat"]
        .iter()
        .any(|w| lower.contains(w));
    if about_key || code.as_deref() == Some("L000_1") {
        return Error::Unauthorized(ehr);
    }
    if lower.contains("too many requests") || lower.contains("rate limit") {
        return Error::RateLimited {
            ehr,
            wait_s: DEFAULT_RATE_LIMIT_WAIT_S,
        };
    }
    let mut text = if words.is_empty() {
        "Nookal gave no reason".to_string()
    } else {
        words
    };
    if let Some(c) = code {
        text.push_str(&format!(" (code {c})"));
    }
    Error::Refused {
        ehr,
        message: clip(&text),
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
    out.push('…');
    out
}

/// Whether a list call's failure only means "nothing there". UNCONFIRMED: whether Nookal answers
/// an empty search or case list with `success` and `[]` or with a failure such as `L005 "Unable
/// to retrieve patients"` (codes from an unverified type file, reference §5). Both are handled:
/// such failures read as an empty list, so "no results" never shows as an error.
pub fn means_empty_list(err: &Error) -> bool {
    let Error::Refused { message, .. } = err else {
        return false;
    };
    let m = message.to_ascii_lowercase();
    m.contains("unable to retrieve")
        || m.contains("not found")
        || m.contains("no results")
        || (m.starts_with("no ") && m.contains("found"))
}
