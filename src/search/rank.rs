//! Merging, de-duplicating and ranking search results into `PatientSummary` rows.
//!
//! Order: exact over prefix over contains (on folded text), then surname, first name, id.
//! Archived patients are dropped unless asked for, and flagged when shown.

use super::fold::fold;
use super::phone::{PhoneDigits, PhoneMatch, match_phone};
use super::query::{NameQuery, Query};
use crate::cliniko::types::PhoneNumber;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How well a patient matches the query (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Equal (after folding).
    Exact,
    /// Starts with the query.
    Prefix,
    /// Contains the query.
    Contains,
    /// Returned by Cliniko, but not matching client-side (e.g. a diacritic Cliniko ignored).
    Other,
}

impl Tier {
    fn other() -> Tier {
        Tier::Other
    }
}

/// One search result row. All strings: ids stay strings, ages are computed in the UI.
// Deserialize too: the popup sends back the row it showed (pre-selection, name check, push).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientSummary {
    /// Patient id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Preferred first name.
    pub preferred_first_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// The best phone to show: the matching one for phone searches, else mobile first.
    pub phone: Option<String>,
    /// Archived (shown only when archived patients are included).
    pub archived: bool,
    /// How well it matched (absent when the popup sends a row back).
    #[serde(default = "Tier::other")]
    pub tier: Tier,
}

/// A patient as the shared ranking reads it, whatever EHR it came from: the row it will show
/// (ids strings: Nookal ids need not be digits; `phone` and `tier` are set when ranked) and
/// every phone number it has. Each EHR maps its own record here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The row (`archived`: Cliniko's archived, Nookal's inactive or deceased).
    pub row: PatientSummary,
    /// Phone numbers.
    pub phones: Vec<PhoneNumber>,
}

impl Candidate {
    /// A candidate from its fields (the row's `phone` and `tier` come with ranking).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        first_name: String,
        last_name: String,
        preferred_first_name: Option<String>,
        date_of_birth: Option<String>,
        email: Option<String>,
        phones: Vec<PhoneNumber>,
        archived: bool,
    ) -> Candidate {
        let row = PatientSummary {
            id,
            first_name,
            last_name,
            preferred_first_name,
            date_of_birth,
            email,
            phone: None,
            archived,
            tier: Tier::Other,
        };
        Candidate { row, phones }
    }
}

/// Merge result lists (in request order), drop duplicates by id, drop archived patients unless
/// `include_archived`, rank, and summarise.
pub fn merge_and_rank(
    query: &Query,
    lists: Vec<Vec<Candidate>>,
    include_archived: bool,
) -> Vec<PatientSummary> {
    let mut seen = HashSet::new();
    let mut rows: Vec<(Tier, String, String, Candidate)> = lists
        .into_iter()
        .flatten()
        .filter(|p| include_archived || !p.row.archived)
        .filter(|p| seen.insert(p.row.id.clone()))
        .map(|p| {
            (
                tier(query, &p),
                fold(&p.row.last_name),
                fold(&p.row.first_name),
                p,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        let (x, y) = (&a.3.row.id, &b.3.row.id);
        (a.0, &a.1, &a.2, x.len(), x).cmp(&(b.0, &b.1, &b.2, y.len(), y))
    });
    let phone_query = match query {
        Query::Phone(d) => Some(d),
        _ => None,
    };
    rows.into_iter()
        .map(|(t, _, _, p)| summarise(&p, t, phone_query))
        .collect()
}

/// A patient as a result row.
pub fn summarise(p: &Candidate, tier: Tier, phone_query: Option<&PhoneDigits>) -> PatientSummary {
    PatientSummary {
        phone: best_phone(&p.phones, phone_query),
        tier,
        ..p.row.clone()
    }
}

/// The matching number for a phone query; otherwise Mobile, Home, Work, Other, then Fax.
pub fn best_phone(phones: &[PhoneNumber], query: Option<&PhoneDigits>) -> Option<String> {
    let rank = |ph: &PhoneNumber| {
        let m = query.and_then(|q| match_phone(q, ph));
        let kind = match ph.phone_type.as_deref() {
            Some("Mobile") => 0,
            Some("Home") => 1,
            Some("Work") => 2,
            Some("Fax") => 4,
            _ => 3,
        };
        (
            m.map_or(2, |m| if m == PhoneMatch::Exact { 0 } else { 1 }),
            kind,
        )
    };
    phones
        .iter()
        .filter(|ph| ph.number.is_some() || ph.normalized_number.is_some())
        .min_by_key(|ph| rank(ph))
        .and_then(|ph| ph.number.clone().or_else(|| ph.normalized_number.clone()))
}

/// Tier of one folded field against one folded word.
fn word_tier(field: &str, word: &str) -> Tier {
    if word.is_empty() {
        Tier::Other
    } else if field == word {
        Tier::Exact
    } else if field.starts_with(word) || field.split(' ').any(|w| w.starts_with(word)) {
        Tier::Prefix
    } else if field.contains(word) {
        Tier::Contains
    } else {
        Tier::Other
    }
}

/// How a patient matches a query.
pub fn tier(query: &Query, c: &Candidate) -> Tier {
    let p = &c.row;
    let first = fold(&p.first_name);
    let last = fold(&p.last_name);
    let preferred = fold(p.preferred_first_name.as_deref().unwrap_or_default());
    let given = |w: &str| word_tier(&first, w).min(word_tier(&preferred, w));
    match query {
        Query::Empty => Tier::Other,
        Query::Name(NameQuery::One(w)) => {
            let w = fold(w);
            given(&w).min(word_tier(&last, &w))
        }
        Query::Name(NameQuery::FirstLast { first: a, last: b }) => {
            let (a, b) = (fold(a), fold(b));
            let straight = given(&a).max(word_tier(&last, &b));
            let swapped = given(&b).max(word_tier(&last, &a));
            straight.min(swapped)
        }
        Query::Name(NameQuery::LastCommaFirst { first: a, last: b }) => {
            given(&fold(a)).max(word_tier(&last, &fold(b)))
        }
        Query::Email(e) => word_tier(
            &p.email.as_deref().unwrap_or_default().to_lowercase(),
            &e.to_lowercase(),
        ),
        Query::Dob(d) => {
            if p.date_of_birth.as_deref() == Some(d.iso().as_str()) {
                Tier::Exact
            } else {
                Tier::Other
            }
        }
        Query::Id { id, .. } => {
            if p.id == id.as_str() {
                Tier::Exact
            } else {
                Tier::Other
            }
        }
        Query::Phone(q) => c
            .phones
            .iter()
            .filter_map(|ph| match_phone(q, ph))
            .min()
            .map_or(Tier::Other, |m| match m {
                PhoneMatch::Exact => Tier::Exact,
                PhoneMatch::Partial => Tier::Contains,
            }),
    }
}
