//! Cliniko `q[]` filters: `field:OPvalue`, AND-combined, with the documented operators per field type
//! (cliniko-api.md §5).

use crate::clock::{parse_date, parse_iso};

/// The type of a filterable field, which decides its operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// String: `= != ~ ~~ ? !?`.
    Str,
    /// int64 id: `= (list) != >= > <= < ? !?`.
    Int,
    /// Boolean: `= !=`.
    Bool,
    /// Date `YYYY-MM-DD`: `= (with * wildcards) >= > <= < ? !?`.
    Date,
    /// Date-time: `>= > <= < ? !? *` (`*` = any value, including archived records).
    Time,
}

/// A field's value on one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// String (or null).
    Str(Option<String>),
    /// Integer id (or null).
    Int(Option<u64>),
    /// Boolean (or null).
    Bool(Option<bool>),
    /// `YYYY-MM-DD` (or null).
    Date(Option<String>),
    /// Unix ms (or null).
    Time(Option<u64>),
}

impl Value {
    fn is_null(&self) -> bool {
        matches!(
            self,
            Value::Str(None)
                | Value::Int(None)
                | Value::Bool(None)
                | Value::Date(None)
                | Value::Time(None)
        )
    }

    /// Ordering for `sort`: nulls first, strings case-insensitively.
    pub fn sort_cmp(&self, other: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        match (self.is_null(), other.is_null()) {
            (true, true) => return Equal,
            (true, false) => return Less,
            (false, true) => return Greater,
            _ => {}
        }
        match (self, other) {
            (Value::Str(Some(a)), Value::Str(Some(b))) => a.to_lowercase().cmp(&b.to_lowercase()),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Time(a), Value::Time(b)) => a.cmp(b),
            _ => Equal,
        }
    }
}

/// One parsed `q[]` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Field name.
    pub field: String,
    /// Operator (`=`, `~~`, …).
    pub op: String,
    /// Raw value after the operator.
    pub value: String,
}

const OPS: &[&str] = &["~~", "!=", "!?", ">=", "<=", "=", "~", ">", "<", "?", "*"];

/// Parse `field:OPvalue`, checking the field is filterable and the operator fits its type.
pub fn parse(raw: &str, fields: &[(&str, Kind)]) -> Result<Filter, String> {
    let (field, rest) = raw
        .split_once(':')
        .ok_or_else(|| format!("invalid filter '{raw}'"))?;
    let kind = fields
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, k)| *k)
        .ok_or_else(|| format!("'{field}' is not a filterable field"))?;
    let op = OPS
        .iter()
        .find(|op| rest.starts_with(**op))
        .ok_or_else(|| format!("invalid operator in '{raw}'"))?;
    let allowed: &[&str] = match kind {
        Kind::Str => &["=", "!=", "~", "~~", "?", "!?"],
        Kind::Int => &["=", "!=", ">=", ">", "<=", "<", "?", "!?"],
        Kind::Bool => &["=", "!="],
        Kind::Date => &["=", ">=", ">", "<=", "<", "?", "!?"],
        Kind::Time => &[">=", ">", "<=", "<", "?", "!?", "*"],
    };
    if !allowed.contains(op) {
        return Err(format!("operator '{op}' is not valid for '{field}'"));
    }
    let value = rest[op.len()..].to_string();
    let valid = match (kind, *op) {
        (_, "?" | "!?" | "*") => true,
        (Kind::Int, "=") => value.split(',').all(|v| v.trim().parse::<u64>().is_ok()),
        (Kind::Int, _) => value.parse::<u64>().is_ok(),
        (Kind::Bool, _) => value == "true" || value == "false",
        (Kind::Date, "=") => value.len() == 10,
        (Kind::Date, _) => parse_date(&value).is_some(),
        (Kind::Time, _) => parse_iso(&value).is_some(),
        (Kind::Str, _) => true,
    };
    if !valid {
        return Err(format!("invalid value for '{field}'"));
    }
    Ok(Filter {
        field: field.to_string(),
        op: op.to_string(),
        value,
    })
}

