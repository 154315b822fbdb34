//! `NookalId`: a Nookal record id, kept as a string end to end (never a JS Number).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Longest id accepted (int64 has at most 19 digits; one spare).
const MAX_LEN: usize = 20;

/// A Nookal id (`"ID": "1"`, reference §1: ids come back as strings; some clients see numbers).
///
/// Every source shows decimal ids, but none documents their format, so the check is "1–20 ASCII
/// letters, digits, `-` or `_`": that accepts every id seen while keeping ids safe to log and
/// to compare. UNCONFIRMED: if Nookal ever used other characters, widen [`is_id_text`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NookalId(String);

impl NookalId {
    /// Accept an id given as text (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if is_id_text(t) {
            Ok(NookalId(t.to_string()))
        } else {
            Err(Error::InvalidInput("not a Nookal id".into()))
        }
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a number when it is all digits (only for ordering: newer records get larger
    /// ids in every example seen; never sent anywhere as a number).
    pub fn numeric(&self) -> Option<u128> {
        self.0.parse().ok()
    }
}

/// Whether `t` has the shape of a Nookal id.
pub fn is_id_text(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= MAX_LEN
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl TryFrom<String> for NookalId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        NookalId::parse(&s)
    }
}

impl From<NookalId> for String {
    fn from(id: NookalId) -> String {
        id.0
    }
}

impl std::fmt::Display for NookalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ids_stay_exact_and_bad_ones_are_refused() {
        let id = NookalId::parse(" 9007199254740993 ").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"9007199254740993\"");
        for bad in ["", "1 2", "../1", "1&x=2", "123456789012345678901"] {
            assert!(NookalId::parse(bad).is_err(), "{bad}");
        }
    }
}
