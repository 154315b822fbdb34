#![cfg(not(target_arch = "wasm32"))]
//! Every API response parser against broken bodies, plus the property suites the others lacked.
//!
//! The table test feeds the four kinds of body a misbehaving server or proxy sends (truncated,
//! empty, wrong-typed, HTML) to every Cliniko and Nookal parser entry point and requires the typed
//! `UnexpectedBody` error for the right EHR. The properties (10,000 cases, `PROPTEST_CASES` for
//! `./build.sh fuzz`) cover arbitrary JSON values for every decoder, the Nookal key and query
//! parsers, Cliniko's 422 reader, and the page reply (`NoteSource`) through to Cliniko HTML.

mod common;

use motics_push::Error;
use motics_push::cliniko::responses::{parse as cliniko_parse, parse_body, validation_fields};
use motics_push::cliniko::types::{
    Page, Patient, Practitioner, PublicSettings, TreatmentNote, TreatmentNoteTemplate, User,
};
use motics_push::error::Ehr;
use motics_push::http::ApiResponse;
use motics_push::nookal::NookalKey;
use motics_push::nookal::query as nookal_query;
use motics_push::nookal::responses::{Envelope, parse as nookal_parse};
use motics_push::nookal::types as nk;
use motics_push::note::{self, NoteSource};
use motics_push::render::{self, RenderOptions};
use motics_push::search::{Date, DateOrder};
use proptest::prelude::*;
use serde_json::{Value, json};

const NOW_MS: i64 = 1_735_689_600_000;

fn fixture(dir: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ok_response(body: &str) -> ApiResponse {
    ApiResponse {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string(),
    }
}

/// A real body cut in the middle, as a dropped connection or a proxy's size limit leaves it.
fn truncated(body: &str) -> String {
    let mut cut = body.trim_end().len() / 2;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_string()
}

const HTML: &str = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                    <body><h1>Bad Gateway</h1><p>nginx</p></body></html>";

/// The first object holding an id key gets every value replaced by an object: whatever field the
/// decoder needs first, it finds the wrong type there.
fn wrong_typed(body: &str) -> String {
    fn walk(v: &mut Value) -> bool {
        match v {
            Value::Object(map) => {
                let ids = ["id", "ID", "noteID", "caseID"];
                if ids.iter().any(|k| map.contains_key(*k)) {
                    for val in map.values_mut() {
                        *val = json!({ "unexpected": [1] });
                    }
                    return true;
                }
                map.values_mut().any(walk)
            }
            Value::Array(items) => items.iter_mut().any(walk),
            _ => false,
        }
    }
    let mut v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("fixture: {e}"));
    assert!(walk(&mut v), "no record with an id in {body}");
    v.to_string()
}

fn broken_bodies(good: &str) -> Vec<(&'static str, String)> {
    vec![
        ("truncated", truncated(good)),
        ("empty", String::new()),
        ("whitespace", " \r\n".to_string()),
        ("wrong-type record", wrong_typed(good)),
        ("wrong-type top level (array)", "[1, 2, 3]".to_string()),
        ("wrong-type top level (string)", "\"ok\"".to_string()),
        ("html", HTML.to_string()),
    ]
}

fn assert_unexpected_body<T: std::fmt::Debug>(
    ehr: Ehr,
    what: &str,
    case: &str,
    got: motics_push::Result<T>,
) {
    match got {
        Err(Error::UnexpectedBody { ehr: e, detail }) => {
            assert_eq!(e, ehr, "{what} / {case}");
            assert!(!detail.is_empty(), "{what} / {case}: empty detail");
        }
        other => panic!("{what} / {case}: expected UnexpectedBody, got {other:?}"),
    }
}

/// Runs one Cliniko decoder through both entry points (`parse` with a 200, and `parse_body`).
macro_rules! cliniko_table {
    ($($ty:ty => $fixture:literal),* $(,)?) => {{
        let mut checked = 0;
        $(
            let good = fixture("cliniko", $fixture);
            // The fixture itself parses: the broken variants fail because they are broken.
            parse_body::<$ty>(&good).unwrap_or_else(|e| panic!("{}: {e:?}", $fixture));
            for (case, body) in broken_bodies(&good) {
                let what = stringify!($ty);
                assert_unexpected_body(Ehr::Cliniko, what, case, parse_body::<$ty>(&body));
                assert_unexpected_body(Ehr::Cliniko, what, case, cliniko_parse::<$ty>(&ok_response(&body), NOW_MS));
                checked += 1;
            }
        )*
        checked
    }};
}

