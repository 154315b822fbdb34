#![cfg(not(target_arch = "wasm32"))]
//! Exact encoding of every Nookal v2 request: URL, method, headers, form body with `api_key`.

use motics_push::http::Method;
use motics_push::nookal::form::{encode, encode_component};
use motics_push::nookal::requests::{
    self, LocalDateTime, NewCase, NewTreatmentNote, PatientSearch,
};
use motics_push::nookal::{NookalId, NookalKey};

fn key() -> NookalKey {
    NookalKey::parse("k3y-ABC_123.xyz").unwrap()
}

fn id(s: &str) -> NookalId {
    NookalId::parse(s).unwrap()
}

fn check(req: &motics_push::http::ApiRequest, method: &str, body: &str) {
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        format!("https://api.nookal.com/production/v2/{method}")
    );
    assert!(
        !req.url.contains("api_key"),
        "the key never goes in the URL"
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=UTF-8")
    );
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.body.as_deref(), Some(body));
}

#[test]
fn verify_sends_only_the_key() {
    check(
        &requests::verify(&key()),
        "verify",
        "api_key=k3y-ABC_123.xyz",
    );
}

#[test]
fn lists_are_paged() {
    check(
        &requests::get_locations(&key(), 1),
        "getLocations",
        "api_key=k3y-ABC_123.xyz&page=1&page_length=100",
    );
    check(
        &requests::get_practitioners(&key(), 0),
        "getPractitioners",
        "api_key=k3y-ABC_123.xyz&page=1&page_length=100",
    );
    check(
        &requests::get_cases(&key(), &id("88"), 3),
        "getCases",
        "api_key=k3y-ABC_123.xyz&patient_id=88&page=3&page_length=100",
    );
    check(
        &requests::get_treatment_notes(&key(), &id("9007199254740993"), 2),
        "getTreatmentNotes",
        "api_key=k3y-ABC_123.xyz&patient_id=9007199254740993&page=2&page_length=100",
    );
}

#[test]
fn every_search_form() {
    let k = key();
    let cases = [
        (PatientSearch::ById(id("7460")), "patient_id=7460"),
        (
            PatientSearch::Fuzzy {
                last_name: "O'Neill".into(),
                first_name: None,
            },
            "fuzzy_search=true&last_name=O%27Neill",
        ),
        (
            PatientSearch::Fuzzy {
                last_name: "Van Der Berg".into(),
                first_name: Some("Zoë".into()),
            },
            "fuzzy_search=true&last_name=Van+Der+Berg&first_name=Zo%C3%AB",
        ),
        (
            PatientSearch::Exact {
                first_name: "Jane".into(),
                last_name: "Smith".into(),
                date_of_birth: "1980-04-03".into(),
            },
            "first_name=Jane&last_name=Smith&date_of_birth=1980-04-03",
        ),
        (
            PatientSearch::Email("a+b@example.org".into()),
            "email=a%2Bb%40example.org",
        ),
    ];
    for (q, params) in cases {
        check(
            &requests::search_patients(&k, &q, 1),
            "searchPatients",
            &format!("api_key=k3y-ABC_123.xyz&{params}&page=1&page_length=100"),
        );
    }
}

#[test]
fn add_case_with_and_without_optionals() {
    let mut c = NewCase {
        patient_id: id("88"),
        title: "Knee & hip".into(),
        start_date: Some("2025-03-01".into()),
        primary_provider_id: Some(id("1")),
    };
    check(
        &requests::add_case(&key(), &c),
        "addCase",
        "api_key=k3y-ABC_123.xyz&patient_id=88&title=Knee+%26+hip&start_date=2025-03-01&primary_provider_id=1",
    );
    c.start_date = None;
    c.primary_provider_id = None;
    check(
        &requests::add_case(&key(), &c),
        "addCase",
        "api_key=k3y-ABC_123.xyz&patient_id=88&title=Knee+%26+hip",
    );
}

#[test]
fn add_treatment_note_encodes_utf8_and_reserved_characters() {
    let n = NewTreatmentNote {
        patient_id: id("88"),
        case_id: id("12"),
        practitioner_id: id("1"),
        date: LocalDateTime::parse("2025-03-01T10:30").unwrap(),
        notes: "Café: a=b & c+d\nnext line 100%".into(),
    };
    check(
        &requests::add_treatment_note(&key(), &n),
        "addTreatmentNote",
        "api_key=k3y-ABC_123.xyz&patient_id=88&case_id=12&practitioner_id=1\
         &date=2025-03-01+10%3A30%3A00\
         &notes=Caf%C3%A9%3A+a%3Db+%26+c%2Bd%0Anext+line+100%25",
    );
}

#[test]
fn form_encoding_rules() {
    assert_eq!(encode_component("é"), "%C3%A9");
    assert_eq!(encode_component("&=+ \n"), "%26%3D%2B+%0A");
    assert_eq!(encode_component("AZaz09*-._~"), "AZaz09*-._%7E");
    assert_eq!(encode(&[("a b", "c&d")]), "a+b=c%26d");
}

#[test]
fn local_date_times() {
    for (input, want) in [
        ("2025-03-01 10:30:00", "2025-03-01 10:30:00"),
        ("2025-03-01T10:30", "2025-03-01 10:30:00"),
        (" 2025-12-31 23:59 ", "2025-12-31 23:59:00"),
    ] {
        assert_eq!(LocalDateTime::parse(input).unwrap().as_str(), want);
    }
    for bad in [
        "",
        "2025-03-01",
        "01/03/2025 10:30",
        "2025-13-01 10:00",
        "2025-03-01 24:00:00",
    ] {
        assert!(LocalDateTime::parse(bad).is_err(), "{bad}");
    }
}
