//! What a typed search means for Nookal: parse the text, then plan `searchPatients` calls plus
//! the checks done on our side (phone, email, date of birth).
//!
//! Nookal's search takes a name together with a date of birth, phone or email ("Jane Smith
//! 03/04/1980"), which Cliniko's one-kind query (`search::query`) does not, so the token split is
//! Nookal's own; dates are read by the shared `search::date` rule in the browser's locale order,
//! and phones by the shared `search::phone` rule. Nookal v2 can search by id, fuzzy last name,
//! exact first + last + DOB, and (unconfirmed) email — not by phone (reference §2), so phones are
//! always checked on the returned candidates.

use super::id::NookalId;
use super::requests::PatientSearch;
use crate::search::date::{Date, DateOrder, DobParse, read_date};
use crate::{Error, Result};

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Name words, in the order typed.
    pub names: Vec<String>,
    /// Typed as "Last, First": the words before the comma are the last name.
    pub last_first: bool,
    /// Number of name words before the comma (when `last_first`).
    pub last_words: usize,
    /// Date of birth, `YYYY-MM-DD`.
    pub dob: Option<String>,
    /// Email, lower case.
    pub email: Option<String>,
    /// A phone number as typed (read by `search::phone::normalise`).
    pub phone: Option<String>,
    /// A Nookal patient id.
    pub id: Option<NookalId>,
}

/// Phone numbers have at least this many digits; a shorter number is a patient id. Nookal ids
/// are per-clinic counters (`"ID": "1"`, reference §1), so this leaves ids up to 9,999,999;
/// `#123` or `id:123` forces the id reading.
pub const MIN_PHONE_DIGITS: usize = 8;

/// Parse typed text: emails (contain `@`), dates (`YYYY-MM-DD`, or numeric in the browser's
/// locale `order`, as `search::date::read_date` reads them; `today` places two-digit years),
/// numbers (phone or id, see [`MIN_PHONE_DIGITS`]) and name words.
pub fn parse(text: &str, order: DateOrder, today: Date) -> Result<Query> {
    let mut q = Query::default();
    let mut digits = String::new();
    let mut typed_phone: Vec<&str> = Vec::new();
    let mut plus = false;
    let mut forced_id = None;
    for raw in text.split_whitespace() {
        let tok = raw.trim_matches(|c: char| matches!(c, ';' | '"'));
        if tok == "," && !q.last_first && !q.names.is_empty() {
            // "Smith , Jane"
            q.last_first = true;
            q.last_words = q.names.len();
            continue;
        }
        if tok.is_empty() || tok == "," {
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        if let Some(id) = lower
            .strip_prefix("id:")
            .or_else(|| lower.strip_prefix('#'))
        {
            forced_id = Some(NookalId::parse(id)?);
        } else if tok.contains('@') {
            q.email = Some(lower.trim_end_matches(['.', ',']).to_string());
        } else if let DobParse::Date(d) = read_date(tok.trim_end_matches(','), order, today) {
            q.dob = Some(d.iso());
        } else if tok
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '(' | ')'))
        {
            plus |= tok.starts_with('+');
            typed_phone.push(tok);
            digits.extend(tok.chars().filter(char::is_ascii_digit));
        } else {
            let word = tok.trim_end_matches(',');
            if tok.ends_with(',') && !q.last_first {
                q.last_first = true;
                q.last_words = q.names.len() + 1;
            }
            if !word.is_empty() {
                q.names.push(word.to_string());
            }
        }
    }
    if let Some(id) = forced_id {
        q.id = Some(id);
    }
    if !digits.is_empty() {
        if plus || digits.len() >= MIN_PHONE_DIGITS {
            q.phone = Some(typed_phone.join(" "));
        } else if q.id.is_none() {
            q.id = Some(NookalId::parse(&digits)?);
        }
    }
    if q.last_first && q.last_words >= q.names.len() {
        // "Smith," with nothing after the comma is just a last name.
        q.last_first = false;
    }
    Ok(q)
}

/// Checks made on our side, on every candidate the server returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checks {
    /// Date of birth must equal this.
    pub dob: Option<String>,
    /// Email must equal this (case-insensitive).
    pub email: Option<String>,
    /// One of the phones must be this number (`search::phone::match_phone`, as Cliniko's scan).
    pub phone: Option<String>,
    /// The id must equal this.
    pub id: Option<NookalId>,
}

/// The calls to make, in order: the search runs them one at a time and stops at the first that
/// yields a candidate passing the [`Checks`] (so a plain "Jane Smith" costs one call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `searchPatients` queries, most specific first.
    pub searches: Vec<PatientSearch>,
    /// Checks on the candidates.
    pub checks: Checks,
}

/// Turn a query into calls and checks. Errors say what to add when Nookal cannot search by
/// what was typed (a phone or date of birth alone).
pub fn plan(q: &Query) -> Result<Plan> {
    let checks = Checks {
        dob: q.dob.clone(),
        email: q.email.clone(),
        phone: q.phone.clone(),
        id: q.id.clone(),
    };
    let mut searches = Vec::new();
    if let Some(id) = &q.id {
        searches.push(PatientSearch::ById(id.clone()));
    } else if !q.names.is_empty() {
        let words = &q.names;
        let (first, last) = if q.last_first {
            let last = words[..q.last_words].join(" ");
            (Some(words[q.last_words..].join(" ")), last)
        } else if words.len() == 1 {
            (None, words[0].clone())
        } else {
            (Some(words[0].clone()), words[1..].join(" "))
        };
        if let (Some(dob), Some(first)) = (&q.dob, &first) {
            searches.push(PatientSearch::Exact {
                first_name: first.clone(),
                last_name: last.clone(),
                date_of_birth: dob.clone(),
            });
        }
        searches.push(PatientSearch::Fuzzy {
            last_name: last,
            first_name: first,
        });
        if !q.last_first && words.len() >= 2 {
            // "Smith Jane" (surname first) and "Mary Anne Smith" (double first name).
            let alt = if words.len() == 2 {
                PatientSearch::Fuzzy {
                    last_name: words[0].clone(),
                    first_name: Some(words[1].clone()),
                }
            } else {
                PatientSearch::Fuzzy {
                    last_name: words[words.len() - 1].clone(),
                    first_name: Some(words[0].clone()),
                }
            };
            searches.push(alt);
        }
    } else if let Some(email) = &q.email {
        searches.push(PatientSearch::Email(email.clone()));
    } else if q.phone.is_some() || q.dob.is_some() {
        return Err(Error::InvalidInput(
            "Nookal cannot search by phone number or date of birth alone; add the patient's last name".into(),
        ));
    } else {
        return Err(Error::InvalidInput(
            "type a patient's name, email or Nookal patient id".into(),
        ));
    }
    Ok(Plan { searches, checks })
}
