//! Query-string encoding and the `links.next` guard (pagination links must stay on the API).

use super::key::Shard;
use crate::error::Ehr;
use crate::{Error, Result};

/// Percent-encode a query name or value: everything except RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` of its UTF-8 bytes, so `q[]=first_name:~jane` is sent
/// as `q%5B%5D=first_name%3A~jane` and no user text can add parameters or break the URL.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Build `name=value&…` from pairs, encoding both sides.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Check that a `links.next` (or any server-given) URL stays under
/// `https://api.<shard>.cliniko.com/v1/` for the key's own shard, so following it can never send
/// the key to another host (the docs recommend following links rather than building URLs, §4).
pub fn check_same_api(shard: &Shard, url: &str) -> Result<()> {
    let prefix = format!("{}/", shard.api_base());
    let bad = |why: &str| {
        Err(Error::UnexpectedBody {
            ehr: Ehr::Cliniko,
            detail: format!("links.next: {why}"),
        })
    };
    if !url.starts_with(&prefix) {
        return bad("not on this account's Cliniko API");
    }
    let rest = &url[prefix.len()..];
    // Only printable ASCII without `\` (some URL parsers treat it as `/`) or `@`.
    if !rest
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'@')
    {
        return bad("contains characters not allowed in an API link");
    }
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    if path.split('/').any(|seg| seg == ".." || seg == ".")
        || lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
    {
        return bad("leaves the API path");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_filter_syntax_and_unicode() {
        assert_eq!(encode_component("q[]"), "q%5B%5D");
        assert_eq!(encode_component("first_name:~jane"), "first_name%3A~jane");
        assert_eq!(
            encode_component("Zoë O’Brien"),
            "Zo%C3%AB%20O%E2%80%99Brien"
        );
        assert_eq!(encode_component("a&b=c+d%"), "a%26b%3Dc%2Bd%25");
    }

    #[test]
    fn next_links_must_stay_on_the_shard_api() {
        let s = Shard::parse("au2").unwrap();
        assert!(check_same_api(&s, "https://api.au2.cliniko.com/v1/patients?page=2").is_ok());
        for bad in [
            "https://api.au1.cliniko.com/v1/patients?page=2",
            "http://api.au2.cliniko.com/v1/patients",
            "https://api.au2.cliniko.com.evil.test/v1/patients",
            "https://api.au2.cliniko.com/v2/patients",
            "https://api.au2.cliniko.com/v1/../admin",
            "https://api.au2.cliniko.com/v1/%2e%2e/admin",
            "https://api.au2.cliniko.com/v1/x\\@evil.test",
            "https://api.au2.cliniko.com/v1/pat ients",
            "//evil.test/v1/",
        ] {
            assert!(check_same_api(&s, bad).is_err(), "{bad}");
        }
    }
}
