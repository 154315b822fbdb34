//! The data contract between `extension/read-note.js` (which reads the page) and the core.
//!
//! `readNote(options)` is injected with `scripting.executeScript({func: readNote, args: [options]})`
//! and returns plain, structured-clonable data; `extension/read-note.js` mirrors these types exactly
//! (keep both in step). Shapes, as JSON:
//!
//! ```text
//! options  = {mode: "page" | "selection", maxBytes: number, headBytes?: number, json?: bool}
//! reply    = {ok: true,  candidates: [NoteSource, …], page: PageInfo}
//!          | {ok: false, error: "too_large" | "no_note", bytes?: number, limit?: number, page: PageInfo}
//! NoteSource = {format: "dom" | "markdown" | "text", tree?: [DomNode], text?: string, meta: SourceMeta}
//! SourceMeta = {title, author, created_at, session_id, patient_name, patient_dob, version,
//!               origin: "contract" | "editor" | "selection", site}   (each string or null)
//! PageInfo   = {session_id, patient_name, patient_dob, url, title}   (each string or null)
//! DomNode    = string (text) | {t: "tag", a?: DomAttrs, c?: [DomNode]}
//! DomAttrs   = {href?, start?, type?, checked?, colspan?, alt?, list?, marks?}   (only what we use)
//! ```
//!
//! With `headBytes`, a long note's candidate may be its head only, marked `partial: true` (the popup
//! previews it with `note/prepare` `head` and pushes only a whole read; the core ignores the mark);
//! with `json`, the reply comes back as its JSON text.
//! `candidates` is in page order; several come only from the note contract (history page, versions),
//! and the popup lets the clinician pick one. `tree` is set for `dom`, `text` for `markdown`/`text`.
//! Tag names are lowercase. `a.href` is the resolved absolute URL (`HTMLAnchorElement.href`);
//! `a.checked` marks a task-list `li` (a checkbox inside it, or an editor's `data-checked`);
//! `a.list` carries Quill's `li[data-list]` (`bullet`/`ordered`/`checked`/`unchecked`);
//! `a.marks` lists marks the page expressed with inline style, space-separated from `b i u s`.

use super::model::Origin;
use crate::wire;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::fmt;

/// What `readNote` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReadReply {
    /// One or more notes were read.
    Found(ReadFound),
    /// Nothing usable was read.
    Failed(ReadFailed),
}

/// `{ok: true, candidates, page}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadFound {
    /// Always `true`.
    pub ok: bool,
    /// The notes found, in page order (never empty).
    pub candidates: Vec<NoteSource>,
    /// What the page shows about the session and patient.
    pub page: PageInfo,
}

/// `{ok: false, error, bytes?, limit?, page}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadFailed {
    /// Always `false`.
    pub ok: bool,
    /// Why.
    pub error: ReadError,
    /// For `too_large`: the size read so far, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// For `too_large`: the cap, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// What the page shows (a recording page has a session and patient but no note yet).
    #[serde(default)]
    pub page: PageInfo,
}

/// Why `readNote` found nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadError {
    /// The note is larger than `maxBytes`.
    TooLarge,
    /// No contract element, editor, note region or selection with text.
    NoNote,
}

/// Page-level facts, read even when there is no note (e.g. a recording in progress).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageInfo {
    /// `main[data-motics-session]` or a contract's `data-session-id`.
    pub session_id: Option<String>,
    /// The patient's name as the page shows it.
    pub patient_name: Option<String>,
    /// The patient's date of birth, if shown.
    pub patient_dob: Option<String>,
    /// The page URL.
    pub url: Option<String>,
    /// The document title.
    pub title: Option<String>,
}

/// How a source's content is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// `tree` holds a compact DOM tree.
    Dom,
    /// `text` holds Markdown source.
    Markdown,
    /// `text` holds plain text.
    Text,
}

/// One note as read from the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSource {
    /// Which of `tree` / `text` carries the note.
    pub format: SourceFormat,
    /// The DOM tree (format `dom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<Vec<DomNode>>,
    /// Markdown or plain text (formats `markdown`, `text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Metadata from the contract or the page.
    #[serde(default)]
    pub meta: SourceMeta,
}

/// Metadata as `readNote` found it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceMeta {
    /// `data-title`, or the page's heading.
    pub title: Option<String>,
    /// `data-author`, or what the page shows.
    pub author: Option<String>,
    /// `data-created-at` (ISO 8601), or a `<time datetime>` the page shows.
    pub created_at: Option<String>,
    /// `data-session-id` / `data-motics-session`.
    pub session_id: Option<String>,
    /// `data-patient-name`, or what the page shows.
    pub patient_name: Option<String>,
    /// `data-patient-dob`.
    pub patient_dob: Option<String>,
    /// `data-version`.
    pub version: Option<String>,
    /// Where the note was read.
    pub origin: Option<Origin>,
    /// The site's host name when the page is not a Motics origin (`extension/lib/motics.js`):
    /// then only the note text is kept (see [`super::from_source`]).
    pub site: Option<String>,
}

