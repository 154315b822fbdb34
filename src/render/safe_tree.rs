//! The safe tree: only Cliniko's allowed tags, links only with checked addresses. Cliniko HTML and
//! the popup preview are both serialisations of it, so the preview shows exactly what is sent.

use serde::{Deserialize, Serialize};

/// The tags Cliniko accepts in a paragraph answer (cliniko-api.md §8, "HTML in paragraph answers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    /// `p`
    P,
    /// `div`
    Div,
    /// `br` (void)
    Br,
    /// `ul`
    Ul,
    /// `ol`
    Ol,
    /// `li`
    Li,
    /// `blockquote`
    Blockquote,
    /// `h1`
    H1,
    /// `h2`
    H2,
    /// `b`
    B,
    /// `i`
    I,
    /// `u`
    U,
    /// `a` (the only tag with an attribute: `href`)
    A,
}

impl Tag {
    /// Every allowed tag.
    pub const ALL: [Tag; 13] = [
        Tag::P,
        Tag::Div,
        Tag::Br,
        Tag::Ul,
        Tag::Ol,
        Tag::Li,
        Tag::Blockquote,
        Tag::H1,
        Tag::H2,
        Tag::B,
        Tag::I,
        Tag::U,
        Tag::A,
    ];

    /// The HTML tag name.
    pub fn name(self) -> &'static str {
        match self {
            Tag::P => "p",
            Tag::Div => "div",
            Tag::Br => "br",
            Tag::Ul => "ul",
            Tag::Ol => "ol",
            Tag::Li => "li",
            Tag::Blockquote => "blockquote",
            Tag::H1 => "h1",
            Tag::H2 => "h2",
            Tag::B => "b",
            Tag::I => "i",
            Tag::U => "u",
            Tag::A => "a",
        }
    }
}

/// A node of the safe tree. JSON: text is a plain string; an element is
/// `{"t": "p", "c": [...]}`, plus `"href"` on `a` (the popup builds it with `createElement` and
/// `textContent`, never `innerHTML`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PreviewNode {
    /// Text (never contains `\n`, `\t` or control characters).
    Text(String),
    /// An element.
    Element {
        /// The tag.
        #[serde(rename = "t")]
        tag: Tag,
        /// For `a` only: an http, https or mailto address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        href: Option<String>,
        /// Children (none for `br`).
        #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
        children: Vec<PreviewNode>,
    },
}

impl PreviewNode {
    /// An element without `href`.
    pub fn el(tag: Tag, children: Vec<PreviewNode>) -> PreviewNode {
        PreviewNode::Element {
            tag,
            href: None,
            children,
        }
    }

    /// Text, with whitespace controls turned into spaces and other controls dropped, so the
    /// invariant "no `\n`/`\t`" holds whatever the model contains.
    pub fn text(s: &str) -> PreviewNode {
        PreviewNode::Text(
            s.chars()
                .filter_map(|c| match c {
                    '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect(),
        )
    }
}

/// Serialise safe nodes as HTML: `<` `>` `&` escaped in text, `"` too in `href`, no newlines.
pub fn to_html(nodes: &[PreviewNode]) -> String {
    let mut out = String::new();
    write_nodes(nodes, &mut out);
    out
}

fn write_nodes(nodes: &[PreviewNode], out: &mut String) {
    for node in nodes {
        match node {
            PreviewNode::Text(t) => escape_into(t, out),
            PreviewNode::Element { tag: Tag::Br, .. } => out.push_str("<br>"),
            PreviewNode::Element {
                tag,
                href,
                children,
            } => {
                out.push('<');
                out.push_str(tag.name());
                if let (Tag::A, Some(href)) = (tag, href) {
                    out.push_str(" href=\"");
                    escape_into(href, out);
                    out.push('"');
                }
                out.push('>');
                write_nodes(children, out);
                out.push_str("</");
                out.push_str(tag.name());
                out.push('>');
            }
        }
    }
}

/// Escape for HTML text and double-quoted attribute values.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Defence in depth: `PreviewNode::text` already removed these.
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_serialises() {
        let nodes = vec![PreviewNode::el(
            Tag::P,
            vec![
                PreviewNode::text("a < b && c > \"d\"\n"),
                PreviewNode::el(Tag::Br, vec![]),
                PreviewNode::Element {
                    tag: Tag::A,
                    href: Some("https://x.test/?a=1&b=\"2\"".into()),
                    children: vec![PreviewNode::text("x")],
                },
            ],
        )];
        assert_eq!(
            to_html(&nodes),
            "<p>a &lt; b &amp;&amp; c &gt; &quot;d&quot; <br><a href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\">x</a></p>"
        );
        let json = serde_json::to_value(&nodes).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"t": "p", "c": ["a < b && c > \"d\" ", {"t": "br"}, {"t": "a", "href": "https://x.test/?a=1&b=\"2\"", "c": ["x"]}]}])
        );
        let back: Vec<PreviewNode> = serde_json::from_value(json).unwrap();
        assert_eq!(back, nodes);
    }
}
