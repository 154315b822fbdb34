//! Treatment-note content (sections → questions) and mapping a `Note` onto a template.
//!
//! Types follow the OpenAPI `TreatmentNote.content` schema and cliniko-api.md §8. Cliniko rejects
//! empty `sections`/`questions`/`answers` arrays, empty `answer`s and `selected: false`, so these
//! types cannot serialise any of them: arrays are skipped when empty, blank answers when blank,
//! and `selected` unless it is `true`. Templates and notes share the types (a template's
//! checkbox/radio answers simply have no `selected`).

use crate::error::{Error, Result};
use crate::note::text::{has_text, inline_text};
use crate::note::{Block, Note};
use crate::render::RenderOptions;
use crate::render::cliniko_tree::blocks_to_nodes;
use crate::render::report::{DowngradeKind as K, Report};
use crate::render::safe_tree::to_html;
use crate::templates::synonyms::{is_general, name_key, synonyms};
use serde::{Deserialize, Serialize};

/// `content`: the note's (or template's) sections.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Content {
    /// Sections, in order (omitted when empty: send `content: null` instead of no sections).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

/// One section of a template or note.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Section {
    /// Section name (≤255, nullable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Section description (nullable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Questions (omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
}

/// The question type of a paragraph question (sanitised HTML answer: free text goes here).
pub const PARAGRAPH: &str = "paragraph";

/// One question. `type` is kept as a string so unknown future types pass through unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Question {
    /// Question name (≤255, required).
    pub name: String,
    /// `text`, `paragraph`, `date`, `checkboxes`, `radiobuttons`, `bodycharts`.
    #[serde(rename = "type")]
    pub kind: String,
    /// text/paragraph/date answer (for paragraph: sanitised HTML). Never sent blank.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub answer: Option<String>,
    /// checkboxes/radiobuttons choices (omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Choice>,
    /// checkboxes/radiobuttons "other" option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Other>,
    /// bodycharts: chart ids (strings: Cliniko ids are 64-bit; omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_chart_ids: Vec<String>,
}

/// A checkbox/radio choice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Choice {
    /// The choice's label (≤255, nullable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Only ever sent as `true` (Cliniko accepts nothing else).
    #[serde(default, skip_serializing_if = "not_true")]
    pub selected: Option<bool>,
}

/// The "other" option of a checkbox/radio question.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Other {
    /// Whether "other" is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Only ever sent as `true`.
    #[serde(default, skip_serializing_if = "not_true")]
    pub selected: Option<bool>,
    /// The text typed for "other" (≤255).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub value: Option<String>,
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn not_true(v: &Option<bool>) -> bool {
    *v != Some(true)
}

impl Question {
    /// Whether this is a paragraph question.
    pub fn is_paragraph(&self) -> bool {
        self.kind == PARAGRAPH
    }

    /// A paragraph question with an answer.
    pub fn paragraph(name: &str, answer: String) -> Question {
        Question {
            name: name.to_string(),
            kind: PARAGRAPH.to_string(),
            answer: Some(answer),
            ..Question::default()
        }
    }

    /// Keep radio buttons valid: at most one selected answer, and none when "other" is selected
    /// (cliniko-api.md §8, LEGACY validation rules).
    fn make_valid(&mut self) {
        if self.kind == "radiobuttons" {
            let other_selected = self
                .other
                .as_ref()
                .is_some_and(|o| o.selected == Some(true));
            let mut seen = other_selected;
            for c in &mut self.answers {
                if c.selected == Some(true) {
                    if seen {
                        c.selected = None;
                    }
                    seen = true;
                }
            }
        }
    }
}

/// Name of the section added when a template has no paragraph question, or when there is no template.
pub const FALLBACK_SECTION: &str = "Motics note";
/// Name of the paragraph question in [`FALLBACK_SECTION`].
pub const FALLBACK_QUESTION: &str = "Note";

/// Filled content and what had to change on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filled {
    /// The content to send.
    pub content: Content,
    /// Rendering downgrades plus unmatched sections.
    pub report: Report,
}

