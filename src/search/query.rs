//! Reading the search box: name, email, date of birth, phone number or Cliniko id.
//!
//! How an id is told from a phone number (both can be bare digits):
//! - `#123`, `id:123`, or a pasted Cliniko patient URL (`…/patients/123`) → id.
//! - A leading `+` or `0`, or any phone formatting (spaces, dashes, brackets, dots) → phone.
//!   Cliniko ids never start with 0 and are never formatted.
//! - Bare digits not starting with 0: up to 5 digits → id (too short for a phone; old au1 ids
//!   are small numbers); 16–20 digits → id (longer than any E.164 number, 15 digits max; new
//!   ids are 18–19 digits); 6–15 digits → ambiguous: looked up as an id (one request) and
//!   flagged `maybe_phone` so the popup can offer the phone scan.

use super::date::{Date, DateOrder, DobParse, parse_dob};
use super::fold::{is_apostrophe, is_dash};
use super::phone::{MIN_QUERY_DIGITS, PhoneDigits, normalise};
use crate::cliniko::id::ClinikoId;
use crate::{Error, Result};
use serde::Serialize;

/// Longest query accepted (names, emails and numbers are all far shorter).
pub const MAX_QUERY_CHARS: usize = 200;

/// What the search box holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Nothing typed.
    Empty,
    /// A name.
    Name(NameQuery),
    /// An email address (or part of one, with `@`).
    Email(String),
    /// A date of birth.
    Dob(Date),
    /// A phone number (scanned page by page: Cliniko has no phone filter).
    Phone(PhoneDigits),
    /// A Cliniko patient id.
    Id {
        /// The id.
        id: ClinikoId,
        /// Bare 6–15 digits: may also be a phone number written without a prefix.
        maybe_phone: bool,
    },
}

/// The kind of a query, as the popup shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    /// Nothing typed.
    Empty,
    /// Name.
    Name,
    /// Email.
    Email,
    /// Date of birth.
    Dob,
    /// Phone.
    Phone,
    /// Cliniko id.
    Id,
}

impl Query {
    /// This query's kind.
    pub fn kind(&self) -> QueryKind {
        match self {
            Query::Empty => QueryKind::Empty,
            Query::Name(_) => QueryKind::Name,
            Query::Email(_) => QueryKind::Email,
            Query::Dob(_) => QueryKind::Dob,
            Query::Phone(_) => QueryKind::Phone,
            Query::Id { .. } => QueryKind::Id,
        }
    }
}

/// A name query. Words are kept as typed (trimmed); matching folds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameQuery {
    /// One word: first, last or preferred name.
    One(String),
    /// Two or more words: `first … last` (middle words ignored; order may be either way).
    FirstLast {
        /// First word.
        first: String,
        /// Last word.
        last: String,
    },
    /// `Last, First`: the order is explicit.
    LastCommaFirst {
        /// Given name (first word after the comma).
        first: String,
        /// Surname (everything before the comma).
        last: String,
    },
}

/// Parse the search box. `today` bounds dates of birth; `order` reads `03/04/1980`.
pub fn parse_query(text: &str, order: DateOrder, today: Date) -> Result<Query> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Query::Empty);
    }
    if t.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid("the search is too long"));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid("the search contains control characters"));
    }
    if let Some(id) = explicit_id(t)? {
        return Ok(Query::Id {
            id,
            maybe_phone: false,
        });
    }
    if t.contains('@') {
        return email(t);
    }
    match parse_dob(t, order, today) {
        DobParse::Date(d) => return Ok(Query::Dob(d)),
        DobParse::Invalid(why) => return Err(invalid(why)),
        DobParse::NotADate => {}
    }
    if t.chars().any(|c| c.is_ascii_digit()) {
        return number(t);
    }
    name(t)
}

fn invalid(why: &str) -> Error {
    Error::InvalidInput(why.to_string())
}

