#![cfg(not(target_arch = "wasm32"))]
//! Nookal workflows against a scripted fake Platform: connect, search, cases, push + read-back.

use motics_push::Error;
use motics_push::ehr::connection;
use motics_push::error::Ehr;
use motics_push::http::TransportError;
use motics_push::integration::ConnectionState;
use motics_push::nookal::push::{PushInput, push};
use motics_push::nookal::store;
use motics_push::nookal::{cases, connect, readback, search};
use motics_push::platform::StorageArea;
use motics_push::search::run::SearchOptions;
use motics_push::testing::FakePlatform;
use motics_sandbox::nookal::double_encode;
use pollster::block_on;

const KEY: &str = "nk-test-key-4242";
const NOTE: &str = "Subjective: café pain 38°\n• ice & rest";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/nookal/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn success(call: &str, results: &str) -> String {
    format!(
        r#"{{"status":"success","data":{{"api_call":"{call}","results":{results}}},"details":{{"currentItems":1,"totalItems":1}},"settings":{{"currentPage":1,"nextPage":null,"pageLength":100}}}}"#
    )
}

fn notes_body(notes: &[(&str, &str)]) -> String {
    let items: Vec<String> = notes
        .iter()
        .map(|(id, text)| {
            serde_json::json!({"noteID": id, "clientID": "88", "caseID": "12", "practitionerID": "1",
                "date": "2025-03-01 10:30:00", "status": "active", "answers": [{"answers": [text]}]})
            .to_string()
        })
        .collect();
    success(
        "getTreatmentNotes",
        &format!(r#"{{"notes":[{}]}}"#, items.join(",")),
    )
}

fn body_of(p: &FakePlatform, i: usize) -> String {
    p.sent.borrow()[i].body.clone().unwrap_or_default()
}

/// A platform with a connected key (one practitioner, so it is chosen automatically).
fn connected() -> FakePlatform {
    let p = FakePlatform::new();
    p.respond(200, &fixture("verify_ok.json"))
        .respond(200, &fixture("locations.json"))
        .respond(200, &fixture("practitioners.json"));
    block_on(connection::connect(&p, Ehr::Nookal, KEY)).unwrap();
    assert_eq!(
        block_on(store::STORE.state(&p)).unwrap().0,
        ConnectionState::Connected
    );
    p.sent.borrow_mut().clear();
    p
}

#[test]
fn connect_verifies_then_lists_then_saves() {
    let p = FakePlatform::new();
    p.respond(200, &fixture("verify_ok.json"))
        .respond(200, &fixture("locations.json"))
        .respond(200, &fixture("practitioners.json"));
    block_on(connection::connect(&p, Ehr::Nookal, &format!("  {KEY} "))).unwrap();
    let c = block_on(store::STORE.load_connection(&p)).unwrap().unwrap();
    let urls: Vec<String> = p
        .urls()
        .iter()
        .map(|u| u.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(urls, ["verify", "getLocations", "getPractitioners"]);
    assert_eq!(body_of(&p, 0), format!("api_key={KEY}"));
    assert_eq!(c.key_hint, "4242");
    assert_eq!(c.locations.len(), 2);
    assert_eq!(c.location_id, None, "two locations: the clinician chooses");
    assert_eq!(
        c.practitioner().map(|x| x.id.as_str()),
        Some("1"),
        "the only practitioner, chosen"
    );
    assert_eq!(
        p.stored(StorageArea::Local, store::STORE.secret),
        Some(serde_json::Value::String(KEY.into()))
    );
}

#[test]
fn an_auth_failure_in_use_marks_needs_reconnect() {
    let p = connected();
    p.respond(
        200,
        r#"{"status":"failure","details":{"errorMessage":"Invalid API key"}}"#,
    );
    assert_eq!(
        block_on(search::search(&p, "smith", &SearchOptions::default())).unwrap_err(),
        Error::Unauthorized(Ehr::Nookal)
    );
    assert_eq!(
        block_on(store::STORE.state(&p)).unwrap().0,
        ConnectionState::NeedsReconnect
    );
    // Re-verifying with a working key clears the flag and keeps the practitioner.
    p.respond(200, &fixture("verify_ok.json"))
        .respond(200, &fixture("locations.json"))
        .respond(200, &fixture("practitioners.json"));
    let c = block_on(connection::verify(&p, Ehr::Nookal)).unwrap();
    assert_eq!(c.state, ConnectionState::Connected);
    assert_eq!(c.practitioner_id.as_deref(), Some("1"));
}

#[test]
fn switches_choices_and_removal() {
    let p = connected();
    block_on(store::STORE.set_enabled(&p, false)).unwrap();
    assert_eq!(
        block_on(store::STORE.state(&p)).unwrap().0,
        ConnectionState::Disabled
    );
    assert_eq!(
        block_on(search::search(&p, "smith", &SearchOptions::default())).unwrap_err(),
        Error::Disabled(Ehr::Nookal)
    );
    assert!(p.sent.borrow().is_empty(), "nothing sent while disabled");
    block_on(store::STORE.set_enabled(&p, true)).unwrap();
    let c = block_on(connect::set_location(&p, Some("7"))).unwrap();
    assert_eq!(c.location_id.unwrap().as_str(), "7");
    assert!(block_on(connect::set_location(&p, Some("8"))).is_err());
    assert!(block_on(connect::set_practitioner(&p, "2")).is_err());
    block_on(store::STORE.remove_all(&p)).unwrap();
    assert_eq!(
        block_on(store::STORE.state(&p)).unwrap().0,
        ConnectionState::NotSetUp
    );
    assert_eq!(p.stored(StorageArea::Local, store::STORE.secret), None);
}

#[test]
fn search_matches_phone_on_our_side() {
    let p = connected();
    p.respond(200, &fixture("patients.json"));
    let r = block_on(search::search(
        &p,
        "O'Neill 0412 345 678",
        &SearchOptions::default(),
    ))
    .unwrap();
    assert_eq!(
        body_of(&p, 0),
        format!("api_key={KEY}&fuzzy_search=true&last_name=O%27Neill&page=1&page_length=100")
    );
    assert_eq!(r.patients.len(), 1);
    assert_eq!(r.patients[0].id, "9007199254740993");
    assert_eq!(r.patients[0].phone.as_deref(), Some("0412 345 678"));
    assert!(!r.more_available);
}

#[test]
fn search_falls_through_to_the_next_plan_step() {
    let p = connected();
    p.respond(200, r#"{"status":"failure","details":{"errorMessage":"Unable to retrieve patients","errorCode":"L005"}}"#)
        .respond(200, &fixture("patients.json"));
    let r = block_on(search::search(
        &p,
        "Zoe Oneill 1984-02-29",
        &SearchOptions::default(),
    ))
    .unwrap();
    assert_eq!(p.sent.borrow().len(), 2, "exact search empty, then fuzzy");
    assert!(body_of(&p, 0).contains("date_of_birth=1984-02-29"));
    assert!(body_of(&p, 1).contains("fuzzy_search=true"));
    assert_eq!(r.patients.len(), 1, "only the one with that DOB");
    assert_eq!(r.patients[0].first_name, "Zoë");
}

#[test]
fn cases_list_with_default_and_add_case() {
    let p = connected();
    p.respond(200, &fixture("cases.json"));
    let l = block_on(cases::list_cases(&p, "88")).unwrap();
    assert_eq!(l.default_case_id.as_deref(), Some("12"));
    assert_eq!(
        l.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["12", "11", "10"]
    );

    p.respond(200, &success("addCase", r#"{"case_id":13}"#));
    let c = block_on(cases::add_case(
        &p,
        "88",
        " Knee  pain ",
        Some("2025-03-01 10:30:00"),
    ))
    .unwrap();
    assert_eq!(c.id.as_str(), "13");
    assert_eq!(
        body_of(&p, 1),
        format!(
            "api_key={KEY}&patient_id=88&title=Knee+pain&start_date=2025-03-01&primary_provider_id=1"
        )
    );
}

fn input() -> PushInput {
    PushInput {
        patient_id: "88".into(),
        case_id: None,
        date_local: "2025-03-01T10:30".into(),
        notes: NOTE.into(),
        new_case_title: None,
    }
}

#[test]
fn push_into_default_case_and_detect_garbling() {
    let p = connected();
    p.respond(200, &fixture("cases.json"))
        .respond(200, &success("addTreatmentNote", r#"{"note_id":"501"}"#))
        .respond(200, &fixture("notes_garbled.json"));
    let r = block_on(push(&p, &input())).unwrap();
    assert!(body_of(&p, 1).contains(
        "&case_id=12&practitioner_id=1&date=2025-03-01+10%3A30%3A00&notes=Subjective%3A+caf%C3%A9"
    ));
    assert_eq!(r.note_id.as_deref(), Some("501"));
    assert_eq!(r.case_id, "12");
    assert!(r.read_back && r.landed);
    assert_eq!(r.garbled, vec!["é", "°", "•"]);
    assert!(r.text_matches);
}

#[test]
fn push_read_back_clean() {
    let p = connected();
    p.respond(200, &success("addTreatmentNote", r#"{"note_id":"600"}"#))
        .respond(200, &notes_body(&[("600", NOTE)]));
    let r = block_on(push(
        &p,
        &PushInput {
            case_id: Some("11".into()),
            ..input()
        },
    ))
    .unwrap();
    assert!(r.landed && r.text_matches && r.garbled.is_empty());
    assert_eq!(p.sent.borrow().len(), 2, "case given: no getCases");
}

#[test]
fn success_without_the_note_means_not_landed() {
    // The misspelt-parameter scenario: Nookal says success, yet no such note exists.
    let p = connected();
    p.respond(200, &success("addTreatmentNote", r#"{"note_id":"777"}"#))
        .respond(200, &notes_body(&[("501", "another note")]));
    let r = block_on(push(
        &p,
        &PushInput {
            case_id: Some("12".into()),
            ..input()
        },
    ))
    .unwrap();
    assert_eq!(r.note_id.as_deref(), Some("777"));
    assert!(r.read_back);
    assert!(!r.landed);
    assert!(!r.text_matches);
}

#[test]
fn push_creates_a_case_when_none_is_open() {
    let p = connected();
    p.respond(
        200,
        &success("getCases", r#"{"cases":[{"ID":"10","status":"closed"}]}"#),
    )
    .respond(200, &success("addCase", r#"{"case_id":"14"}"#))
    .respond(200, &success("addTreatmentNote", r#"{"note_id":"601"}"#))
    .respond(200, &notes_body(&[("601", &double_encode(NOTE))]));
    let r = block_on(push(&p, &input())).unwrap();
    assert!(r.created_case);
    assert_eq!(r.case_id, "14");
    assert!(body_of(&p, 1).contains("title=Treatment+notes"));
    assert!(body_of(&p, 2).contains("case_id=14"));
    assert!(r.landed);
}

#[test]
fn an_ambiguous_failure_is_reported_without_a_second_request() {
    // Reconciling is the job's (before any retry, the same rule as Cliniko's): the push itself
    // reports the timeout and lists nothing.
    let p = connected();
    p.fail(TransportError::Timeout);
    let before = p.urls().len();
    assert_eq!(
        block_on(push(
            &p,
            &PushInput {
                case_id: Some("12".into()),
                ..input()
            }
        ))
        .unwrap_err(),
        Error::Transport(TransportError::Timeout)
    );
    assert_eq!(p.urls().len() - before, 1, "{:?}", p.urls());
}

#[test]
fn find_note_for_retries() {
    let p = connected();
    p.respond(200, &notes_body(&[("603", NOTE)]));
    let fp = readback::fingerprint(NOTE);
    let n = block_on(readback::find_note(&p, "88", "2025-03-01 10:30:00", &fp)).unwrap();
    assert_eq!(n.unwrap().id.as_str(), "603");
    p.respond(200, &notes_body(&[("603", "different")]));
    assert!(
        block_on(readback::find_note(&p, "88", "2025-03-01 10:30:00", &fp))
            .unwrap()
            .is_none()
    );
}

#[test]
fn push_refusals() {
    let p = connected();
    assert_eq!(
        block_on(push(
            &p,
            &PushInput {
                notes: "  \n".into(),
                ..input()
            }
        ))
        .unwrap_err(),
        Error::EmptyNote
    );
    assert!(matches!(
        block_on(push(
            &p,
            &PushInput {
                date_local: "yesterday".into(),
                ..input()
            }
        )),
        Err(Error::InvalidInput(_))
    ));
    p.respond(200, r#"{"status":"failure","details":{"errorMessage":"One of Patient ID | Case ID is missing"}}"#);
    assert_eq!(
        block_on(push(
            &p,
            &PushInput {
                case_id: Some("12".into()),
                ..input()
            }
        ))
        .unwrap_err(),
        Error::Refused {
            ehr: Ehr::Nookal,
            message: "One of Patient ID | Case ID is missing".into()
        }
    );
    // No practitioner chosen (two listed): pushing is blocked before anything is sent.
    let p = FakePlatform::new();
    p.respond(200, &fixture("verify_ok.json"))
        .respond(200, &fixture("locations.json"))
        .respond(
            200,
            &success(
                "getPractitioners",
                r#"{"practitioners":[{"ID":"1"},{"ID":"2"}]}"#,
            ),
        );
    let c = block_on(connection::connect(&p, Ehr::Nookal, KEY)).unwrap();
    assert!(
        c.needs_practitioner,
        "two practitioners: the clinician chooses"
    );
    let before = p.sent.borrow().len();
    assert!(matches!(
        block_on(push(&p, &input())),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(p.sent.borrow().len(), before);
}
