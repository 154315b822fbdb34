//! `Id<D>`: an EHR record id, kept as a string end to end (never a JS Number); each EHR's
//! [`Dialect`] says what its ids look like.

use super::Ehr;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// Longest id accepted: int64 has at most 19 digits; one spare, while still refusing absurd input.
const MAX_LEN: usize = 20;

/// How one EHR writes its records: a type for its ids (`Id<D>`) and for its bodies
/// (`json::Obj<D>`); what differs is decided by the EHR it names, below.
pub trait Dialect {
    /// The EHR.
    const EHR: Ehr;
}

impl Ehr {
    /// Whether `b` may appear in one of this EHR's ids. Cliniko: digits (`type: string, format:
    /// int64` in the OpenAPI). Nookal: every source shows decimal ids (`"ID": "1"`, reference §1)
    /// but none documents their format, so ASCII letters, digits, `-` and `_`: every id seen,
    /// still safe to log and compare. UNCONFIRMED: if Nookal ever used other characters, widen it.
    fn id_byte(self, b: u8) -> bool {
        match self {
            Ehr::Cliniko => b.is_ascii_digit(),
            Ehr::Nookal => b.is_ascii_alphanumeric() || b == b'-' || b == b'_',
        }
    }

    /// Whether a body's id text means "no record": `""`, and Nookal's PHP `"0"`.
    pub(crate) fn no_id(self, text: &str) -> bool {
        text.is_empty() || (self == Ehr::Nookal && text == "0")
    }

    /// What a body's id field should have held.
    pub(crate) fn id_expected(self) -> &'static str {
        match self {
            Ehr::Cliniko => "expected an id of digits",
            Ehr::Nookal => "expected an id",
        }
    }
}

/// A record id of the EHR `D`: 1–20 bytes `D` allows, which also makes it safe in a URL path
/// and a log line. Ids above 2^53 are normal, so an id is never parsed into a number.
/// Compared and cloned as its text, whatever `D` is (so `D` needs no traits).
#[derive(Serialize, Deserialize)]
#[serde(try_from = "String", into = "String", bound = "D: Dialect")]
pub struct Id<D>(String, PhantomData<D>);

impl<D> Clone for Id<D> {
    fn clone(&self) -> Self {
        Id(self.0.clone(), PhantomData)
    }
}

impl<D> PartialEq for Id<D> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<D> Eq for Id<D> {}

impl<D> std::fmt::Debug for Id<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Id").field(&self.0).finish()
    }
}

impl<D: Dialect> Id<D> {
    /// Accept an id given as text (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if is_id_text::<D>(t) {
            Ok(Id(t.to_string(), PhantomData))
        } else {
            Err(Error::InvalidInput(format!("not a {} id", D::EHR.name())))
        }
    }
}

impl<D> Id<D> {
    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `t` has the shape of one of `D`'s ids.
pub fn is_id_text<D: Dialect>(t: &str) -> bool {
    !t.is_empty() && t.len() <= MAX_LEN && t.bytes().all(|b| D::EHR.id_byte(b))
}

impl<D: Dialect> TryFrom<String> for Id<D> {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Id::parse(&s)
    }
}

impl<D> From<Id<D>> for String {
    fn from(id: Id<D>) -> String {
        id.0
    }
}

impl<D> std::fmt::Display for Id<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
