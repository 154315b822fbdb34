//! Checking and ranking Nookal candidates on our side, and the result rows the popup shows.
//!
//! Rows and order are the shared ones (`search::rank::merge_and_rank` → `PatientSummary`, the
//! same shape as Cliniko's): Nookal patients are viewed as Cliniko-shaped patients for ranking,
//! after the checks only Nookal needs (phone, email, DOB typed beside a name) are applied here.

use super::query::{Checks, Query};
use super::types::Patient;
use crate::cliniko::id::ClinikoId;
use crate::cliniko::types::{Patient as RankedPatient, PhoneNumber};
use crate::search::PatientSummary;
use crate::search::query::{NameQuery, Query as SharedQuery};
use crate::search::rank::merge_and_rank;

/// The last digits of a phone number that identify it regardless of country/trunk prefix
/// (`+61 412 345 678` and `0412 345 678` share `412345678`).
const PHONE_TAIL: usize = 9;

/// Whether two phone numbers are the same number: equal trailing digits, at least 8 compared.
pub fn same_phone(a: &str, b: &str) -> bool {
    let da: Vec<u8> = a.bytes().filter(u8::is_ascii_digit).collect();
    let db: Vec<u8> = b.bytes().filter(u8::is_ascii_digit).collect();
    let n = da.len().min(db.len()).min(PHONE_TAIL);
    n >= 8 && da[da.len() - n..] == db[db.len() - n..]
}

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
        && c.phone
            .as_ref()
            .is_none_or(|ph| p.phones().iter().any(|x| same_phone(x, ph)))
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

/// A Nookal patient in the shape the shared ranking reads. Inactive and deceased patients are
/// marked archived so the row is flagged (and still shown). `None` for an id that is not digits
/// (every Nookal id seen is; the shared rows carry Cliniko-style ids).
fn as_ranked(p: &Patient) -> Option<RankedPatient> {
    let phone = |n: &Option<String>, t: &str| {
        n.as_ref().map(|n| PhoneNumber {
            number: Some(n.clone()),
            normalized_number: None,
            phone_type: Some(t.to_string()),
        })
    };
    let inactive = p.active == Some(false) || p.deceased == Some(true);
    Some(RankedPatient {
        id: ClinikoId::parse(p.id.as_str()).ok()?,
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        preferred_first_name: p.nickname.clone(),
        date_of_birth: p.date_of_birth.clone(),
        email: p.email.clone(),
        patient_phone_numbers: [
            phone(&p.mobile, "Mobile"),
            phone(&p.home, "Home"),
            phone(&p.work, "Work"),
        ]
        .into_iter()
        .flatten()
        .collect(),
        archived_at: inactive.then(|| "inactive".to_string()),
        created_at: None,
    })
}

/// Keep candidates that pass the checks, then merge (dropping duplicates: several calls may
/// return the same patient) and rank them the shared way.
pub fn rank(candidates: Vec<Patient>, q: &Query, checks: &Checks) -> Vec<PatientSummary> {
    let kept: Vec<RankedPatient> = candidates
        .iter()
        .filter(|p| passes(p, checks))
        .filter_map(as_ranked)
        .collect();
    merge_and_rank(&shared_query(q), vec![kept], true)
}
