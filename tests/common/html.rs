//! Checking Cliniko HTML in tests: only the allowed tags, well nested, safe links; its text back.
// Each test binary uses only some of these helpers.
#![allow(dead_code)]

pub const ALLOWED: &[&str] = &[
    "p",
    "div",
    "br",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "b",
    "i",
    "u",
    "a",
];

/// Tags checked, text returned (entities decoded).
pub fn check_html(html: &str) -> Result<String, String> {
    if html.contains(['\n', '\t', '\r']) {
        return Err("newline or tab".into());
    }
    let mut stack = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let gt = rest[lt..].find('>').ok_or("unclosed <")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name) {
                return Err(format!("misnested </{name}>"));
            }
            continue;
        }
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !ALLOWED.contains(&name) {
            return Err(format!("<{name}> not allowed"));
        }
        if !attrs.is_empty() {
            let href = attrs
                .strip_prefix("href=\"")
                .and_then(|a| a.strip_suffix('"'));
            let ok = name == "a"
                && href.is_some_and(|h| {
                    !h.contains('"')
                        && ["http://", "https://", "mailto:"]
                            .iter()
                            .any(|p| h.starts_with(p))
                });
            if !ok {
                return Err(format!("bad attribute on <{name}>: {attrs}"));
            }
        }
        if name != "br" {
            stack.push(name);
        }
    }
    text.push_str(rest);
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    Ok(decode(&text))
}

/// Decode the entities HTML writers emit: `&lt; &gt; &quot; &amp;` and numeric references.
pub fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "amp" => Some('&'),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((ch, e))
        });
        match decoded {
            Some((ch, e)) => {
                out.push(ch);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn visible(s: &str) -> Vec<char> {
    // U+FFFD replaces NUL in both; whitespace differs by design (collapsed, `<br>`).
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect()
}

pub fn subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}
