//! Cliniko request gatekeeping: User-Agent rule, Basic auth with shard-suffixed keys, `Accept`.

use crate::codec::base64_decode;
use crate::http::HttpRequest;

/// Split an API key into (base, shard suffix) per the official sharding guide: one part → no
/// suffix (au1); two parts with a `^[a-z]{2}\d{1,2}$` second part → that shard; else invalid.
pub fn split_key(key: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = key.split('-').collect();
    match parts.as_slice() {
        [base] if !base.is_empty() => Some(((*base).to_string(), None)),
        [base, shard] if !base.is_empty() && is_shard(shard) => {
            Some(((*base).to_string(), Some(shard.to_ascii_lowercase())))
        }
        _ => None,
    }
}

fn is_shard(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=4).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// The key from `Authorization: Basic base64(key:)` (password ignored), if well-formed.
pub fn basic_key(req: &HttpRequest) -> Option<String> {
    let value = req.header_value("authorization")?.trim();
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(b64.trim())?).ok()?;
    let key = decoded.split_once(':').map_or(decoded.as_str(), |(k, _)| k);
    (!key.is_empty()).then(|| key.to_string())
}

/// Cliniko requires `User-Agent: APP_NAME (CONTACT_EMAIL)`. Real Cliniko's reaction to a missing or
/// malformed one is UNCONFIRMED ("future requests may be automatically blocked"); the sandbox
/// answers 403 with a JSON message so a client that forgets it fails loudly in tests.
pub fn user_agent_ok(req: &HttpRequest) -> bool {
    let Some(ua) = req.header_value("user-agent") else {
        return false;
    };
    let mut rest = ua;
    while let Some(open) = rest.find('(') {
        let name = rest[..open].trim();
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else {
            return false;
        };
        if !name.is_empty() && is_email(after[..close].trim()) {
            return true;
        }
        rest = &after[close + 1..];
    }
    false
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let Some((host, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    !local.is_empty()
        && !host.is_empty()
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// `Accept` must allow JSON (the docs: "send the Accept header with application/json").
pub fn accepts_json(req: &HttpRequest) -> bool {
    req.header_value("accept")
        .is_some_and(|a| a.to_ascii_lowercase().contains("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_suffixes() {
        assert_eq!(
            split_key("abc-au2"),
            Some(("abc".into(), Some("au2".into())))
        );
        assert_eq!(split_key("abc"), Some(("abc".into(), None)));
        assert_eq!(split_key("abc-xyz"), None);
        assert_eq!(split_key("a-b-au1"), None);
    }

    #[test]
    fn user_agent_rule() {
        let ua = |v: &str| HttpRequest::new("GET", "h", "/").header("User-Agent", v);
        assert!(user_agent_ok(&ua("Motics Push (support@motics.ai)")));
        assert!(user_agent_ok(&ua("Mozilla/5.0 (X11) Motics Push (a@b.co)")));
        assert!(!user_agent_ok(&ua(
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/156"
        )));
        assert!(!user_agent_ok(&ua("(a@b.co)")));
        assert!(!user_agent_ok(&ua("App (not an email)")));
        assert!(!user_agent_ok(&HttpRequest::new("GET", "h", "/")));
    }
}
