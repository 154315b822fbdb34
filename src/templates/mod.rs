//! Which Cliniko treatment-note template a note goes into when the setting is "Automatic": the
//! template whose sections fit the note's headings, or the one the clinic chose last time.
//!
//! Pure: [`synonyms`] (the one table of section names), [`fit`] (score one template),
//! [`choose`] (pick). Effects through `Env`: [`habit`] (learned choices in storage.local)
//! and the two entry points here, [`advise`] for the preview and [`for_push`] for the push.
//!
//! Cliniko only: Nookal's v2 API has no note templates, so nothing here runs for Nookal.

pub mod choose;
pub mod fit;
pub mod habit;
pub mod synonyms;

use crate::Result;
use crate::cliniko::{ClinikoId, connect, store};
use crate::note::Note;
use crate::settings;
use crate::worker::Env;
use choose::Choice;
use fit::Fit;
use serde::Serialize;

/// What the preview shows about templates for one note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// What "Automatic" picks, and why; `None` when Settings names a default template (that one
    /// applies, as before) or no template has a paragraph question.
    pub automatic: Option<Choice>,
    /// Every active template's fit, in the list's order: the popup explains a template the
    /// clinician picks by hand from these (matched sections, questions the note can't answer).
    pub fits: Vec<Fit>,
}

/// The saved default template (Settings), if any.
async fn settings_default<P: Env>(p: &P) -> Result<Option<String>> {
    Ok(settings::load(p).await?.template_id)
}

/// The template advice for a note about to go to Cliniko: the clinic's templates (cached list),
/// each one's fit, and the automatic choice.
pub async fn advise<P: Env>(p: &P, note: &Note) -> Result<Advice> {
    let templates = connect::list_templates(p, false).await?;
    let fits = choose::fits(&templates, note);
    let automatic = if settings_default(p).await?.is_some() {
        None
    } else {
        let learned = match store::STORE.load_connection(p).await? {
            Some(conn) => {
                habit::recall(p, &habit::account(&conn), &habit::heading_set(note)).await?
            }
            None => None,
        };
        choose::choose(&templates, &fits, learned.as_deref())
    };
    Ok(Advice { automatic, fits })
}

/// The template a push uses. `picked`: the template the clinician chose in the popup (`None`:
/// Automatic). `automatic`: what the preview showed Automatic would pick.
///
/// A pick that differs from the automatic choice is the clinic's habit: it is remembered for
/// this account and heading set (template id and a hash of the headings, no note text). With
/// Automatic, the preview's choice is sent (what the clinician saw); without one (e.g. a caller
/// that never showed a preview), Settings' default, else the choice is made now. `None` leaves
/// the fallback to the push itself (the simplest template, as before).
pub async fn for_push<P: Env>(
    p: &P,
    note: &Note,
    picked: Option<String>,
    automatic: Option<String>,
) -> Result<Option<String>> {
    let parse = |t: Option<String>| -> Result<Option<String>> {
        match t.filter(|t| !t.trim().is_empty()) {
            Some(t) => Ok(Some(ClinikoId::parse(t.trim())?.to_string())),
            None => Ok(None),
        }
    };
    let (picked, automatic) = (parse(picked)?, parse(automatic)?);
    if let Some(id) = picked {
        if automatic.as_ref().is_some_and(|a| *a != id)
            && let Some(conn) = store::STORE.load_connection(p).await?
        {
            habit::learn(p, &habit::account(&conn), &habit::heading_set(note), &id).await?;
        }
        return Ok(Some(id));
    }
    if automatic.is_some() {
        return Ok(automatic);
    }
    if let Some(id) = settings_default(p).await? {
        return Ok(Some(id));
    }
    // No preview (or it had no template list): choose now; offline, the push's own fallback applies.
    Ok(advise(p, note)
        .await
        .ok()
        .and_then(|a| a.automatic)
        .map(|c| c.template_id))
}