/// Whether a record's field value passes the filter.
///
/// String matching is case-insensitive here. Whether real Cliniko's `=`/`~`/`~~` on names are
/// case-sensitive is UNCONFIRMED (cliniko-api.md §5, §12 q5); clients should not depend on either.
pub fn matches(f: &Filter, v: &Value) -> bool {
    match f.op.as_str() {
        "*" => return true,
        "?" => return !v.is_null() && v != &Value::Str(Some(String::new())),
        "!?" => return v.is_null() || v == &Value::Str(Some(String::new())),
        _ => {}
    }
    match v {
        Value::Str(s) => {
            let s = s.as_deref().unwrap_or("").to_lowercase();
            let want = f.value.to_lowercase();
            match f.op.as_str() {
                "=" => s == want,
                "!=" => s != want,
                "~" => s.contains(&want),
                "~~" => wildcard(&s, &want),
                _ => false,
            }
        }
        Value::Int(n) => {
            let Some(n) = *n else { return f.op == "!=" };
            let want: u64 = f.value.parse().unwrap_or(0);
            match f.op.as_str() {
                "=" => f
                    .value
                    .split(',')
                    .any(|x| x.trim().parse::<u64>().ok() == Some(n)),
                "!=" => n != want,
                ">=" => n >= want,
                ">" => n > want,
                "<=" => n <= want,
                "<" => n < want,
                _ => false,
            }
        }
        Value::Bool(b) => {
            let want = f.value == "true";
            match f.op.as_str() {
                "=" => *b == Some(want),
                "!=" => *b != Some(want),
                _ => false,
            }
        }
        Value::Date(d) => {
            let Some(d) = d else { return false };
            match f.op.as_str() {
                // `****-05-**` means "born in May": `*` matches any one character.
                "=" => {
                    d.len() == f.value.len()
                        && d.chars()
                            .zip(f.value.chars())
                            .all(|(a, b)| b == '*' || a == b)
                }
                ">=" => d.as_str() >= f.value.as_str(),
                ">" => d.as_str() > f.value.as_str(),
                "<=" => d.as_str() <= f.value.as_str(),
                "<" => d.as_str() < f.value.as_str(),
                _ => false,
            }
        }
        Value::Time(t) => {
            let (Some(t), Some(want)) = (*t, parse_iso(&f.value)) else {
                return false;
            };
            match f.op.as_str() {
                ">=" => t >= want,
                ">" => t > want,
                "<=" => t <= want,
                "<" => t < want,
                _ => false,
            }
        }
    }
}

/// SQL-LIKE matching where `%` is any run of characters (`~~`).
fn wildcard(s: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    if parts.len() == 1 {
        return s == pattern;
    }
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !s.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 {
            return s.len() >= pos + part.len() && s[pos..].ends_with(part);
        } else {
            match s[pos..].find(part) {
                Some(at) => pos += at + part.len(),
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &[(&str, Kind)] = &[
        ("first_name", Kind::Str),
        ("id", Kind::Int),
        ("date_of_birth", Kind::Date),
        ("archived_at", Kind::Time),
        ("draft", Kind::Bool),
    ];

    fn m(raw: &str, v: Value) -> bool {
        matches(&parse(raw, F).unwrap(), &v)
    }

    #[test]
    fn operators() {
        let s = |x: &str| Value::Str(Some(x.into()));
        assert!(m("first_name:~bri", s("Brian")));
        assert!(!m("first_name:~bri", s("Bob")));
        assert!(m("first_name:=brian", s("Brian")));
        assert!(m("first_name:~~b%n", s("Brian")));
        assert!(!m("first_name:~~b%n", s("Brianna")));
        assert!(m("first_name:~~%ian%", s("Brianna")));
        assert!(m("first_name:!?", Value::Str(None)));
        assert!(m("id:=1,2,3", Value::Int(Some(2))));
        assert!(!m("id:=1,3", Value::Int(Some(2))));
        assert!(m("id:>=2", Value::Int(Some(2))));
        assert!(m(
            "date_of_birth:=****-05-**",
            Value::Date(Some("1990-05-17".into()))
        ));
        assert!(!m(
            "date_of_birth:=****-05-**",
            Value::Date(Some("1990-06-17".into()))
        ));
        assert!(m("archived_at:*", Value::Time(None)));
        assert!(m(
            "archived_at:>2020-01-01T00:00:00Z",
            Value::Time(Some(1_700_000_000_000))
        ));
        assert!(m("draft:=false", Value::Bool(Some(false))));
    }

    #[test]
    fn rejects_bad_filters() {
        assert!(parse("phone:=1", F).is_err());
        assert!(parse("id:~1", F).is_err());
        assert!(parse("id:=abc", F).is_err());
        assert!(parse("archived_at:=2020", F).is_err());
        assert!(parse("nocolon", F).is_err());
    }
}
