#![cfg(not(target_arch = "wasm32"))]
//! Cliniko responses: every status mapped to its error, typed bodies parsed from fixtures, and
//! broken bodies (truncated, empty, HTML, wrong types) reported by path without PHI.

mod common;

use motics_push::Error;
use motics_push::cliniko::responses::{DEFAULT_RATE_LIMIT_WAIT_S, parse, parse_body, status_error};
use motics_push::cliniko::types::{
    Page, Patient, Practitioner, PublicSettings, TreatmentNote, TreatmentNoteTemplate, User,
};
use motics_push::error::Ehr;
use motics_push::http::ApiResponse;
use proptest::prelude::*;

const NOW_MS: i64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/cliniko/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> ApiResponse {
    ApiResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_string(),
    }
}

fn body_detail(e: Error) -> String {
    match e {
        Error::UnexpectedBody {
            ehr: Ehr::Cliniko,
            detail,
        } => detail,
        other => panic!("expected UnexpectedBody, got {other:?}"),
    }
}

#[test]
fn status_401_html_body_is_unauthorized() {
    let r = resp(401, &[], &fixture("error_401.html"));
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::Unauthorized(Ehr::Cliniko))
    );
    assert_eq!(
        parse::<User>(&r, NOW_MS),
        Err(Error::Unauthorized(Ehr::Cliniko))
    );
}

#[test]
fn status_403_is_forbidden() {
    let r = resp(403, &[], "{\"message\":\"Forbidden\"}");
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::Forbidden(Ehr::Cliniko))
    );
}

#[test]
fn status_404_is_not_found() {
    let r = resp(404, &[], "");
    assert_eq!(
        parse::<Patient>(&r, NOW_MS),
        Err(Error::NotFound(Ehr::Cliniko))
    );
}

#[test]
fn status_422_carries_every_field_error() {
    let r = resp(422, &[], &fixture("error_422.json"));
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::Validation {
            ehr: Ehr::Cliniko,
            fields: vec![
                ("content".into(), "is invalid".into()),
                ("content".into(), "sections can't be empty".into()),
                ("patient_id".into(), "can't be blank".into()),
            ]
        })
    );
}

#[test]
fn status_422_without_errors_uses_the_message_and_non_json_gives_no_fields() {
    let r = resp(422, &[], "{\"message\":\"Validation Failed\"}");
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::Validation {
            ehr: Ehr::Cliniko,
            fields: vec![("base".into(), "Validation Failed".into())]
        })
    );
    let html = resp(422, &[], "<html>nope</html>");
    assert_eq!(
        status_error(&html, NOW_MS),
        Some(Error::Validation {
            ehr: Ehr::Cliniko,
            fields: vec![]
        })
    );
}

#[test]
fn status_429_waits_until_the_reset_header() {
    let reset = (NOW_MS / 1000 + 42).to_string();
    let r = resp(429, &[("x-ratelimit-reset", &reset)], "");
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: 42
        })
    );
}

#[test]
fn status_429_falls_back_to_retry_after_then_a_default() {
    let r = resp(429, &[("retry-after", "17")], "");
    assert_eq!(
        status_error(&r, NOW_MS),
        Some(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: 17
        })
    );
    let bare = resp(429, &[], "Too many requests");
    assert_eq!(
        status_error(&bare, NOW_MS),
        Some(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: DEFAULT_RATE_LIMIT_WAIT_S
        })
    );
    let junk = resp(
        429,
        &[
            ("x-ratelimit-reset", "soon"),
            ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ],
        "",
    );
    assert_eq!(
        status_error(&junk, NOW_MS),
        Some(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: DEFAULT_RATE_LIMIT_WAIT_S
        })
    );
}

#[test]
fn status_5xx_is_server_and_transient() {
    for status in [500, 502, 503, 504] {
        let e = status_error(&resp(status, &[], &fixture("error_500.html")), NOW_MS).unwrap();
        assert_eq!(
            e,
            Error::Server {
                ehr: Ehr::Cliniko,
                status
            }
        );
        assert!(e.is_transient());
    }
}

