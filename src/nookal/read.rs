//! Nookal's bodies through the one path-aware reader ([`crate::json`]), and what only Nookal
//! needs: leniency. Its PHP backend is loose with types (`"currentPage": "1"`, ids as `"1"` or
//! `1`, empty lists as `[]` where an object is expected, `"0000-00-00"` for "no date"), so every
//! reader here accepts both forms. Errors name the JSON path only, never the value.

use super::id::Nookal;
use crate::Result;
use crate::error::Error;
use serde_json::Value;

pub use crate::json::join;

/// A Nookal JSON object being read, with its path.
pub type Rec<'a> = crate::json::Obj<'a, Nookal>;

/// An `UnexpectedBody` error for `path` saying what was expected.
pub fn bad(path: &str, expected: &str) -> Error {
    crate::json::bad::<Nookal>(path, expected)
}

impl Rec<'_> {
    /// Optional text: a string, or a number/bool written as text; `""` and absent → `None`.
    pub fn text(&self, field: &str) -> Result<Option<String>> {
        self.text_any(&[field])
    }

    /// [`Rec::text`] over the first present of several spellings.
    pub fn text_any(&self, fields: &[&str]) -> Result<Option<String>> {
        match self.raw_any(fields) {
            None => Ok(None),
            Some((v, path)) => as_text(v).ok_or_else(|| bad(&path, "expected text")),
        }
    }

    /// An optional date or date-time; `0000-00-00…` (MySQL's zero date) counts as absent.
    pub fn date_any(&self, fields: &[&str]) -> Result<Option<String>> {
        Ok(self
            .text_any(fields)?
            .filter(|d| !d.starts_with("0000-00-00")))
    }

    /// An optional flag: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"yes"`/`"no"`, `"true"`/`"false"`.
    pub fn flag(&self, field: &str) -> Result<Option<bool>> {
        match self.raw(field) {
            None => Ok(None),
            Some(v) => as_flag(v)
                .map(Some)
                .ok_or_else(|| self.bad(field, "expected a yes/no value")),
        }
    }
}

/// Text of a scalar: strings trimmed, numbers and booleans written out; `""` → `None`.
/// `None` (outer) when the value is an object or list.
pub fn as_text(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => {
            let t = s.trim();
            Some((!t.is_empty()).then(|| t.to_string()))
        }
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

/// A yes/no value in any of the forms Nookal uses.
pub fn as_flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|x| x != 0.0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "y" | "on" | "success" => Some(true),
            "0" | "false" | "no" | "n" | "off" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A whole number given as a number or a digit string (`currentPage: "1"`).
pub fn as_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|x| x.fract() == 0.0 && *x >= 0.0)
                .map(|x| x as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The items of a list that PHP may have sent as an array, as an object keyed by index
/// (`{"0": {...}, "2": {...}}`, when rows were removed before `json_encode`), or as `null`.
pub fn list_items<'a>(v: &'a Value, path: &str) -> Result<Vec<(&'a Value, String)>> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => Ok(crate::json::indexed(items, path)),
        Value::Object(map) => Ok(map
            .iter()
            .map(|(k, v)| (v, format!("{path}.{k}")))
            .collect()),
        _ => Err(bad(path, "expected a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_and_counts_accept_both_forms() {
        let v = json!({"a": "12", "b": 12, "c": "", "d": 1.5, "e": "0"});
        let r = Rec::new(&v, "x").unwrap();
        assert_eq!(r.id("a").unwrap().as_str(), "12");
        assert_eq!(r.id("b").unwrap().as_str(), "12");
        assert!(r.id("c").is_err());
        assert_eq!(r.id("d").unwrap_err(), bad("x.d", "expected an id"));
        assert_eq!(r.id_opt_any(&["e"]).unwrap(), None);
        assert_eq!(as_count(&json!("7")), Some(7));
        assert_eq!(as_count(&json!(7.0)), Some(7));
        assert_eq!(as_count(&json!("x")), None);
    }

    #[test]
    fn php_shapes() {
        let v = json!({"0": {"a": 1}, "3": {"a": 2}});
        assert_eq!(list_items(&v, "p").unwrap().len(), 2);
        let r = json!({"DOB": "0000-00-00", "Mobile": 412345678});
        let rec = Rec::new(&r, "").unwrap();
        assert_eq!(rec.date_any(&["DOB"]).unwrap(), None);
        assert_eq!(rec.text("Mobile").unwrap().as_deref(), Some("412345678"));
    }
}
