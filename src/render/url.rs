//! Link address checks: only http, https and mailto reach an EHR (no `javascript:`, `data:`, relative).

/// The address to send, or `None` when it must not be a link.
///
/// Browsers ignore ASCII tabs and newlines inside URLs (`java\tscript:`), and strip leading
/// controls, so any control character rejects the address outright rather than being cleaned.
/// Spaces are percent-encoded (a URL cannot contain them; the page's resolved `href` never does).
pub fn safe_href(href: &str) -> Option<String> {
    let href = href.trim_matches(|c: char| c == ' ');
    if href.is_empty()
        || href
            .chars()
            .any(|c| c.is_control() || (c.is_whitespace() && c != ' '))
    {
        return None;
    }
    let colon = href.find(':')?;
    let scheme = href[..colon].to_ascii_lowercase();
    let rest = &href[colon + 1..];
    let ok = match scheme.as_str() {
        "http" | "https" => rest.starts_with("//") && rest.len() > 2,
        "mailto" => !rest.is_empty(),
        _ => false,
    };
    ok.then(|| format!("{scheme}:{}", rest.replace(' ', "%20")))
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn allows_only_web_and_mail() {
        assert_eq!(
            safe_href("https://a.test/x?y=1").as_deref(),
            Some("https://a.test/x?y=1")
        );
        assert_eq!(
            safe_href(" HTTP://a.test ").as_deref(),
            Some("http://a.test")
        );
        assert_eq!(
            safe_href("mailto:a@b.test").as_deref(),
            Some("mailto:a@b.test")
        );
        assert_eq!(
            safe_href("https://a.test/a b").as_deref(),
            Some("https://a.test/a%20b")
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/relative",
            "#frag",
            "https:",
            "http:/x",
            "",
            "https://a.test/\nx",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
    }
}
