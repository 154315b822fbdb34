//! `Id<D>`: an EHR record id, kept as a string end to end (never a JS Number); each EHR's
//! [`Dialect`] says what its ids look like.

use super::Ehr;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// Longest id accepted: int64 has at most 19 digits; one spare, while still refusing absurd input.
const MAX_LEN: usize = 20;

/// How one EHR writes its records: its name (errors about a body name the EHR) and its ids.
pub trait Dialect {
    /// The EHR.
    const EHR: Ehr;
    /// Why a text was refused as an id (`Error::InvalidInput`).
    const NOT_AN_ID: &'static str;
    /// What a body's id field should have held (`Error::UnexpectedBody`).
    const ID_EXPECTED: &'static str;
    /// Whether `b` may appear in an id.
    fn id_byte(b: u8) -> bool;
    /// Whether a body's id text means "no record" (always `""`).
    fn no_id(text: &str) -> bool {
        text.is_empty()
    }
}

/// A record id of the EHR `D`: 1–20 bytes `D` allows, which also makes it safe in a URL path
/// and a log line. Ids above 2^53 are normal, so an id is never parsed into a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String", bound = "D: Dialect + Clone")]
pub struct Id<D>(String, PhantomData<D>);

impl<D: Dialect> Id<D> {
    /// Accept an id given as text (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if is_id_text::<D>(t) {
            Ok(Id(t.to_string(), PhantomData))
        } else {
            Err(Error::InvalidInput(D::NOT_AN_ID.into()))
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
    !t.is_empty() && t.len() <= MAX_LEN && t.bytes().all(D::id_byte)
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
