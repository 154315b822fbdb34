//! `NookalKey`: cleaning and validating a pasted Nookal v2 API key, and its masked hint.

use crate::Result;
use crate::ehr::Ehr;
use crate::ehr::key::{invalid, precheck};

/// Shortest key we accept. Nookal's key format is not documented (reference §1 only says the
/// clinic generates one under Setup > Connections > API Keys), so the checks are deliberately
/// loose: a few characters is a typo, not a key.
const MIN_KEY_LEN: usize = 8;

/// A Nookal API key that passed validation.
///
/// `Debug` shows only the masked hint; the secret leaves this type only via
/// [`NookalKey::expose_secret`] (for the `api_key` form field and storage.local). It is never
/// put in a URL: v2 accepts it in the POST body (reference §1, "Prefer POST").
#[derive(Clone, PartialEq, Eq)]
pub struct NookalKey {
    secret: String,
}

impl NookalKey {
    /// Clean a pasted key ([`precheck`]) and validate it: printable ASCII, no inner whitespace,
    /// 8–512 characters, not a web address.
    pub fn parse(raw: &str) -> Result<NookalKey> {
        let secret = precheck(raw, Ehr::Nookal)?;
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "the key contains spaces or characters that never appear in API keys",
            ));
        }
        if secret.len() < MIN_KEY_LEN {
            return Err(invalid(
                "the key is too short; copy the whole key from Nookal",
            ));
        }
        Ok(NookalKey { secret })
    }

    /// The key itself, for the `api_key` form field and storage.local only.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// The last four characters, shown as `…ab12` in the options page.
    pub fn hint(&self) -> String {
        let n = self.secret.len();
        self.secret[n.saturating_sub(4)..].to_string()
    }
}

impl std::fmt::Debug for NookalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NookalKey(…{})", self.hint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn cleans_and_masks() {
        let k = NookalKey::parse("  \"abcDEF123-xyz9\"\n").unwrap();
        assert_eq!(k.expose_secret(), "abcDEF123-xyz9");
        assert_eq!(k.hint(), "xyz9");
        assert_eq!(format!("{k:?}"), "NookalKey(…xyz9)");
    }

    #[test]
    fn refuses_non_keys() {
        for bad in [
            "",
            "\u{201c}\u{201d}",
            "short",
            "https://api.nookal.com/x",
            "has inner space",
            "ключключключ",
        ] {
            assert!(
                matches!(NookalKey::parse(bad), Err(Error::InvalidKey(_))),
                "{bad}"
            );
        }
    }
}