/// `#123`, `id:123`, or a Cliniko URL ending in `/patients/<id>`.
fn explicit_id(t: &str) -> Result<Option<ClinikoId>> {
    let lower = t.to_ascii_lowercase();
    let digits = if let Some(rest) = t.strip_prefix('#') {
        rest
    } else if lower.starts_with("id:") {
        &t[3..]
    } else if lower.contains("cliniko.com/") && lower.contains("/patients/") {
        let after = &t[lower.rfind("/patients/").unwrap_or(0) + "/patients/".len()..];
        after.split(['/', '?', '#']).next().unwrap_or_default()
    } else {
        return Ok(None);
    };
    ClinikoId::parse(digits)
        .map(Some)
        .map_err(|_| invalid("a Cliniko id is digits only"))
}

fn email(t: &str) -> Result<Query> {
    let at = t.matches('@').count();
    if at != 1 || t.chars().any(char::is_whitespace) || t.starts_with('@') || t.len() > 254 {
        return Err(invalid("that is not an email address"));
    }
    Ok(Query::Email(t.to_string()))
}

/// Digits with optional phone formatting: phone or id, by the rule in the module docs.
fn number(t: &str) -> Result<Query> {
    let phone_chars =
        |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.');
    if !t.chars().all(phone_chars) || t[1..].contains('+') {
        return Err(invalid(
            "search by name, email, date of birth, phone number or Cliniko id",
        ));
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let bare = digits.len() == t.len();
    if bare && !t.starts_with('0') {
        let n = digits.len();
        if n <= 5 || (16..=20).contains(&n) {
            return Ok(Query::Id {
                id: ClinikoId::parse(&digits)?,
                maybe_phone: false,
            });
        }
        if n > 20 {
            return Err(invalid("too many digits for a phone number or Cliniko id"));
        }
        if n <= 15 {
            return Ok(Query::Id {
                id: ClinikoId::parse(&digits)?,
                maybe_phone: true,
            });
        }
    }
    if digits.len() < MIN_QUERY_DIGITS {
        return Err(invalid("a phone number needs at least 6 digits"));
    }
    if digits.len() > 17 {
        // 15 digits of E.164 plus a 2-digit access code; more is not a phone number.
        return Err(invalid("too many digits for a phone number"));
    }
    normalise(t)
        .map(Query::Phone)
        .ok_or_else(|| invalid("a phone number needs digits"))
}

/// Letters (any script), apostrophes, hyphens, spaces, dots and one comma.
fn name(t: &str) -> Result<Query> {
    let ok = |c: char| {
        c.is_alphabetic()
            || is_apostrophe(c)
            || is_dash(c)
            || c.is_whitespace()
            || c == '.'
            || c == ','
            || ('\u{0300}'..='\u{036f}').contains(&c)
    };
    if !t.chars().all(ok) || t.matches(',').count() > 1 || !t.chars().any(char::is_alphabetic) {
        return Err(invalid(
            "search by name, email, date of birth, phone number or Cliniko id",
        ));
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace())
            .map(|w| w.trim_matches(|c: char| c == '.' || is_dash(c) || is_apostrophe(c)))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(str::to_string)
            .collect()
    };
    if let Some((before, after)) = t.split_once(',') {
        let (last, first) = (words(before), words(after));
        match (last.is_empty(), first.first()) {
            (false, Some(f)) => {
                return Ok(Query::Name(NameQuery::LastCommaFirst {
                    first: f.clone(),
                    last: last.join(" "),
                }));
            }
            (false, None) => return Ok(Query::Name(NameQuery::One(last.join(" ")))),
            (true, Some(_)) => return Ok(Query::Name(NameQuery::One(first.join(" ")))),
            (true, None) => {}
        }
    }
    let w = words(t);
    match w.as_slice() {
        [] => Err(invalid("type a name to search")),
        [one] => Ok(Query::Name(NameQuery::One(one.clone()))),
        [first, .., last] => Ok(Query::Name(NameQuery::FirstLast {
            first: first.clone(),
            last: last.clone(),
        })),
    }
}
