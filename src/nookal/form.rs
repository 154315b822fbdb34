//! `application/x-www-form-urlencoded` bodies (WHATWG URL §5): how every Nookal v2 call is sent.
//!
//! Nookal's SDK builds bodies with PHP `http_build_query`, i.e. this encoding: UTF-8 bytes,
//! space as `+`, and everything but `A-Z a-z 0-9 * - . _` percent-encoded. Any user text (a note
//! with `&`, `=`, `+` or a newline) therefore stays inside its own field.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Encode one name or value: unreserved bytes as-is, space as `+`, the rest as `%XX` (upper-case
/// hex) of its UTF-8 bytes. A newline is sent as `%0A` (not normalised to CRLF: Nookal stores
/// what it is given, and the read-back compares against the text as sent).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b' ' => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

/// `name=value&name=value` in the given order, both sides encoded.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_are_escaped() {
        assert_eq!(encode_component("a b&c=d+e\né"), "a+b%26c%3Dd%2Be%0A%C3%A9");
        assert_eq!(encode(&[("x", "1"), ("y z", "")]), "x=1&y+z=");
    }
}
