//! ASCII transliteration for Nookal, which double-encodes UTF-8 (nookal-api.md §3: café→cafÃ©).

use super::report::{DowngradeKind as K, Report};
use super::translit_table::TABLE;

/// The safe ASCII replacement for `c`, if it has one ("é"→"e", "“"→"\"", "—"→"-").
pub fn ascii_for(c: char) -> Option<&'static str> {
    TABLE
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| TABLE[i].1)
}

/// Replace every non-ASCII character that has a safe ASCII form; keep the rest (CJK, emoji,
/// Greek, Cyrillic…) unchanged, since dropping them would lose text, and report them as characters
/// Nookal may garble. Every replacement is reported with an example ("é→e").
pub fn transliterate(s: &str, report: &mut Report) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(a) = ascii_for(c) {
            out.push_str(a);
            report.add(K::Transliterated, Some(&example(c, a)));
        } else {
            out.push(c);
            report.add(K::MayGarble, Some(&c.to_string()));
        }
    }
    out
}

fn example(c: char, a: &str) -> String {
    match a {
        "" => format!("U+{:04X}→(removed)", c as u32),
        " " => format!("U+{:04X}→space", c as u32),
        a => format!("{c}→{}", a.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_ascii() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(TABLE.iter().all(|(_, a)| a.is_ascii()));
    }

    #[test]
    fn replaces_known_and_keeps_unknown() {
        let mut r = Report::new();
        let out = transliterate("Café “ok” — 37°C • Zoë 你好 😀", &mut r);
        assert_eq!(out, "Cafe \"ok\" - 37 degC - Zoe 你好 😀");
        assert_eq!(r.count(K::Transliterated), 7);
        assert_eq!(r.count(K::MayGarble), 3);
        assert!(r.items()[0].examples.contains(&"é→e".to_string()));
    }
}
