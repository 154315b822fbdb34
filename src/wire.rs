//! JSON shapes serde's derives would buffer (tags, untagged unions, flattening), decoded via `Value`.
//!
//! Why: `#[serde(tag)]`, `#[serde(untagged)]` and `#[serde(flatten)]` make serde buffer input into
//! its private `Content` tree and instantiate every nested type's `Deserialize` a second (or
//! third) time for it. In the wasm build that machinery was about 127 KB of 937 KB of code
//! (twiggy; bench/README.md "Where the wasm's bytes go"). Everything here goes through
//! `serde_json::Value`, which every type is already instantiated for, so the shapes on the wire
//! stay exactly as before.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Read any input as a JSON value (the one buffering the whole crate shares).
pub fn value<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Value::deserialize(d)
}

/// Decode `T` from `v`, reporting failures through the outer deserializer's error type.
pub fn decode<'de, D: Deserializer<'de>, T: DeserializeOwned>(v: Value) -> Result<T, D::Error> {
    serde_json::from_value(v).map_err(D::Error::custom)
}

/// `{tag: "name", …fields}` → `{"name": {…fields}}`: the externally tagged shape serde decodes
/// without buffering. Every variant of such an enum must then be a struct or newtype variant
/// (a unit variant would want a bare string); `Name {}` does for "no fields".
pub fn retag(v: Value, tag: &str) -> Result<Value, String> {
    let Value::Object(mut fields) = v else {
        return Err(format!("expected an object with a \"{tag}\" field"));
    };
    match fields.remove(tag) {
        Some(Value::String(name)) => {
            let mut outer = Map::with_capacity(1);
            outer.insert(name, Value::Object(fields));
            Ok(Value::Object(outer))
        }
        Some(_) => Err(format!("\"{tag}\" must be a string")),
        None => Err(format!("missing field `{tag}`")),
    }
}

/// Two structs read from the same JSON object: what `#[serde(flatten)]` does, minus the buffering.
/// Each side ignores the other's fields (neither may `deny_unknown_fields`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flat<A, B>(pub A, pub B);

impl<'de, A: DeserializeOwned, B: DeserializeOwned> Deserialize<'de> for Flat<A, B> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = value(d)?;
        Ok(Flat(decode::<D, A>(v.clone())?, decode::<D, B>(v)?))
    }
}

/// Parse an EHR's body as JSON, describing empty, HTML (`html`: what an HTML page means for this
/// EHR) and broken bodies without quoting them.
pub fn parse_json(ehr: crate::error::Ehr, body: &str, html: &str) -> crate::Result<Value> {
    let bad = |what: &str| crate::Error::unexpected_body(ehr, "", what);
    let t = body.trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return Err(bad("empty, expected JSON"));
    }
    if t.starts_with('<') {
        return Err(bad(html));
    }
    serde_json::from_str(t).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "truncated JSON",
            _ => "not valid JSON",
        };
        bad(&format!(
            "{what} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retag_moves_the_tag_outside() {
        assert_eq!(
            retag(json!({"type": "a/b", "x": 1}), "type"),
            Ok(json!({"a/b": {"x": 1}}))
        );
        assert_eq!(retag(json!({"type": "a"}), "type"), Ok(json!({"a": {}})));
    }

    #[test]
    fn retag_refuses_what_has_no_string_tag() {
        assert!(retag(json!([1]), "type").is_err());
        assert!(retag(json!({"x": 1}), "type").is_err());
        assert!(retag(json!({"type": 3}), "type").is_err());
    }

    #[test]
    fn flat_reads_both_sides_from_one_object() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct A {
            a: u8,
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct B {
            #[serde(default)]
            b: Option<u8>,
        }
        let f: Flat<A, B> = serde_json::from_value(json!({"a": 1, "b": 2})).unwrap();
        assert_eq!(f, Flat(A { a: 1 }, B { b: Some(2) }));
        assert!(serde_json::from_value::<Flat<A, B>>(json!({"b": 2})).is_err());
    }
}