#[test]
fn other_statuses_are_unexpected() {
    for status in [301, 400, 405, 409, 418] {
        assert_eq!(
            status_error(&resp(status, &[], ""), NOW_MS),
            Some(Error::UnexpectedStatus {
                ehr: Ehr::Cliniko,
                status
            })
        );
    }
}

#[test]
fn user_parses_and_ignores_unknown_fields() {
    let u: User = parse(&resp(200, &[], &fixture("user.json")), NOW_MS).unwrap();
    assert_eq!(u.id.as_str(), "836447129235883061");
    assert_eq!(
        (u.first_name.as_str(), u.last_name.as_str()),
        ("Sam", "Nguyen")
    );
    assert_eq!(u.role.as_deref(), Some("administrator"));
}

#[test]
fn practitioners_page_links_the_user() {
    let page: Page<Practitioner> = parse_body(&fixture("practitioners_one.json")).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id.as_str(), "1805465202989210063");
    assert_eq!(
        page.items[0].user_id.as_ref().unwrap().as_str(),
        "836447129235883061"
    );
    assert_eq!(page.total_entries, Some(1));
    assert_eq!(page.next, None);
    let none: Page<Practitioner> = parse_body(&fixture("practitioners_none.json")).unwrap();
    assert!(none.items.is_empty());
}

#[test]
fn public_settings_give_account_and_terminology() {
    let s: PublicSettings = parse_body(&fixture("settings_public.json")).unwrap();
    assert_eq!(s.account.name.as_deref(), Some("Good Healthy Times Physio"));
    assert_eq!(s.account.subdomain.as_deref(), Some("good-healthy-times"));
    assert_eq!(s.account.id.unwrap().as_str(), "42");
    assert_eq!(s.terminology.patient.as_deref(), Some("client"));
    // Both objects are nullable in the spec.
    let empty: PublicSettings = parse_body("{\"account\":null,\"terminology\":null}").unwrap();
    assert_eq!(empty.account.subdomain, None);
}

#[test]
fn a_subdomain_that_is_not_a_host_label_is_refused() {
    let e =
        parse_body::<PublicSettings>("{\"account\":{\"subdomain\":\"evil.test/x\"}}").unwrap_err();
    assert_eq!(body_detail(e), "account.subdomain: not a host name label");
}

#[test]
fn patients_page_handles_nulls_empty_strings_and_legacy_ids() {
    let page: Page<Patient> = parse_body(&fixture("patients_page.json")).unwrap();
    assert_eq!(page.total_entries, Some(203));
    assert_eq!(
        page.next.as_deref(),
        Some("https://api.au2.cliniko.com/v1/patients?page=2&per_page=100")
    );
    let [jane, zoe, janet] = page.items.as_slice() else {
        panic!("three patients")
    };
    assert_eq!(jane.id.as_str(), "1805465202989210071");
    assert_eq!(jane.patient_phone_numbers.len(), 2);
    assert_eq!(
        jane.patient_phone_numbers[1].normalized_number.as_deref(),
        Some("61412345678")
    );
    assert!(!jane.is_archived());
    // Legacy numeric id kept as a string; "" means absent; null phone list is empty.
    assert_eq!(zoe.id.as_str(), "123456");
    assert_eq!(zoe.date_of_birth, None);
    assert_eq!(zoe.email, None);
    assert!(zoe.patient_phone_numbers.is_empty());
    assert!(!zoe.is_archived(), "archived_at \"\" means not archived");
    assert_eq!(zoe.preferred_first_name.as_deref(), Some("Zo"));
    assert!(janet.is_archived());
}

#[test]
fn one_patient_parses() {
    let p: Patient = parse_body(&fixture("patient.json")).unwrap();
    assert_eq!(p.preferred_first_name.as_deref(), Some("Janey"));
    assert_eq!(p.date_of_birth.as_deref(), Some("1980-04-03"));
}

