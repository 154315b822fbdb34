//! Path-aware JSON reading for Cliniko bodies: every failure names where, never what (no PHI).
//!
//! serde's own messages quote the offending value (`invalid type: string "Jane"`), which may be
//! patient data, so bodies are read through [`Obj`] instead and errors carry only a JSON path.

use super::id::{ClinikoId, is_id_text};
use crate::error::Ehr;
use crate::{Error, Result};
use serde_json::{Map, Value};

/// An `UnexpectedBody` error for `path` (`patients[2].first_name`) saying what was expected.
pub fn bad(path: &str, expected: &str) -> Error {
    Error::unexpected_body(Ehr::Cliniko, path, expected)
}

/// Parse a body as JSON, describing empty, HTML and broken bodies without quoting them.
pub fn parse_json(body: &str) -> Result<Value> {
    crate::wire::parse_json(Ehr::Cliniko, body, "HTML, expected JSON")
}

/// A JSON object being read, with the path that leads to it.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// Read `value` as an object found at `path` (`""` for the whole body).
    pub fn new(value: &'a Value, path: &str) -> Result<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
            }),
            _ => Err(bad(path, "expected an object")),
        }
    }

    /// This object's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of one of this object's fields.
    pub fn field_path(&self, field: &str) -> String {
        if self.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.path)
        }
    }

    /// A field's raw value; JSON `null` counts as absent.
    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// A required id: a digit string, or (legacy, before ids were stringified) a JSON integer,
    /// which serde_json reads exactly as u64, then kept as text.
    pub fn id(&self, field: &str) -> Result<ClinikoId> {
        self.id_opt(field)?
            .ok_or_else(|| bad(&self.field_path(field), "missing id"))
    }

    /// An optional id (absent, null or `""` → `None`).
    pub fn id_opt(&self, field: &str) -> Result<Option<ClinikoId>> {
        let text = match self.raw(field) {
            None => return Ok(None),
            Some(Value::String(s)) if s.is_empty() => return Ok(None),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            Some(_) => return Err(bad(&self.field_path(field), "expected an id")),
        };
        if is_id_text(&text) {
            Ok(Some(ClinikoId::parse(&text)?))
        } else {
            Err(bad(&self.field_path(field), "expected an id of digits"))
        }
    }

    /// An optional string (absent or null → `None`).
    pub fn str_opt(&self, field: &str) -> Result<Option<String>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(&self.field_path(field), "expected a string")),
        }
    }

    /// An optional string where `""` also means absent (e.g. `archived_at`, which LEGACY
    /// examples show as `""` and the current spec as `null`: both mean "not archived").
    pub fn nonempty_opt(&self, field: &str) -> Result<Option<String>> {
        Ok(self.str_opt(field)?.filter(|s| !s.trim().is_empty()))
    }

    /// A string that defaults to `""` when absent or null.
    pub fn str_or_empty(&self, field: &str) -> Result<String> {
        Ok(self.str_opt(field)?.unwrap_or_default())
    }

    /// An optional boolean.
    pub fn bool_opt(&self, field: &str) -> Result<Option<bool>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(bad(&self.field_path(field), "expected true or false")),
        }
    }

    /// An optional non-negative integer.
    pub fn u64_opt(&self, field: &str) -> Result<Option<u64>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| bad(&self.field_path(field), "expected a whole number")),
            Some(_) => Err(bad(&self.field_path(field), "expected a number")),
        }
    }

    /// An optional nested object.
    pub fn obj_opt(&self, field: &str) -> Result<Option<Obj<'a>>> {
        match self.raw(field) {
            None => Ok(None),
            Some(v) => Obj::new(v, &self.field_path(field)).map(Some),
        }
    }

    /// An optional array, with each element's path (`field[i]`).
    pub fn array_opt(&self, field: &str) -> Result<Vec<(&'a Value, String)>> {
        match self.raw(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let base = self.field_path(field);
                Ok(items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v, format!("{base}[{i}]")))
                    .collect())
            }
            Some(_) => Err(bad(&self.field_path(field), "expected a list")),
        }
    }

    /// The id at the end of `<field>.links.self` (`…/v1/patients/123` → `123`), the way related
    /// records are referenced in Cliniko bodies. Absent or unparsable links give `None`.
    pub fn linked_id(&self, field: &str) -> Result<Option<ClinikoId>> {
        let Some(rel) = self.obj_opt(field)? else {
            return Ok(None);
        };
        let Some(links) = rel.obj_opt("links")? else {
            return Ok(None);
        };
        let Some(url) = links.str_opt("self")? else {
            return Ok(None);
        };
        let last = url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        Ok(ClinikoId::parse(last).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_path_not_the_value() {
        let v = json!({"patient": {"first_name": 42, "secret": "Jane"}});
        let o = Obj::new(&v, "").unwrap();
        let p = o.obj_opt("patient").unwrap().unwrap();
        let e = p.str_opt("first_name").unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedBody {
                ehr: Ehr::Cliniko,
                detail: "patient.first_name: expected a string".into()
            }
        );
    }

    #[test]
    fn legacy_numeric_ids_become_strings() {
        let v = json!({"id": 18054652029892100u64, "b": "", "c": null});
        let o = Obj::new(&v, "").unwrap();
        assert_eq!(o.id("id").unwrap().as_str(), "18054652029892100");
        assert_eq!(o.id_opt("b").unwrap(), None);
        assert!(o.id("c").is_err());
    }

    #[test]
    fn body_shapes_are_described() {
        for (body, want) in [
            ("", "body: empty, expected JSON"),
            ("<html>oops</html>", "body: HTML, expected JSON"),
            ("{\"a\":", "body: truncated JSON (line 1, column 5)"),
        ] {
            match parse_json(body) {
                Err(Error::UnexpectedBody { detail, .. }) => assert_eq!(detail, want),
                other => panic!("{other:?}"),
            }
        }
    }
}