/// Where a paragraph answer goes: (section index, question index).
type Target = (usize, usize);

/// How a part of the note found its question (see [`place`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// The heading is the section's or the question's name (case, spacing, punctuation ignored).
    Exact,
    /// The heading means the same by the one synonym table ("History" → "Subjective", "S" →
    /// "Subjective"; `crate::templates::synonyms`).
    Synonym,
    /// No name matched (or text before the first heading): the template's most general question.
    General,
}

/// Where one part of the note goes: a paragraph question of the template, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The part's heading (`None`: text before the first heading).
    pub heading: Option<String>,
    /// Index of the section in the template.
    pub section: usize,
    /// Index of the question in that section.
    pub question: usize,
    /// How it was matched.
    pub how: Placement,
}

/// Where each part of the note would go in `content`, in note order: the mapping
/// [`fill_template`] uses, for callers that only need to know how well a template fits. Empty when
/// the template has no paragraph question (then everything goes to an added section).
pub fn place(content: &Content, note: &Note) -> Vec<Placed> {
    let Some(general) = general_target(content) else {
        return Vec::new();
    };
    split_parts(&note.blocks, |name| find_target(content, name).is_some())
        .iter()
        .map(|part| {
            let (target, how) = part
                .name
                .as_deref()
                .and_then(|n| find_target(content, n))
                .unwrap_or((general, Placement::General));
            Placed {
                heading: part.name.clone(),
                section: target.0,
                question: target.1,
                how,
            }
        })
        .collect()
}

/// Put a note into a template's content.
///
/// The note is split at its top-level headings; each part goes into the paragraph question of
/// the section with the same name (case, spacing and punctuation ignored), else a paragraph
/// question of that name, else (by the one synonym table: "S", "History" → "Subjective", …) a
/// section or question that means the same. Parts that match nothing, and any text before the
/// first heading, go in note order into the template's most general paragraph question (one
/// named like "Notes" or "Other", else the first), with their headings kept. Nothing is dropped;
/// the footer ends the last filled answer.
///
/// Other question types keep the template's structure. Paragraph questions we do not fill keep
/// the template's default answer, as Cliniko's own editor would.
///
/// Decision (template with no paragraph question): a section [`FALLBACK_SECTION`] with one
/// paragraph question is appended after the template's sections, and the report says so. Whether
/// Cliniko accepts content that differs from its template is UNCONFIRMED (cliniko-api.md §8): if it
/// merges, the note lands; if it refuses, the 422 reaches the user as a validation error naming
/// the field, and they can pick another template. Failing up front would block the first case.
///
/// `None` template: one section [`FALLBACK_SECTION`] holding one paragraph question.
pub fn fill_template(
    template: Option<&Content>,
    note: &Note,
    opts: &RenderOptions,
) -> Result<Filled> {
    if !has_text(note) {
        return Err(Error::EmptyNote);
    }
    let mut report = Report::new();
    let mut content = template.cloned().unwrap_or_default();
    let template_has_paragraph = general_target(&content).is_some();
    if !template_has_paragraph {
        if template.is_some_and(|t| !t.sections.is_empty()) {
            report.add(K::SectionAdded, Some(FALLBACK_SECTION));
        }
        content.sections.push(Section {
            name: Some(FALLBACK_SECTION.to_string()),
            description: None,
            questions: vec![Question::paragraph(FALLBACK_QUESTION, String::new())],
        });
    }
    let general = general_target(&content)
        .ok_or_else(|| Error::InvalidInput("no paragraph question to fill".into()))?;

    let parts = split_parts(&note.blocks, |name| find_target(&content, name).is_some());
    // Each target's parts in note order, with whether the part matched it by name.
    let mut fills: Vec<(Target, Vec<(&Part<'_>, bool)>)> = Vec::new();
    let mut unmatched = 0usize;
    for part in &parts {
        let matched = part.name.as_deref().and_then(|n| find_target(&content, n));
        if matched.is_none() && part.name.is_some() {
            unmatched += 1;
        }
        let target = matched.map_or(general, |(t, _)| t);
        match fills.iter_mut().find(|(t, _)| *t == target) {
            Some((_, v)) => v.push((part, matched.is_some())),
            None => fills.push((target, vec![(part, matched.is_some())])),
        }
    }
    // Only a template's own question is worth naming; the fallback section is reported already.
    if unmatched > 0 && template_has_paragraph {
        let name = question(&content, general)
            .map(|q| q.name.clone())
            .unwrap_or_default();
        for _ in 0..unmatched {
            report.add(K::UnmatchedSection, Some(&name));
        }
    }
    // A matched heading is the question's own name, so it is left out, unless the question also
    // holds other parts: then every heading stays, so no text reads as part of the wrong section.
    let mut fills: Vec<(Target, Vec<Block>)> = fills
        .into_iter()
        .map(|(t, ps)| {
            let keep = ps.len() > 1;
            let blocks = ps
                .iter()
                .flat_map(|(p, matched)| if *matched && !keep { p.body } else { p.blocks })
                .cloned()
                .collect();
            (t, blocks)
        })
        .filter(|(_, b): &(Target, Vec<Block>)| !b.is_empty())
        .collect();
    // A note of bare matching headings would fill nothing: then everything goes to the general question.
    if fills.is_empty() {
        fills.push((general, note.blocks.clone()));
    }

    // Fill in template order; the footer goes at the end of the last filled answer.
    fills.sort_by_key(|(t, _)| *t);
    let last = fills.last().map(|(t, _)| *t);
    for (target, blocks) in &fills {
        let mut nodes = blocks_to_nodes(blocks, &mut report);
        if Some(*target) == last
            && let Some(f) = &opts.footer
        {
            nodes.push(f.node(&note.meta));
        }
        if let Some(q) = question_mut(&mut content, *target) {
            q.answer = Some(to_html(&nodes));
        }
    }
    for s in &mut content.sections {
        for q in &mut s.questions {
            q.make_valid();
        }
    }
    Ok(Filled { content, report })
}

fn paragraph_targets(content: &Content) -> impl Iterator<Item = Target> + '_ {
    content.sections.iter().enumerate().flat_map(|(si, s)| {
        s.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| q.is_paragraph())
            .map(move |(qi, _)| (si, qi))
    })
}