#[test]
fn every_cliniko_parser_types_broken_bodies() {
    let checked = cliniko_table! {
        User => "user.json",
        PublicSettings => "settings_public.json",
        Patient => "patient.json",
        Page<Patient> => "patients_page.json",
        Page<Practitioner> => "practitioners_one.json",
        TreatmentNote => "treatment_note_created.json",
        Page<TreatmentNoteTemplate> => "templates_page.json",
    };
    assert_eq!(checked, 7 * 7);
}

/// One Nookal entry point: the envelope, then the list under `key` decoded as `T`.
fn nookal_entry<T: nk::Decode<motics_push::nookal::id::Nookal> + std::fmt::Debug>(
    body: &str,
    key: &str,
) -> motics_push::Result<Vec<T>> {
    let env: Envelope = nookal_parse(&ok_response(body), NOW_MS)?;
    env.list::<T>(key)
}

#[test]
fn every_nookal_parser_types_broken_bodies() {
    let mut checked = 0;
    let mut run = |name: &str, key: &str, f: &dyn Fn(&str) -> motics_push::Result<usize>| {
        let good = fixture("nookal", name);
        let n = f(&good).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(n > 0, "{name} has records");
        for (case, body) in broken_bodies(&good) {
            assert_unexpected_body(Ehr::Nookal, key, case, f(&body));
            checked += 1;
        }
    };
    run("locations.json", "locations", &|b| {
        nookal_entry::<nk::Location>(b, "locations").map(|v| v.len())
    });
    run("practitioners.json", "practitioners", &|b| {
        nookal_entry::<nk::Practitioner>(b, "practitioners").map(|v| v.len())
    });
    run("patients.json", "patients", &|b| {
        nookal_entry::<nk::Patient>(b, "patients").map(|v| v.len())
    });
    run("cases.json", "cases", &|b| {
        nookal_entry::<nk::Case>(b, "cases").map(|v| v.len())
    });
    run("notes_garbled.json", "notes", &|b| {
        nookal_entry::<nk::TreatmentNote>(b, "notes").map(|v| v.len())
    });
    assert_eq!(checked, 5 * 7);

    // Single-value answers (verify, addTreatmentNote's note_id): the envelope itself is the parser.
    for (case, body) in
        broken_bodies(r#"{"status":"success","data":{"results":{"id":"1","note_id":"9"}}}"#)
    {
        let got = nookal_parse(&ok_response(&body), NOW_MS).and_then(|env| env.text("note_id"));
        if case.starts_with("wrong-type record") {
            // `note_id` is now an object: reading it as text must fail with a typed error.
            assert_unexpected_body(Ehr::Nookal, "note_id", case, got);
        } else {
            assert_unexpected_body(Ehr::Nookal, "envelope", case, got);
        }
    }
}

/// Any JSON value, a few levels deep, with the keys the decoders look for.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("id".to_string()),
        Just("ID".to_string()),
        Just("first_name".to_string()),
        Just("FirstName".to_string()),
        Just("patients".to_string()),
        Just("treatment_notes".to_string()),
        Just("links".to_string()),
        Just("total_entries".to_string()),
        Just("account".to_string()),
        Just("content".to_string()),
        Just("status".to_string()),
        Just("data".to_string()),
        Just("results".to_string()),
        "[a-zA-Z_]{1,10}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[0-9]{1,22}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
        Just(json!("success")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn only_allowed_tags(html: &str) -> bool {
    html.match_indices('<').all(|(i, _)| {
        let rest = html[i + 1..].trim_start_matches('/');
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        common::html::ALLOWED.contains(&name.as_str())
    })
}

fn today() -> Date {
    Date::new(2025, 10, 1).expect("a real date")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn cliniko_decoders_are_total_over_json_values(v in json_value()) {
        let body = v.to_string();
        for r in [
            parse_body::<User>(&body).map(|_| ()),
            parse_body::<PublicSettings>(&body).map(|_| ()),
            parse_body::<Patient>(&body).map(|_| ()),
            parse_body::<Page<Patient>>(&body).map(|_| ()),
            parse_body::<Page<Practitioner>>(&body).map(|_| ()),
            parse_body::<Page<TreatmentNote>>(&body).map(|_| ()),
            parse_body::<TreatmentNoteTemplate>(&body).map(|_| ()),
        ] {
            // Every failure of a 2xx body is the typed body error, never something else.
            if let Err(e) = r {
                prop_assert!(matches!(e, Error::UnexpectedBody { ehr: Ehr::Cliniko, .. }), "{e:?}");
            }
        }
    }

    #[test]
    fn nookal_decoders_are_total_over_json_values(v in json_value()) {
        let wrapped = json!({"status": "success", "data": {"results": {"patients": v, "cases": v,
            "notes": v, "locations": v, "practitioners": v, "note_id": v}}});
        for body in [v.to_string(), wrapped.to_string()] {
            if let Ok(env) = nookal_parse(&ok_response(&body), NOW_MS) {
                let results = [
                    env.list::<nk::Patient>("patients").map(|_| ()),
                    env.list::<nk::Case>("cases").map(|_| ()),
                    env.list::<nk::TreatmentNote>("notes").map(|_| ()),
                    env.list::<nk::Location>("locations").map(|_| ()),
                    env.list::<nk::Practitioner>("practitioners").map(|_| ()),
                    env.text("note_id").map(|_| ()),
                ];
                for r in results {
                    if let Err(e) = r {
                        prop_assert!(matches!(e, Error::UnexpectedBody { ehr: Ehr::Nookal, .. }), "{e:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn cliniko_422_reader_is_total(v in json_value(), junk in ".{0,40}") {
        for body in [v.to_string(), junk] {
            for (field, msg) in validation_fields(&body) {
                prop_assert!(!field.is_empty());
                // A message comes from the body, never invented.
                prop_assert!(body.contains(msg.as_str()) || serde_json::to_string(&msg).is_ok_and(|m| body.contains(&m[1..m.len() - 1])));
            }
        }
    }

    #[test]
    fn nookal_key_parser_is_total_and_never_shows_the_secret(raw in any::<String>()) {
        if let Ok(k) = NookalKey::parse(&raw) {
            let secret = k.expose_secret();
            prop_assert!(!secret.is_empty() && secret.chars().count() <= 512);
            prop_assert!(!secret.chars().any(char::is_whitespace));
            let shown = format!("{:?}", k);
            prop_assert!(!shown.contains(secret) || secret.len() <= 4);
        }
    }

    #[test]
    fn nookal_key_like_text(raw in "[\"' ]{0,2}[A-Za-z0-9_-]{0,60}[\"' ]{0,2}") {
        if let Ok(k) = NookalKey::parse(&raw) {
            prop_assert!(raw.contains(k.expose_secret()));
        }
    }

    #[test]
    fn nookal_query_parse_and_plan_are_total(text in any::<String>()) {
        if let Ok(q) = nookal_query::parse(&text, DateOrder::DayFirst, today()) {
            if let Some(p) = &q.phone {
                prop_assert!(text.contains(p.split(' ').next().unwrap_or_default()));
            }
            let _ = nookal_query::plan(&q);
        }
    }

    #[test]
    fn nookal_query_shaped_text(text in r"[0-9a-zA-Z@#:/.,'’ +()\-]{0,30}") {
        if let Ok(q) = nookal_query::parse(&text, DateOrder::MonthFirst, today()) {
            if let Some(id) = &q.id {
                // Digits are gathered across punctuation ("0(0" → "00") and `#`/`id:` is read lowercased
                // (ids are counters, reference §1): every id character comes from the text.
                let lower = text.to_lowercase();
                prop_assert!(!id.as_str().is_empty() && id.as_str().chars().all(|c| lower.contains(c)));
            }
            let _ = nookal_query::plan(&q);
        }
    }

    #[test]
    fn page_replies_parse_or_fail_typed_and_render_safely(v in json_value(), text in "(?s).{0,120}", fmt in 0usize..4) {
        // What read-note.js sends (or a compromised page forges): a NoteSource-shaped value.
        let format = ["markdown", "text", "dom", "bogus"][fmt];
        let candidates = [
            json!({"format": format, "text": text, "meta": {"title": v}}),
            json!({"format": format, "tree": v, "text": v}),
            v.clone(),
        ];
        for c in candidates {
            let Ok(src) = serde_json::from_value::<NoteSource>(c) else { continue };
            match note::from_source(&src) {
                Ok(n) => {
                    let out = render::cliniko_html(&n, &RenderOptions::default());
                    prop_assert!(only_allowed_tags(&out.html), "{}", out.html);
                    prop_assert!(!out.html.contains('\n') && !out.html.contains('\t'));
                }
                Err(e) => prop_assert!(
                    matches!(e, Error::EmptyNote | Error::InvalidInput(_) | Error::NoteTooLarge { .. }),
                    "{e:?}"
                ),
            }
        }
    }
}
