//! Phone-number normalisation and comparison on the national significant number.
//!
//! Cliniko has no phone filter (maintainer, issue #343), so numbers are compared client-side.
//! Numbers are typed in many forms: `0412 345 678`, `+61 412 345 678`, `(03) 9876-5432`,
//! `0011 61 …`. Cliniko's `normalized_number` (e.g. `61412345678`) is country code + number
//! when present; it is compared as well, not relied on.

use crate::cliniko::types::PhoneNumber;

/// Fewest digits that make a phone query (fewer would match too many numbers).
pub const MIN_QUERY_DIGITS: usize = 6;

/// How a number's leading digits were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `+…`, `00…` or `0011…`: the digits start with a country code.
    International,
    /// A leading trunk `0` (stripped): the digits are the national significant number.
    National,
    /// Neither: could be either (e.g. `412345678`, or a `normalized_number` without `+`).
    Bare,
}

/// A number reduced to digits, with how it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneDigits {
    /// Digits after removing the international or trunk prefix.
    pub digits: String,
    /// Which prefix was removed.
    pub prefix: Prefix,
}

/// Normalise a typed or stored number; `None` when it has no digits.
pub fn normalise(text: &str) -> Option<PhoneDigits> {
    let t = text.trim();
    // `+44 (0)20 …`: the bracketed trunk 0 is a reading hint, not dialled after a country code.
    let t = if t.starts_with('+') {
        t.replace("(0)", "")
    } else {
        t.to_string()
    };
    let all: String = t.chars().filter(char::is_ascii_digit).collect();
    if all.is_empty() {
        return None;
    }
    let (digits, prefix) = if t.starts_with('+') {
        (all, Prefix::International)
    } else if let Some(rest) = all.strip_prefix("0011") {
        // Australia's international access code.
        (rest.to_string(), Prefix::International)
    } else if let Some(rest) = all.strip_prefix("00") {
        (rest.to_string(), Prefix::International)
    } else if let Some(rest) = all.strip_prefix('0') {
        (rest.to_string(), Prefix::National)
    } else {
        (all, Prefix::Bare)
    };
    Some(PhoneDigits { digits, prefix })
}

/// How well a number matches a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PhoneMatch {
    /// The same number (same national significant number).
    Exact,
    /// The query's digits appear within the number (e.g. the last 6+ digits).
    Partial,
}

/// Compare a query with one number.
///
/// Exact when the digit strings are equal, or when one carries a country code (1–3 digits) in
/// front of the other's national number: `+61 412 345 678` = `0412 345 678`, and Italy's
/// `39012345678` = `0-123-456-78`. Partial when the query's digits occur inside the number.
pub fn compare(query: &PhoneDigits, number: &PhoneDigits) -> Option<PhoneMatch> {
    let (q, n) = (&query.digits, &number.digits);
    if q.is_empty() || n.is_empty() {
        return None;
    }
    if q == n
        && (query.prefix == number.prefix
            || query.prefix == Prefix::Bare
            || number.prefix == Prefix::Bare)
    {
        return Some(PhoneMatch::Exact);
    }
    let country_code_prefixed = |long: &PhoneDigits, short: &PhoneDigits| {
        long.prefix != Prefix::National
            && short.prefix != Prefix::International
            && short.digits.len() >= MIN_QUERY_DIGITS
            && long.digits.ends_with(&short.digits)
            && (1..=3).contains(&(long.digits.len() - short.digits.len()))
    };
    if (n.len() > q.len() && country_code_prefixed(number, query))
        || (q.len() > n.len() && country_code_prefixed(query, number))
    {
        return Some(PhoneMatch::Exact);
    }
    if q.len() >= MIN_QUERY_DIGITS && n.contains(q.as_str()) {
        return Some(PhoneMatch::Partial);
    }
    None
}

/// The best match of a query against a stored phone (its `number` and `normalized_number`,
/// the latter read as country code + number).
pub fn match_phone(query: &PhoneDigits, phone: &PhoneNumber) -> Option<PhoneMatch> {
    let typed = phone.number.as_deref().and_then(normalise);
    let normalised = phone
        .normalized_number
        .as_deref()
        .and_then(normalise)
        .map(|d| PhoneDigits {
            prefix: if d.prefix == Prefix::Bare {
                Prefix::International
            } else {
                d.prefix
            },
            ..d
        });
    [typed, normalised]
        .iter()
        .flatten()
        .filter_map(|n| compare(query, n))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_recognised() {
        let n = |s: &str| normalise(s).unwrap();
        assert_eq!(
            n("0412 345 678"),
            PhoneDigits {
                digits: "412345678".into(),
                prefix: Prefix::National
            }
        );
        assert_eq!(
            n("+61 (4) 1234-5678"),
            PhoneDigits {
                digits: "61412345678".into(),
                prefix: Prefix::International
            }
        );
        assert_eq!(n("0011 61 412 345 678").digits, "61412345678");
        assert_eq!(n("0044 20 7946 0958").digits, "442079460958");
        assert_eq!(n("98765432").prefix, Prefix::Bare);
        assert_eq!(normalise("ext."), None);
    }
}