/// A node of the compact DOM tree: a text string or an element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DomNode {
    /// A text node, verbatim (whitespace is collapsed by the parser, except inside `pre`).
    Text(String),
    /// An element.
    Element(DomElement),
}

/// `{t, a, c}`: tag, the attributes we use, children.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomElement {
    /// Lowercase tag name.
    pub t: String,
    /// Attributes we use.
    #[serde(default, skip_serializing_if = "DomAttrs::is_empty")]
    pub a: DomAttrs,
    /// Children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub c: Vec<DomNode>,
}

/// The only attributes the parser reads. Numbers arrive as strings or numbers (JS `getAttribute` vs
/// properties), so they are kept as JSON values and read leniently.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomAttrs {
    /// `a[href]`, resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// `ol[start]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NumOrString>,
    /// `ol[type]` / `input[type]`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Task-list state of an `li` (or `input[type=checkbox]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
    /// `td[colspan]` (read for completeness; flattened tables ignore spans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colspan: Option<NumOrString>,
    /// `img[alt]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Quill's `li[data-list]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// Marks from inline style: space-separated subset of `b i u s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marks: Option<String>,
}

impl DomAttrs {
    /// Whether no attribute is set (so it is omitted from JSON).
    pub fn is_empty(&self) -> bool {
        *self == DomAttrs::default()
    }
}

/// A number the page may send as a JSON number or a string. Never an id: only list starts and spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum NumOrString {
    /// A JSON number (kept as its text so no f64 rounding sneaks in).
    Num(serde_json::Number),
    /// A string.
    Str(String),
}

// By hand, not `#[serde(untagged)]` (see `crate::wire`), and not through `wire::value` either:
// buffering each node as a `Value` copied every subtree once per level above it (15 ms of a 100 KB
// note's 50 ms in `note/prepare`; bench/README.md, popup open). A visitor reads each node once.
impl<'de> Deserialize<'de> for DomNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DomNodeVisitor)
    }
}

struct DomNodeVisitor;

impl<'de> Visitor<'de> for DomNodeVisitor {
    type Value = DomNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a DOM node: a text string or an element object")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DomNode, E> {
        Ok(DomNode::Text(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<DomNode, E> {
        Ok(DomNode::Text(text))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DomNode, A::Error> {
        DomElement::deserialize(MapAccessDeserializer::new(map)).map(DomNode::Element)
    }
}

// By hand, not `#[serde(untagged)]`: see `crate::wire`.
impl<'de> Deserialize<'de> for NumOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match wire::value(d)? {
            Value::Number(n) => Ok(NumOrString::Num(n)),
            Value::String(s) => Ok(NumOrString::Str(s)),
            _ => Err(D::Error::custom("expected a number or a string")),
        }
    }
}

impl NumOrString {
    /// The value as a non-negative integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            NumOrString::Num(n) => n.as_u64(),
            NumOrString::Str(s) => s.trim().parse().ok(),
        }
    }
}

impl DomElement {
    /// An element with a tag and children.
    pub fn new(t: &str, c: Vec<DomNode>) -> DomElement {
        DomElement {
            t: t.to_string(),
            a: DomAttrs::default(),
            c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dom_nodes_read_the_same_from_text_and_from_a_value() {
        let tree = json!(["top", {"t": "ul", "a": {"start": 3}, "c": [
            {"t": "li", "a": {"checked": true}, "c": ["one", {"t": "b", "c": ["two"]}]},
            {"t": "br"},
        ]}]);
        let from_value: Vec<DomNode> = serde_json::from_value(tree.clone()).unwrap();
        let from_text: Vec<DomNode> = serde_json::from_str(&tree.to_string()).unwrap();
        assert_eq!(from_value, from_text);
        let DomNode::Element(ul) = &from_value[1] else {
            panic!("an element")
        };
        assert_eq!(
            (
                ul.t.as_str(),
                ul.a.start.as_ref().and_then(NumOrString::as_u64)
            ),
            ("ul", Some(3))
        );
        let DomNode::Element(li) = &ul.c[0] else {
            panic!("an element")
        };
        assert_eq!(li.a.checked, Some(true));
        assert_eq!(
            li.c[1],
            DomNode::Element(DomElement::new("b", vec![DomNode::Text("two".into())]))
        );
        // Written back, it is the same JSON.
        assert_eq!(serde_json::to_value(&from_value).unwrap(), tree);
    }

    #[test]
    fn a_dom_node_is_text_or_an_element() {
        for bad in [json!(5), json!(null), json!([]), json!({"c": []})] {
            let err = serde_json::from_value::<DomNode>(bad.clone())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("DOM node") || err.contains("missing field `t`"),
                "{bad}: {err}"
            );
        }
    }
}
