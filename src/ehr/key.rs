//! What every EHR's key check shares: clean a paste, then refuse what is plainly not a key
//! (empty, too long, a web address) before the EHR's own rules (`cliniko::key`, `nookal::key`).

use super::Ehr;
use crate::{Error, Result};

/// Longest key we accept. Real keys are well under 200 characters; anything longer is a paste of
/// something else (an email, a page), and refusing it early keeps it out of requests and storage.
pub const MAX_KEY_LEN: usize = 512;

/// An `InvalidKey` error saying why.
pub fn invalid(why: &str) -> Error {
    Error::InvalidKey(why.to_string())
}

/// The pasted text cleaned (line breaks anywhere, wrappers at both ends), or why it is no key.
pub fn precheck(raw: &str, ehr: Ehr) -> Result<String> {
    let key = clean(raw);
    if key.is_empty() {
        return Err(invalid("the key is empty"));
    }
    if key.chars().count() > MAX_KEY_LEN {
        return Err(Error::InvalidKey(format!(
            "the text is too long to be a {} API key",
            ehr.name()
        )));
    }
    let lower = key.to_ascii_lowercase();
    let site = format!("{}.com", ehr.name().to_ascii_lowercase());
    if lower.contains("://") || lower.starts_with("www.") || lower.contains(&site) {
        return Err(invalid("this looks like a web address, not an API key"));
    }
    Ok(key)
}

/// Characters that are stripped from both ends of a paste: whitespace, zero-width characters and
/// every kind of quote people wrap keys in (straight, curly, guillemets, backticks).
fn is_wrapper(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | '\u{201c}'
                | '\u{201d}'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{00ab}'
                | '\u{00bb}'
                | '\u{200b}'
                | '\u{feff}'
        )
}

/// Remove line breaks anywhere (keys copied from a wrapped email) and wrappers at both ends.
fn clean(raw: &str) -> String {
    let no_breaks: String = raw.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    no_breaks.trim_matches(is_wrapper).to_string()
}