#[test]
fn templates_and_notes_parse_with_content() {
    let page: Page<TreatmentNoteTemplate> = parse_body(&fixture("templates_page.json")).unwrap();
    assert_eq!(page.items[0].name, "Standard Consultation");
    let content = page.items[0].content.as_ref().unwrap();
    assert_eq!(content.sections[0].questions[0].kind, "paragraph");
    assert!(page.items[1].archived_at.is_some());
    assert!(page.items[1].content.is_none());

    let note: TreatmentNote = parse(
        &resp(201, &[], &fixture("treatment_note_created.json")),
        NOW_MS,
    )
    .unwrap();
    assert_eq!(note.id.as_str(), "1900000000000000007");
}

#[test]
fn broken_bodies_name_the_problem_and_path_not_the_data() {
    let cases = [
        (fixture("patients_truncated.json"), "body: truncated JSON"),
        (String::new(), "body: empty, expected JSON"),
        (fixture("error_500.html"), "body: HTML, expected JSON"),
        ("[1,2,3]".into(), "body: expected an object"),
        ("{\"total_entries\": 1}".into(), "patients: missing list"),
        ("{\"patients\": {}}".into(), "patients: expected a list"),
        (
            fixture("patients_wrong_type.json"),
            "patients[1].first_name: expected a string",
        ),
        (
            "{\"patients\":[{\"first_name\":\"Jane\"}]}".into(),
            "patients[0].id: missing id",
        ),
        (
            "{\"patients\":[{\"id\":\"12ab\"}]}".into(),
            "patients[0].id: expected an id of digits",
        ),
        (
            "{\"patients\":[{\"id\":1.5}]}".into(),
            "patients[0].id: expected an id",
        ),
        (
            "{\"patients\":[],\"total_entries\":\"many\"}".into(),
            "total_entries: expected a number",
        ),
        (
            "{\"patients\":[{\"id\":\"1\",\"patient_phone_numbers\":[{\"number\":61412}]}]}".into(),
            "patients[0].patient_phone_numbers[0].number: expected a string",
        ),
    ];
    for (body, want) in cases {
        let detail = body_detail(parse_body::<Page<Patient>>(&body).unwrap_err());
        assert!(
            detail.starts_with(want),
            "{detail:?} should start with {want:?}"
        );
        assert!(
            !detail.contains("Jane") && !detail.contains("Ja\""),
            "{detail}"
        );
    }
}

#[test]
fn note_content_as_a_json_string_is_refused() {
    let e = parse_body::<TreatmentNote>("{\"id\":\"1\",\"content\":\"{\\\"sections\\\":[]}\"}")
        .unwrap_err();
    assert_eq!(body_detail(e), "content: expected an object");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let body = String::from_utf8_lossy(&bytes);
        let _ = parse_body::<User>(&body);
        let _ = parse_body::<PublicSettings>(&body);
        let _ = parse_body::<Patient>(&body);
        let _ = parse_body::<Page<Patient>>(&body);
        let _ = parse_body::<Page<Practitioner>>(&body);
        let _ = parse_body::<TreatmentNote>(&body);
        let _ = parse_body::<Page<TreatmentNoteTemplate>>(&body);
    }

    #[test]
    fn parsers_never_panic_on_json_shaped_text(body in r#"\{("[a-z_]{1,12}":(null|"[^"\\]{0,8}"|-?[0-9]{1,22}(\.[0-9])?|true|\[\]|\{\}),?){0,6}\}"#) {
        let _ = parse_body::<User>(&body);
        let _ = parse_body::<Patient>(&body);
        let _ = parse_body::<Page<Patient>>(&body);
        let _ = parse_body::<PublicSettings>(&body);
        let _ = parse_body::<TreatmentNote>(&body);
    }

    #[test]
    fn status_mapping_is_total(status in 100u16..1000, reset in any::<String>(), body in any::<String>()) {
        let r = resp(status, &[("x-ratelimit-reset", &reset)], &body);
        match status_error(&r, NOW_MS) {
            None => prop_assert!((200..300).contains(&status)),
            Some(Error::RateLimited { wait_s, .. }) => prop_assert!(wait_s >= 1),
            Some(_) => prop_assert!(!(200..300).contains(&status)),
        }
    }
}
