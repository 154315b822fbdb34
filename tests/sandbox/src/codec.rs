//! Small text codecs the model needs (base64, percent/form decoding, HTML escaping), kept dependency-free.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decode standard base64 (padding optional); `None` on any invalid character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.trim().bytes() {
        if c == b'=' {
            break;
        }
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// Percent-decode one URL component; `plus_is_space` for form bodies and query strings.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encode everything except RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parse `a=1&b=2` (query string or form body) into ordered decoded pairs.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// Escape text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_cliniko_docs_example() {
        // docs.api.cliniko.com: key MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2 with an empty password.
        let enc = base64_encode(b"MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2:");
        assert_eq!(enc, "TXhKclpYa2lPaUkxTmpkMWFtSm1aVFExTnlKOS1hdTI6");
        assert_eq!(
            base64_decode(&enc).as_deref(),
            Some(&b"MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2:"[..])
        );
        assert_eq!(base64_decode("!!"), None);
    }

    #[test]
    fn percent_round_trip_and_form_pairs() {
        assert_eq!(
            percent_decode("q%5B%5D=first_name%3A~bri", false),
            "q[]=first_name:~bri"
        );
        assert_eq!(percent_decode("a+b%", true), "a b%");
        let pairs = parse_pairs("api_key=k&notes=caf%C3%A9+au+lait&x");
        assert_eq!(pairs[1], ("notes".into(), "café au lait".into()));
        assert_eq!(pairs[2], ("x".into(), String::new()));
        assert_eq!(percent_decode(&percent_encode("é &=:"), false), "é &=:");
    }
}
