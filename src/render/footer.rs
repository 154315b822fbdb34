//! The footer line every pushed note carries: author, creation time, origin and push reference.

use super::safe_tree::{PreviewNode, Tag};
use crate::note::Meta;
use serde::{Deserialize, Serialize};

/// What the footer says. Everything is optional; missing parts are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Footer {
    /// The author's name; `None` uses the note's `meta.author`.
    pub author: Option<String>,
    /// The creation time, preformatted by the caller in the browser's locale
    /// (e.g. "31/01/2025 10:02"); `None` uses the note's raw `meta.created_at`.
    pub created: Option<String>,
    /// The push reference (e.g. "7K2P9Q") that lets a duplicate be recognised later.
    pub reference: Option<String>,
}

/// Rendering options shared by every renderer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RenderOptions {
    /// The footer; `None` renders no footer (tests, previews of the bare note).
    pub footer: Option<Footer>,
}

impl Footer {
    /// The footer's parts, in order: "Written by …", the date, "Pushed from Motics" (or the
    /// other site's name), "ref …".
    pub fn parts(&self, meta: &Meta) -> Vec<String> {
        let pick = |own: &Option<String>, fallback: &Option<String>| {
            own.as_deref()
                .or(fallback.as_deref())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut parts = Vec::new();
        if let Some(author) = pick(&self.author, &meta.author) {
            parts.push(format!("Written by {author}"));
        }
        if let Some(date) = pick(&self.created, &meta.created_at) {
            parts.push(date);
        }
        // A note from another site names that site, never Motics (issue 15 §4).
        let source = meta.site.as_deref().unwrap_or("Motics");
        parts.push(format!("Pushed from {source}"));
        if let Some(r) = pick(&self.reference, &None) {
            parts.push(format!("ref {r}"));
        }
        parts
    }

    /// The Cliniko footer: one italic paragraph, parts separated by " · ".
    pub fn node(&self, meta: &Meta) -> PreviewNode {
        let line = self.parts(meta).join(" · ");
        PreviewNode::el(
            Tag::P,
            vec![PreviewNode::el(Tag::I, vec![PreviewNode::text(&line)])],
        )
    }

    /// The plain-text footer (ASCII separators, since Nookal garbles non-ASCII).
    pub fn line(&self, meta: &Meta) -> String {
        self.parts(meta).join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_use_caller_values_then_metadata() {
        let meta = Meta {
            author: Some("Jane Smith".into()),
            created_at: Some("2025-01-31T10:02:00Z".into()),
            ..Meta::default()
        };
        let f = Footer {
            created: Some("31/01/2025 10:02".into()),
            reference: Some("7K2P9Q".into()),
            ..Footer::default()
        };
        assert_eq!(
            f.line(&meta),
            "Written by Jane Smith | 31/01/2025 10:02 | Pushed from Motics | ref 7K2P9Q"
        );
        assert_eq!(
            Footer::default().line(&Meta::default()),
            "Pushed from Motics"
        );
        assert_eq!(
            Footer::default().line(&meta),
            "Written by Jane Smith | 2025-01-31T10:02:00Z | Pushed from Motics"
        );
    }
}
