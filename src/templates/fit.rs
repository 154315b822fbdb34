//! How well a note fits one template: its sections matched by name, in order, and whether the
//! mapping can answer every question the template asks.

use crate::cliniko::content::{self, Content, Placement, Question};
use crate::cliniko::types::TreatmentNoteTemplate;
use crate::note::Note;
use serde::Serialize;

/// Question types the note's text can answer, or a clinician can leave blank in Cliniko's editor:
/// free text. The others (date, checkboxes, radiobuttons, bodycharts) ask for a value the note
/// cannot give, and Cliniko's API does not say which questions are required (the official
/// `TreatmentNoteTemplateQuestion*` schemas carry only name, type and choices), so any of them
/// may be: a template that has one is never chosen automatically (see [`Fit::unanswerable`]).
const FREE_TEXT: &[&str] = &["paragraph", "text"];

/// Whether a question is free text: the note can answer it, or a clinician may leave it blank.
pub fn is_free_text(q: &Question) -> bool {
    FREE_TEXT.contains(&q.kind.as_str())
}

/// The fit of one note to one template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fit {
    /// Template id (string: 64-bit).
    pub template_id: String,
    /// Template name.
    pub name: String,
    /// The note's top-level sections (headed parts at the level the note is split at).
    pub sections: usize,
    /// Sections placed by name: exactly or by synonym.
    pub matched: usize,
    /// Of those, placed by their own spelling.
    pub exact: usize,
    /// Pairs of matched sections that land in the template in the opposite order (tie-breaker).
    pub out_of_order: usize,
    /// The template's paragraph questions the note leaves empty (tie-breaker: the tighter fit).
    pub unfilled: usize,
    /// Names of the questions the note cannot answer (not free text).
    pub unanswerable: Vec<String>,
    /// The question text that fits no section goes to (under its own heading), if any.
    pub catch_all: Option<String>,
}

/// Score `note` against `template`, using the same placement as the filler
/// ([`content::place`]), so the score describes exactly what would be sent.
pub fn score(template: &TreatmentNoteTemplate, note: &Note) -> Fit {
    let empty = Content::default();
    let c = template.content.as_ref().unwrap_or(&empty);
    let placed = content::place(c, note);
    let headed: Vec<_> = placed.iter().filter(|p| p.heading.is_some()).collect();
    let by_name: Vec<_> = headed
        .iter()
        .filter(|p| p.how != Placement::General)
        .collect();
    let out_of_order = by_name
        .iter()
        .enumerate()
        .map(|(i, a)| {
            by_name[i + 1..]
                .iter()
                .filter(|b| (b.section, b.question) < (a.section, a.question))
                .count()
        })
        .sum();
    let filled: std::collections::HashSet<(usize, usize)> =
        placed.iter().map(|p| (p.section, p.question)).collect();
    let questions = c.sections.iter().enumerate().flat_map(|(si, s)| {
        s.questions
            .iter()
            .enumerate()
            .map(move |(qi, q)| (si, qi, q))
    });
    let mut unfilled = 0;
    let mut unanswerable = Vec::new();
    for (si, qi, q) in questions {
        if q.is_paragraph() && !filled.contains(&(si, qi)) {
            unfilled += 1;
        }
        if !is_free_text(q) {
            unanswerable.push(q.name.clone());
        }
    }
    Fit {
        template_id: template.id.to_string(),
        name: template.name.clone(),
        sections: headed.len(),
        matched: by_name.len(),
        exact: by_name.iter().filter(|p| p.how == Placement::Exact).count(),
        out_of_order,
        unfilled,
        unanswerable,
        catch_all: content::general_target(c)
            .and_then(|(si, qi)| c.sections.get(si)?.questions.get(qi))
            .map(|q| q.name.clone()),
    }
}

impl Fit {
    /// Whether the fit is good enough to choose this template over the fallback.
    ///
    /// Every section placed by name is a fit (the rule). Short of that, at least three
    /// of four sections and at least two: an unmatched section is not lost (it goes, under its
    /// own heading, into the template's most general question), so a template that places most
    /// sections still keeps most of the note in the clinic's structure, which beats the fallback
    /// that keeps none of it. Below three in four, the template is more likely made for another
    /// kind of note (an initial-assessment template shares a "Plan" with almost every note), and
    /// a single shared name among several is as likely coincidence as fit.
    pub fn is_good(&self) -> bool {
        self.sections > 0
            && (self.matched == self.sections
                || (self.matched >= 2 && 4 * self.matched >= 3 * self.sections))
    }

    /// Whether the automatic choice may take this template: the fit is good and the mapping can
    /// answer every question (no surprise 422 for a required date, checkbox or radio question).
    pub fn is_eligible(&self) -> bool {
        self.is_good() && self.unanswerable.is_empty()
    }

    /// Best first: more sections matched, more of them by their own spelling, fewer out of
    /// order, fewer questions left empty.
    fn rank(
        &self,
    ) -> (
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
        usize,
        usize,
    ) {
        use std::cmp::Reverse;
        (
            Reverse(self.matched),
            Reverse(self.exact),
            self.out_of_order,
            self.unfilled,
        )
    }
}

/// The best eligible fit, if any (ties: the earlier template in the list).
pub fn best(fits: &[Fit]) -> Option<&Fit> {
    fits.iter()
        .filter(|f| f.is_eligible())
        .min_by_key(|f| f.rank())
}