/// The most general paragraph question, where text that fits no section goes: the first whose
/// question or section is a catch-all ("Notes", "Other", …), else the first paragraph question;
/// `None` without one.
pub fn general_target(content: &Content) -> Option<Target> {
    let catch_all = |&(si, qi): &Target| {
        let s = &content.sections[si];
        is_general(&s.questions[qi].name) || s.name.as_deref().is_some_and(is_general)
    };
    paragraph_targets(content)
        .find(catch_all)
        .or_else(|| paragraph_targets(content).next())
}

fn question(content: &Content, (s, q): Target) -> Option<&Question> {
    content.sections.get(s)?.questions.get(q)
}

fn question_mut(content: &mut Content, (s, q): Target) -> Option<&mut Question> {
    content.sections.get_mut(s)?.questions.get_mut(q)
}

/// The paragraph question a heading belongs to, best first: the first paragraph question of the
/// section with that name; the first paragraph question with that name; then the same two by
/// synonym (a name's own spelling always wins over a synonym, so a template with both "Treatment"
/// and "Plan" sections keeps them apart).
fn find_target(content: &Content, heading: &str) -> Option<(Target, Placement)> {
    let key = name_key(heading);
    if key.is_empty() {
        return None;
    }
    let by = |same: &dyn Fn(&str) -> bool| {
        let by_section = content.sections.iter().enumerate().find_map(|(si, s)| {
            let named = s.name.as_deref().is_some_and(same);
            let qi = s.questions.iter().position(Question::is_paragraph)?;
            named.then_some((si, qi))
        });
        by_section.or_else(|| {
            content.sections.iter().enumerate().find_map(|(si, s)| {
                let qi = s
                    .questions
                    .iter()
                    .position(|q| q.is_paragraph() && same(&q.name))?;
                Some((si, qi))
            })
        })
    };
    by(&|n| name_key(n) == key)
        .map(|t| (t, Placement::Exact))
        .or_else(|| by(&|n| synonyms(&name_key(n), &key)).map(|t| (t, Placement::Synonym)))
}

