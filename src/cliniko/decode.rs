//! Cliniko's bodies through the one path-aware reader ([`crate::json`]), and what only Cliniko
//! bodies do: related records referenced by `links.self`.

use super::id::{Cliniko, ClinikoId};
use crate::Result;
use crate::error::{Ehr, Error};
use serde_json::Value;

/// A Cliniko JSON object being read, with its path.
pub type Obj<'a> = crate::json::Obj<'a, Cliniko>;

/// An `UnexpectedBody` error for `path` (`patients[2].first_name`) saying what was expected.
pub fn bad(path: &str, expected: &str) -> Error {
    crate::json::bad::<Cliniko>(path, expected)
}

/// Parse a body as JSON, describing empty, HTML and broken bodies without quoting them.
pub fn parse_json(body: &str) -> Result<Value> {
    crate::wire::parse_json(Ehr::Cliniko, body, "HTML, expected JSON")
}

impl Obj<'_> {
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
