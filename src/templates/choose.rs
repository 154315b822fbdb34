//! The automatic template choice: the clinic's learned habit, else the best-fitting template,
//! else the fallback the extension has always used (the simplest template with free text).

use super::fit::{self, Fit};
use crate::cliniko::types::TreatmentNoteTemplate;
use crate::note::Note;
use serde::Serialize;

/// Why the automatic choice is what it is (the popup words each one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The clinician chose this template before for notes with these headings.
    Learned,
    /// The best fit, and a good one ([`Fit::is_eligible`]).
    Fit,
    /// No template fits well: the simplest template with a paragraph question.
    Fallback,
}

/// The template Automatic picks for one note, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Template id (string: 64-bit).
    pub template_id: String,
    /// Template name.
    pub name: String,
    /// Why this one.
    pub reason: Reason,
    /// The note's sections placed by name in this template.
    pub matched: usize,
    /// The note's top-level sections.
    pub sections: usize,
}

/// Every template's fit to `note`, in the list's order.
pub fn fits(templates: &[TreatmentNoteTemplate], note: &Note) -> Vec<Fit> {
    templates.iter().map(|t| fit::score(t, note)).collect()
}

/// Choose for `note`: the learned template if it is still in the list, else the best eligible
/// fit, else [`simplest`]. `fits` are [`fits`] of the same templates; `None` when no template
/// has a paragraph question.
pub fn choose(
    templates: &[TreatmentNoteTemplate],
    fits: &[Fit],
    learned: Option<&str>,
) -> Option<Choice> {
    let pick = |f: &Fit, reason| Choice {
        template_id: f.template_id.clone(),
        name: f.name.clone(),
        reason,
        matched: f.matched,
        sections: f.sections,
    };
    if let Some(f) = learned.and_then(|id| fits.iter().find(|f| f.template_id == id)) {
        return Some(pick(f, Reason::Learned));
    }
    if let Some(f) = fit::best(fits) {
        return Some(pick(f, Reason::Fit));
    }
    let simple = simplest(templates)?.id.to_string();
    fits.iter()
        .find(|f| f.template_id == simple)
        .map(|f| pick(f, Reason::Fallback))
}

/// The fallback: of the templates with a paragraph question and only free-text questions, the
/// one with the fewest questions (ties: the earlier one in the list). Before templates were fitted
/// to notes this took any template with a paragraph question; one that also asks a date, checkbox,
/// radio or body-chart question is now left to the clinician's own choice, like every automatic
/// choice ([`fit::is_free_text`]). `None` when no template qualifies: the push then asks the
/// clinician to choose one.
pub fn simplest(templates: &[TreatmentNoteTemplate]) -> Option<&TreatmentNoteTemplate> {
    templates
        .iter()
        .filter(|t| {
            t.content.as_ref().is_some_and(|c| {
                let mut questions = c.sections.iter().flat_map(|s| &s.questions);
                questions.clone().any(|q| q.is_paragraph()) && questions.all(fit::is_free_text)
            })
        })
        .min_by_key(|t| {
            t.content.as_ref().map_or(0, |c| {
                c.sections.iter().map(|s| s.questions.len()).sum::<usize>()
            })
        })
}
