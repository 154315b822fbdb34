//! Confirming a chosen patient against the name (and date of birth) shown on the Motics page.

use super::date::{Date, DateOrder, DobParse, read_date};
use super::fold::fold;
use crate::search::rank::PatientSummary as Patient;
use serde::Serialize;

/// The outcome of comparing the page's patient with the chosen patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchVerdict {
    /// Names agree, and dates of birth agree or one is unknown.
    Match,
    /// The names differ: ask the clinician to confirm.
    NameMismatch,
    /// Names agree but the dates of birth differ.
    DobMismatch,
    /// The page shows a date of birth that can't be read (e.g. a two-digit year), so it can't
    /// be compared: fail closed and ask the clinician to confirm (issue 15 §7).
    DobUnreadable,
}

/// Compare the page's patient name (and date of birth, if shown) with the chosen patient (any EHR).
///
/// Folded (case, diacritics, apostrophes, hyphens); `Last, First` and `First Middle Last` both
/// work; the given name may match the first or the preferred first name; middle names are
/// ignored; a multi-word surname (`van der Berg`) must match as a whole. `page_dob` may be
/// `YYYY-MM-DD` or day-first `dd/mm/yyyy`; one that is shown but cannot be read gives
/// [`MatchVerdict::DobUnreadable`] (the check fails closed).
pub fn names_match(page_name: &str, page_dob: Option<&str>, patient: &Patient) -> MatchVerdict {
    if !name_agrees(page_name, patient) {
        return MatchVerdict::NameMismatch;
    }
    let shown = page_dob.map(str::trim).filter(|d| !d.is_empty());
    let page = shown.and_then(read_dob);
    let ours = patient.date_of_birth.as_deref().and_then(Date::parse_iso);
    match (shown, page, ours) {
        (_, Some(a), Some(b)) if a != b => MatchVerdict::DobMismatch,
        // A date the page shows but we can't read is not "unknown": it could be a different
        // patient's, so the check can't vouch for this one.
        (Some(_), None, _) => MatchVerdict::DobUnreadable,
        _ => MatchVerdict::Match,
    }
}

fn read_dob(text: &str) -> Option<Date> {
    if let Some(d) = Date::parse_iso(text) {
        return Some(d);
    }
    // Only four-digit years: a two-digit year cannot be placed in a century without knowing
    // today, and guessing wrong would report a false mismatch.
    if text
        .trim()
        .rsplit(['/', '.', '-'])
        .next()
        .is_none_or(|y| y.len() != 4)
    {
        return None;
    }
    let unused = Date {
        year: 2000,
        month: 1,
        day: 1,
    };
    match read_date(text, DateOrder::DayFirst, unused) {
        DobParse::Date(d) => Some(d),
        _ => None,
    }
}

fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn name_agrees(page_name: &str, p: &Patient) -> bool {
    let last = words(&p.last_name);
    let givens: Vec<String> = [
        Some(p.first_name.as_str()),
        p.preferred_first_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|n| words(n).into_iter().next())
    .collect();
    if last.is_empty() {
        return false;
    }
    let (page_given, page_last): (Vec<String>, Vec<String>) = match page_name.split_once(',') {
        Some((l, g)) => (words(g), words(l)),
        None => {
            let w = words(page_name);
            if w.len() < 2 {
                return false;
            }
            // The surname is as many trailing words as the patient's surname has.
            let cut = w.len().saturating_sub(last.len()).max(1);
            (w[..cut].to_vec(), w[cut..].to_vec())
        }
    };
    let given_ok = page_given
        .first()
        .is_some_and(|g| givens.iter().any(|x| x == g));
    given_ok && page_last == last
}
