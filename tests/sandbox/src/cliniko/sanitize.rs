//! Cliniko's paragraph-answer sanitiser: only `p div br ul ol li blockquote h1 h2 b i u a` survive
//! (cliniko-api.md §8), `a` keeps only an http/https/mailto `href`, every other tag is removed with its
//! text kept, `\n` `\r` `\t` are stripped, and stray `<` `>` `&` are escaped.

const ALLOWED: &[&str] = &[
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

/// Sanitise one paragraph answer the way the sandbox's Cliniko stores it.
pub fn sanitize_html(input: &str) -> String {
    let text: String = input
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r' | '\t'))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut open: Vec<String> = Vec::new();
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let next = rest[1..].chars().next();
                if rest.starts_with("<!--") {
                    rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
                } else if matches!(next, Some(n) if n.is_ascii_alphabetic() || n == '/' || n == '!' || n == '?')
                {
                    let Some(end) = tag_end(rest) else {
                        // An unterminated tag swallows the rest, as an HTML parser would.
                        break;
                    };
                    emit_tag(&rest[1..end], &mut out, &mut open);
                    rest = &rest[end + 1..];
                } else {
                    out.push_str("&lt;");
                    rest = &rest[1..];
                }
            }
            '>' => {
                out.push_str("&gt;");
                rest = &rest[1..];
            }
            '&' => {
                let entity_len = entity_len(rest);
                if entity_len > 0 {
                    out.push_str(&rest[..entity_len]);
                    rest = &rest[entity_len..];
                } else {
                    out.push_str("&amp;");
                    rest = &rest[1..];
                }
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    while let Some(tag) = open.pop() {
        out.push_str(&format!("</{tag}>"));
    }
    out
}

/// Index of the `>` closing the tag that starts at `s[0] == '<'`, honouring quoted attributes.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Length of a character reference at the start of `s` (`&amp;`, `&#233;`, `&#xE9;`), or 0.
fn entity_len(s: &str) -> usize {
    let body = &s[1..];
    let n = body
        .bytes()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    if n > 0 && body.as_bytes().get(n) == Some(&b';') {
        n + 2
    } else {
        0
    }
}

fn emit_tag(inner: &str, out: &mut String, open: &mut Vec<String>) {
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    if !ALLOWED.contains(&name.as_str()) {
        return;
    }
    if closing {
        if let Some(pos) = open.iter().rposition(|t| *t == name) {
            while open.len() > pos {
                if let Some(t) = open.pop() {
                    out.push_str(&format!("</{t}>"));
                }
            }
        }
        return;
    }
    if name == "br" {
        out.push_str("<br>");
        return;
    }
    if name == "a" {
        match attr(&inner[name_len..], "href").filter(|h| safe_href(h)) {
            Some(href) => out.push_str(&format!("<a href=\"{}\">", escape_attr(&href))),
            None => out.push_str("<a>"),
        }
    } else {
        out.push_str(&format!("<{name}>"));
    }
    open.push(name);
}

fn safe_href(href: &str) -> bool {
    let h: String = href
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    h.starts_with("http:") || h.starts_with("https:") || h.starts_with("mailto:")
}

fn escape_attr(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The value of attribute `want` in an attribute string (`href="x" class=y`), entity `&amp;` decoded.
fn attr(attrs: &str, want: &str) -> Option<String> {
    let mut s = attrs.trim_start_matches('/');
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() {
            return None;
        }
        let name_end = s
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(s.len());
        let name = s[..name_end].to_ascii_lowercase();
        s = s[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = s.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = body[..end].to_string();
                s = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..end].to_string();
                s = &after[end..];
            }
        }
        if name == want {
            return Some(value.replace("&amp;", "&"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_html as s;

    #[test]
    fn keeps_allowed_and_strips_the_rest() {
        assert_eq!(s("<p>Hi <strong>there</strong></p>"), "<p>Hi there</p>");
        assert_eq!(
            s("<h3 class='x'>Plan</h3><h1 style=\"c\">T</h1>"),
            "Plan<h1>T</h1>"
        );
        assert_eq!(s("<p>a\n\tb\r</p>"), "<p>ab</p>");
        assert_eq!(
            s("<script>alert(1)</script><img src=x onerror=alert(1)>"),
            "alert(1)"
        );
        assert_eq!(
            s("1 < 2 & 3 > 2 &amp; &lt;tag&gt;"),
            "1 &lt; 2 &amp; 3 &gt; 2 &amp; &lt;tag&gt;"
        );
        assert_eq!(s("<BR/><br />"), "<br><br>");
        assert_eq!(s("<ul><li>a<li>b</ul>"), "<ul><li>a<li>b</li></li></ul>");
        assert_eq!(s("<b>open"), "<b>open</b>");
        assert_eq!(s("x<!-- hidden -->y"), "xy");
    }

    #[test]
    fn links_keep_only_safe_href() {
        assert_eq!(
            s("<a href=\"https://e.com/?a=1&amp;b=2\" onclick=\"x\">l</a>"),
            "<a href=\"https://e.com/?a=1&amp;b=2\">l</a>"
        );
        assert_eq!(s("<a href='javascript:alert(1)'>x</a>"), "<a>x</a>");
        assert_eq!(s("<a href=\" JaVa\tScript:alert(1)\">x</a>"), "<a>x</a>");
        assert_eq!(
            s("<a href=mailto:a@b.c>m</a>"),
            "<a href=\"mailto:a@b.c\">m</a>"
        );
    }
}
