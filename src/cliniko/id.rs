//! `ClinikoId`: a Cliniko record id, kept as a string end to end (64-bit; never a JS Number).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Longest id we accept: int64 has at most 19 digits; 20 leaves room for an unsigned id should
/// Cliniko ever widen them, while still refusing absurd input.
const MAX_DIGITS: usize = 20;

/// A Cliniko id (`type: string, format: int64` in the OpenAPI description).
///
/// Ids above 2^53 are normal (`836447129235883061`), so they are never parsed into a number: the
/// only check is "1 to 20 ASCII digits", which also makes an id safe to put in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClinikoId(String);

impl ClinikoId {
    /// Accept an id given as text (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if is_id_text(t) {
            Ok(ClinikoId(t.to_string()))
        } else {
            Err(Error::InvalidInput(
                "not a Cliniko id (expected digits only)".into(),
            ))
        }
    }

    /// The id's digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `t` has the shape of a Cliniko id: 1–20 ASCII digits.
pub fn is_id_text(t: &str) -> bool {
    !t.is_empty() && t.len() <= MAX_DIGITS && t.bytes().all(|b| b.is_ascii_digit())
}

impl TryFrom<String> for ClinikoId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        ClinikoId::parse(&s)
    }
}

impl From<ClinikoId> for String {
    fn from(id: ClinikoId) -> String {
        id.0
    }
}

impl std::fmt::Display for ClinikoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_above_2_pow_53_stay_exact() {
        let id = ClinikoId::parse("1805465202989210063").unwrap();
        assert_eq!(id.as_str(), "1805465202989210063");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"1805465202989210063\""
        );
    }

    #[test]
    fn non_digit_ids_are_refused() {
        for bad in ["", "12a", "../1", "-1", "1.5", "123456789012345678901"] {
            assert!(ClinikoId::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ClinikoId>("\"../x\"").is_err());
    }
}
