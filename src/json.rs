//! Path-aware reading of EHR JSON bodies: every failure names where, never what (no PHI).
//!
//! serde's own messages quote the offending value (`invalid type: string "Jane"`), which may be
//! patient data, so every EHR's bodies are read through [`Obj`] and errors carry only a JSON
//! path. One reader for every EHR: the [`Dialect`] names the EHR in errors and says what its
//! ids look like; an EHR's own leniencies (Nookal's PHP types) are extra methods in its module.

use crate::Result;
use crate::ehr::id::{Dialect, Id, is_id_text};
use crate::error::Error;
use serde_json::{Map, Value};
use std::marker::PhantomData;

/// An `UnexpectedBody` error from `D`'s API for `path` (`patients[2].first_name`).
pub fn bad<D: Dialect>(path: &str, expected: &str) -> Error {
    Error::unexpected_body(D::EHR, path, expected)
}

/// The path of `field` under `base`.
pub fn join(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_string()
    } else {
        format!("{base}.{field}")
    }
}

/// A record read from one JSON object of `D`'s API (each EHR's wire records); errors name the
/// JSON path.
pub trait Decode<D: Dialect>: Sized {
    /// Read one record from `obj`.
    fn decode(obj: &Obj<'_, D>) -> Result<Self>;
}

/// A JSON object of `D`'s API being read, with the path that leads to it.
pub struct Obj<'a, D> {
    map: &'a Map<String, Value>,
    path: String,
    dialect: PhantomData<D>,
}

impl<'a, D: Dialect> Obj<'a, D> {
    /// Read `value` as an object found at `path` (`""` for the whole body).
    pub fn new(value: &'a Value, path: &str) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
                dialect: PhantomData,
            }),
            _ => Err(bad::<D>(path, "expected an object")),
        }
    }

    /// This object's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of one of this object's fields.
    pub fn field_path(&self, field: &str) -> String {
        join(&self.path, field)
    }

    /// An error about `field` (what was expected there).
    pub fn bad(&self, field: &str, expected: &str) -> Error {
        bad::<D>(&self.field_path(field), expected)
    }

    /// A field's raw value; JSON `null` counts as absent.
    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// The first of `fields` that is present (an API whose casing differs between calls).
    pub fn raw_any(&self, fields: &[&str]) -> Option<(&'a Value, String)> {
        fields
            .iter()
            .find_map(|f| self.raw(f).map(|v| (v, self.field_path(f))))
    }

    /// A required id: a string, or a JSON integer (which serde_json reads exactly as u64), kept
    /// as text.
    pub fn id(&self, field: &str) -> Result<Id<D>> {
        self.id_any(&[field])
    }

    /// A required id under the first present of several spellings.
    pub fn id_any(&self, fields: &[&str]) -> Result<Id<D>> {
        let first = fields.first().copied().unwrap_or_default();
        self.id_opt_any(fields)?
            .ok_or_else(|| self.bad(first, "missing id"))
    }

    /// An optional id (absent, null or the EHR's "none", `Ehr::no_id` → `None`).
    pub fn id_opt(&self, field: &str) -> Result<Option<Id<D>>> {
        self.id_opt_any(&[field])
    }

    /// [`Obj::id_opt`] over the first present of several spellings.
    pub fn id_opt_any(&self, fields: &[&str]) -> Result<Option<Id<D>>> {
        let Some((v, path)) = self.raw_any(fields) else {
            return Ok(None);
        };
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) if n.is_u64() => n.to_string(),
            _ => return Err(bad::<D>(&path, "expected an id")),
        };
        if D::EHR.no_id(&text) {
            Ok(None)
        } else if is_id_text::<D>(&text) {
            Id::parse(&text).map(Some)
        } else {
            Err(bad::<D>(&path, D::EHR.id_expected()))
        }
    }

    /// An optional string (absent or null → `None`).
    pub fn str_opt(&self, field: &str) -> Result<Option<String>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad(field, "expected a string")),
        }
    }

    /// An optional string where blank also means absent (e.g. Cliniko's `archived_at`, which
    /// LEGACY examples show as `""` and the current spec as `null`: both mean "not archived").
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
            Some(_) => Err(self.bad(field, "expected true or false")),
        }
    }

    /// An optional non-negative integer.
    pub fn u64_opt(&self, field: &str) -> Result<Option<u64>> {
        match self.raw(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.bad(field, "expected a whole number")),
            Some(_) => Err(self.bad(field, "expected a number")),
        }
    }

    /// An optional nested object.
    pub fn obj_opt(&self, field: &str) -> Result<Option<Obj<'a, D>>> {
        match self.raw(field) {
            None => Ok(None),
            Some(v) => Obj::new(v, &self.field_path(field)).map(Some),
        }
    }

    /// An optional array, with each element's path (`field[i]`).
    pub fn array_opt(&self, field: &str) -> Result<Vec<(&'a Value, String)>> {
        match self.raw(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(indexed(items, &self.field_path(field))),
            Some(_) => Err(self.bad(field, "expected a list")),
        }
    }
}

/// A list's items with their paths (`base[i]`).
pub fn indexed<'a>(items: &'a [Value], base: &str) -> Vec<(&'a Value, String)> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| (v, format!("{base}[{i}]")))
        .collect()
}