/// One part of the note: an optional heading and the blocks up to the next split heading.
struct Part<'a> {
    name: Option<String>,
    /// Heading (if any) followed by the body, as a slice of the note's blocks.
    blocks: &'a [Block],
    body: &'a [Block],
}

/// Split top-level blocks at the heading level that matches the template best (ties: the
/// higher-ranked level); with no match anywhere, at the highest-ranked level present.
fn split_parts(blocks: &[Block], matches: impl Fn(&str) -> bool) -> Vec<Part<'_>> {
    let level_of = |b: &Block| match b {
        Block::Heading { level, .. } => Some(*level),
        _ => None,
    };
    let mut levels: Vec<u8> = blocks.iter().filter_map(level_of).collect();
    levels.sort_unstable();
    levels.dedup();
    let mut best: Option<(u8, usize)> = None;
    for &l in &levels {
        let n = blocks
            .iter()
            .filter(|b| match b {
                Block::Heading { level, content } => *level == l && matches(&inline_text(content)),
                _ => false,
            })
            .count();
        if best.is_none_or(|(_, bn)| n > bn) {
            best = Some((l, n));
        }
    }
    let split_level = best.map(|(l, _)| l);
    let is_split = |b: &Block| split_level.is_some() && level_of(b) == split_level;

    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..=blocks.len() {
        if i == blocks.len() || is_split(&blocks[i]) {
            parts.push(make_part(&blocks[start..i], is_split(&blocks[start])));
            start = i;
        }
    }
    parts
}

fn make_part(blocks: &[Block], headed: bool) -> Part<'_> {
    if headed && let Some(Block::Heading { content, .. }) = blocks.first() {
        return Part {
            name: Some(inline_text(content)),
            blocks,
            body: &blocks[1..],
        };
    }
    Part {
        name: None,
        blocks,
        body: blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn never_serialises_empty_arrays_answers_or_false_selected() {
        let q = Question {
            name: "Side".into(),
            kind: "radiobuttons".into(),
            answer: Some("  ".into()),
            answers: vec![
                Choice {
                    value: Some("L".into()),
                    selected: Some(false),
                },
                Choice {
                    value: Some("R".into()),
                    selected: None,
                },
            ],
            other: Some(Other {
                enabled: Some(true),
                selected: Some(false),
                value: Some(String::new()),
            }),
            body_chart_ids: vec![],
        };
        let s = Section {
            name: Some("S".into()),
            description: None,
            questions: vec![q],
        };
        let v = serde_json::to_value(Content {
            sections: vec![s, Section::default()],
        })
        .unwrap();
        assert_eq!(
            v,
            json!({"sections": [
                {"name": "S", "questions": [{"name": "Side", "type": "radiobuttons",
                  "answers": [{"value": "L"}, {"value": "R"}], "other": {"enabled": true}}]},
                {}
            ]})
        );
    }

    #[test]
    fn radio_keeps_at_most_one_selected() {
        let mut q = Question {
            kind: "radiobuttons".into(),
            answers: vec![
                Choice {
                    value: Some("a".into()),
                    selected: Some(true),
                },
                Choice {
                    value: Some("b".into()),
                    selected: Some(true),
                },
            ],
            ..Question::default()
        };
        q.make_valid();
        assert_eq!(q.answers[0].selected, Some(true));
        assert_eq!(q.answers[1].selected, None);
        q.other = Some(Other {
            enabled: Some(true),
            selected: Some(true),
            value: Some("x".into()),
        });
        q.make_valid();
        assert_eq!(q.answers[0].selected, None);
    }
}
