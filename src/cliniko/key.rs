//! `ClinikoKey`: cleaning and validating a pasted API key, and deriving its shard (region).

use crate::{Error, Result};

use crate::ehr::Ehr;
pub use crate::ehr::key::MAX_KEY_LEN;
use crate::ehr::key::{invalid, precheck};

/// Shortest key body we accept. Real keys are long base64 strings; a few characters is a typo.
const MIN_BODY_LEN: usize = 8;

/// The shard used by keys without a suffix: "older keys … will all belong to the au1 shard"
/// (reference §2, sharding guide).
const DEFAULT_SHARD: &str = "au1";

/// A validated Cliniko region, e.g. `au1`, `uk2` (always lower case, `^[a-z]{2}\d{1,2}$`).
///
/// Any value of that shape is accepted, not only today's list (au1-4, ca1, uk1-3, eu1), as the
/// sharding guide recommends, so new regions keep working.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shard(String);

impl Shard {
    /// Validate a shard name (case-insensitive; stored lower case).
    pub fn parse(text: &str) -> Option<Shard> {
        let b = text.as_bytes();
        let ok = (3..=4).contains(&b.len())
            && b[..2].iter().all(u8::is_ascii_alphabetic)
            && b[2..].iter().all(u8::is_ascii_digit);
        ok.then(|| Shard(text.to_ascii_lowercase()))
    }

    /// The API base, `https://api.<shard>.cliniko.com/v1` (no trailing slash).
    pub fn api_base(&self) -> String {
        format!("https://api.{}.cliniko.com/v1", self.0)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Cliniko API key that passed validation, with its shard.
///
/// `Debug` and `Display` show only a masked hint (`…ab12`); the secret leaves this type only via
/// [`ClinikoKey::authorization`] (the `Authorization` header for `https://api.<shard>.cliniko.com`)
/// and [`ClinikoKey::expose_secret`] (for storage.local).
#[derive(Clone, PartialEq, Eq)]
pub struct ClinikoKey {
    secret: String,
    shard: Shard,
}

impl ClinikoKey {
    /// Clean a pasted key (surrounding whitespace and quotes, line breaks) and validate it,
    /// following Cliniko's sharding rule: split on `-`; one part → au1; two parts whose second
    /// matches `^[a-z]{2}\d{1,2}$` (case-insensitive) → that shard; anything else is invalid.
    pub fn parse(raw: &str) -> Result<ClinikoKey> {
        let key = precheck(raw, Ehr::Cliniko)?;
        let invalid = |why: &str| Err(invalid(why));
        if !key.is_ascii() {
            return invalid("the key contains characters that never appear in Cliniko API keys");
        }
        if key.chars().any(char::is_whitespace) {
            return invalid("the key contains spaces; copy it again without them");
        }
        if looks_like_uuid(&key) {
            // Heuristic: Nookal (and many other services) issue GUID-shaped keys; Cliniko keys are
            // base64 text with an optional `-<shard>` suffix.
            return invalid("this looks like a Nookal key, not a Cliniko API key");
        }
        if let Some(c) = key.chars().find(|c| !is_key_char(*c)) {
            let shown = if c.is_ascii_graphic() {
                format!(" ({c})")
            } else {
                String::new()
            };
            return Err(Error::InvalidKey(format!(
                "the key contains a character{shown} that never appears in Cliniko API keys"
            )));
        }
        let parts: Vec<&str> = key.split('-').collect();
        let (body, shard) = match parts.as_slice() {
            [body] => (*body, Shard(DEFAULT_SHARD.to_string())),
            [body, suffix] => match Shard::parse(suffix) {
                Some(shard) => (*body, shard),
                None => {
                    return invalid(
                        "the part after the dash is not a Cliniko region (like au1 or uk2)",
                    );
                }
            },
            _ => return invalid("the key has more than one dash"),
        };
        if body.len() < MIN_BODY_LEN {
            return invalid("the key is too short; copy the whole key from Cliniko");
        }
        Ok(ClinikoKey { secret: key, shard })
    }

    /// The shard the key belongs to.
    pub fn shard(&self) -> &Shard {
        &self.shard
    }

    /// Last four characters of the key before its shard suffix, for "…ab12" hints in the UI
    /// (the suffix itself would read "-au1" for most keys and tell them apart from nothing).
    pub fn hint(&self) -> String {
        let body = self.secret.split('-').next().unwrap_or_default();
        // The key is ASCII (checked in `parse`), so byte slicing is on char boundaries.
        body[body.len().saturating_sub(4)..].to_string()
    }

    /// `Basic base64(key + ":")`: the key is the username, the password is empty (reference §1).
    /// The key is sent as pasted, suffix included ("with or without the shard suffix").
    pub fn authorization(&self) -> String {
        let mut userpass = self.secret.clone();
        userpass.push(':');
        format!("Basic {}", super::base64::encode(userpass.as_bytes()))
    }

    /// The cleaned secret itself, for saving to storage.local. Never log or display it.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }
}

impl std::fmt::Debug for ClinikoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClinikoKey(…{}, {})", self.hint(), self.shard)
    }
}

impl std::fmt::Display for ClinikoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "…{}", self.hint())
    }
}

/// Base64 / base64url alphabet plus the `-` suffix separator.
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '+' | '/' | '.')
}

fn looks_like_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8usize, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_mask_the_secret() {
        let k = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2").unwrap();
        assert_eq!(format!("{k}"), "…NyJ9");
        let dbg = format!("{k:?}");
        assert!(!dbg.contains("MxJr"), "{dbg}");
        assert!(dbg.contains("au2"));
    }

    #[test]
    fn authorization_matches_docs() {
        let k = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2").unwrap();
        assert_eq!(
            k.authorization(),
            "Basic TXhKclpYa2lPaUkxTmpkMWFtSm1aVFExTnlKOS1hdTI6"
        );
    }
}
