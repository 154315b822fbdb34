//! The document model every source is parsed into and every renderer reads: blocks, inline marks, metadata.

use serde::{Deserialize, Serialize};

/// One clinical note: an optional title, its blocks in reading order, and what we know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Note {
    /// The note's title (from the contract or the page), if any. Renderers for Cliniko do not repeat
    /// it in the body: it goes into the treatment note's own `title` field.
    pub title: Option<String>,
    /// Content, top to bottom.
    pub blocks: Vec<Block>,
    /// Author, creation time, session, patient… as read from the page.
    pub meta: Meta,
}

/// Where a note came from on the page (architecture §4 reading order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// An element carrying the Motics note contract (`data-motics-note`).
    Contract,
    /// The largest visible editor or note region.
    Editor,
    /// The user's selection.
    Selection,
}

/// Metadata about a note. Every field is optional: a page may show any subset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// Who wrote the note (the clinician's display name).
    pub author: Option<String>,
    /// When the note was created, as the page gave it (ISO 8601 from the contract).
    pub created_at: Option<String>,
    /// The Motics session id.
    pub session_id: Option<String>,
    /// The patient's name as the page shows it.
    pub patient_name: Option<String>,
    /// The patient's date of birth as the page shows it.
    pub patient_dob: Option<String>,
    /// The note's version label.
    pub version: Option<String>,
    /// Where on the page the note was read.
    pub origin: Option<Origin>,
    /// The site the note came from when it is not Motics (the footer names it).
    pub site: Option<String>,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading, level 1–6.
    Heading {
        /// 1–6 (parsers clamp anything else).
        level: u8,
        /// Heading text with marks.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph {
        /// Text with marks.
        content: Vec<Inline>,
    },
    /// A bulleted (`start: None`) or numbered (`start: Some(n)`) list.
    List {
        /// The first number of a numbered list; `None` for bullets.
        start: Option<u64>,
        /// The items, each a sequence of blocks (nested lists live inside items).
        items: Vec<ListItem>,
    },
    /// A block quote.
    Quote {
        /// Quoted blocks.
        blocks: Vec<Block>,
    },
    /// A table: header rows then body rows; each cell is inline content.
    Table {
        /// Header rows (`<thead>`, `<th>` rows, or Markdown's first row).
        head: Vec<Vec<Vec<Inline>>>,
        /// Body rows.
        body: Vec<Vec<Vec<Inline>>>,
    },
    /// Preformatted code or text: line breaks and indentation are meaningful.
    Code {
        /// The text, lines separated by `\n`.
        text: String,
    },
    /// A thematic break (`<hr>`, `---`).
    Rule,
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListItem {
    /// `Some(checked)` for a task-list item, `None` for an ordinary item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// Inline formatting marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Bold / strong.
    Bold,
    /// Italic / emphasis.
    Italic,
    /// Underline.
    Underline,
    /// Strikethrough.
    Strike,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text (whitespace already collapsed by the parser; never contains `\n`).
    Text {
        /// The text.
        text: String,
    },
    /// Inline code.
    Code {
        /// The code text.
        text: String,
    },
    /// A hard line break.
    Break,
    /// Marked-up content.
    Marked {
        /// The mark.
        mark: Mark,
        /// What it applies to.
        children: Vec<Inline>,
    },
    /// A link (the href is as the page gave it; renderers decide whether it is safe).
    Link {
        /// The destination.
        href: String,
        /// The link text.
        children: Vec<Inline>,
    },
    /// An image: renderers never send it, they keep at most its description.
    Image {
        /// Alternative text.
        alt: String,
    },
}

impl Inline {
    /// Plain text inline.
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { text: s.into() }
    }
}

impl Note {
    /// A note with these blocks and no title or metadata.
    pub fn from_blocks(blocks: Vec<Block>) -> Note {
        Note {
            blocks,
            ..Note::default()
        }
    }
}
