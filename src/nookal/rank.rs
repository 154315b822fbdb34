//! Checking and ranking Nookal candidates on our side, and the result rows the popup shows.
//!
//! Rows and order are the shared ones (`search::rank::merge_and_rank` → `PatientSummary`, the
//! same shape as Cliniko's): Nookal patients become the shared `Candidate` (ids stay strings),
//! after the checks only Nookal needs (phone, email, DOB typed beside a name) are applied here.

use super::query::{Checks, Query};
use super::types::Patient;
use crate::cliniko::id::ClinikoId;
use crate::cliniko::types::PhoneNumber;
use crate::search::PatientSummary;
use crate::search::phone::{match_phone, normalise};
use crate::search::query::{NameQuery, Query as SharedQuery};
use crate::search::rank::{Candidate, merge_and_rank};

/// Whether a candidate passes every check typed alongside the name.
pub fn passes(p: &Patient, c: &Checks) -> bool {
    c.id.as_ref().is_none_or(|id| &p.id == id)
        && c.dob
            .as_ref()
            .is_none_or(|d| p.date_of_birth.as_ref() == Some(d))
        && c.email.as_ref().is_none_or(|e| {
            p.email
                .as_deref()
                .is_some_and(|pe| pe.trim().eq_ignore_ascii_case(e))
        })
        && c.phone.as_ref().is_none_or(|ph| {
            normalise(ph).is_some_and(|q| {
                candidate(p)
                    .phones
                    .iter()
                    .any(|x| match_phone(&q, x).is_some())
            })
        })
}

/// The shared query the ranking reads: the name as typed (or the email / phone / id when no
/// name was typed).
fn shared_query(q: &Query) -> SharedQuery {
    let w = &q.names;
    if q.last_first && q.last_words < w.len() {
        return SharedQuery::Name(NameQuery::LastCommaFirst {
            first: w[q.last_words].clone(),
            last: w[..q.last_words].join(" "),
        });
    }
    match w.as_slice() {
        [one] => return SharedQuery::Name(NameQuery::One(one.clone())),
        [first, .., last] => {
            return SharedQuery::Name(NameQuery::FirstLast {
                first: first.clone(),
                last: last.clone(),
            });
        }
        [] => {}
    }
    if let Some(id) =
        q.id.as_ref()
            .and_then(|i| ClinikoId::parse(i.as_str()).ok())
    {
        return SharedQuery::Id {
            id,
            maybe_phone: false,
        };
    }
    if let Some(e) = &q.email {
        return SharedQuery::Email(e.clone());
    }
    match q.phone.as_deref().and_then(crate::search::phone::normalise) {
        Some(d) => SharedQuery::Phone(d),
        None => SharedQuery::Empty,
    }
}

/// A Nookal patient as the shared ranking reads it. Inactive and deceased patients count as
/// archived, so they are flagged when shown and left out unless "Include archived" is ticked.
pub(crate) fn candidate(p: &Patient) -> Candidate {
    let phone = |n: &Option<String>, t: &str| {
        n.as_ref().map(|n| PhoneNumber {
            number: Some(n.clone()),
            normalized_number: None,
            phone_type: Some(t.to_string()),
        })
    };
    Candidate::new(
        p.id.to_string(),
        p.first_name.clone(),
        p.last_name.clone(),
        p.nickname.clone(),
        p.date_of_birth.clone(),
        p.email.clone(),
        [
            phone(&p.mobile, "Mobile"),
            phone(&p.home, "Home"),
            phone(&p.work, "Work"),
        ]
        .into_iter()
        .flatten()
        .collect(),
        p.active == Some(false) || p.deceased == Some(true),
    )
}

/// Keep candidates that pass the checks, then merge (dropping duplicates: several calls may
/// return the same patient) and rank them the shared way.
pub fn rank(
    candidates: Vec<Patient>,
    q: &Query,
    checks: &Checks,
    include_archived: bool,
) -> Vec<PatientSummary> {
    let kept: Vec<Candidate> = candidates
        .iter()
        .filter(|p| passes(p, checks))
        .map(candidate)
        .collect();
    merge_and_rank(&shared_query(q), vec![kept], include_archived)
}
