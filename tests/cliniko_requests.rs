#![cfg(not(target_arch = "wasm32"))]
//! Every Cliniko request builder: exact method, URL, query, headers and JSON body.

use motics_push::cliniko::content::{Content, Question, Section};
use motics_push::cliniko::key::ClinikoKey;
use motics_push::cliniko::requests::{self, Filter, ListParams, NewTreatmentNote};
use motics_push::cliniko::{ClinikoId, url::encode_component};
use motics_push::http::{ApiRequest, Method};
use serde_json::{Value, json};

const KEY: &str = "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2";
const BASE: &str = "https://api.au2.cliniko.com/v1";
const AUTH: &str = "Basic TXhKclpYa2lPaUkxTmpkMWFtSm1aVFExTnlKOS1hdTI6";

fn key() -> ClinikoKey {
    ClinikoKey::parse(KEY).unwrap()
}

fn id(s: &str) -> ClinikoId {
    ClinikoId::parse(s).unwrap()
}

fn assert_get(req: &ApiRequest, url: &str) {
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, url);
    assert_eq!(req.body, None);
    assert_eq!(
        req.headers,
        vec![
            ("Authorization".to_string(), AUTH.to_string()),
            ("Accept".to_string(), "application/json".to_string()),
            (
                "User-Agent".to_string(),
                "Motics Push (support@motics.ai)".to_string()
            ),
        ]
    );
}

#[test]
fn get_user() {
    assert_get(&requests::get_user(&key()), &format!("{BASE}/user"));
}

#[test]
fn practitioner_for_user_filters_by_user_id() {
    assert_get(
        &requests::find_practitioner_for_user(&key(), &id("836447129235883061")),
        &format!("{BASE}/practitioners?q%5B%5D=user_id%3A%3D836447129235883061"),
    );
}

#[test]
fn public_settings() {
    assert_get(
        &requests::get_public_settings(&key()),
        &format!("{BASE}/settings/public"),
    );
}

#[test]
fn list_patients_with_filters_sort_per_page_and_page() {
    let params = ListParams {
        filters: vec![
            Filter::contains("first_name", "jane"),
            Filter::contains("last_name", "O’Brien & Co"),
            Filter::any("archived_at"),
        ],
        sort: Some("created_at:desc".into()),
        per_page: Some(50),
        page: Some(3),
    };
    assert_get(
        &requests::list_patients(&key(), &params),
        &format!(
            "{BASE}/patients?q%5B%5D=first_name%3A~jane\
             &q%5B%5D=last_name%3A~O%E2%80%99Brien%20%26%20Co\
             &q%5B%5D=archived_at%3A%2A&sort=created_at%3Adesc&per_page=50&page=3"
        ),
    );
}

#[test]
fn per_page_is_clamped_to_cliniko_range() {
    let mut params = ListParams {
        per_page: Some(250),
        ..ListParams::default()
    };
    assert!(
        requests::list_patients(&key(), &params)
            .url
            .ends_with("?per_page=100")
    );
    params.per_page = Some(0);
    assert!(
        requests::list_patients(&key(), &params)
            .url
            .ends_with("?per_page=1")
    );
}

#[test]
fn templates_list_and_one() {
    assert_get(
        &requests::list_templates(&key(), None),
        &format!("{BASE}/treatment_note_templates?per_page=100"),
    );
    assert_get(
        &requests::list_templates(&key(), Some(2)),
        &format!("{BASE}/treatment_note_templates?per_page=100&page=2"),
    );
    assert_get(
        &requests::get_template(&key(), &id("900000000000000001")),
        &format!("{BASE}/treatment_note_templates/900000000000000001"),
    );
}

#[test]
fn recent_notes_for_reconciliation() {
    assert_get(
        &requests::list_recent_notes(
            &key(),
            &id("1805465202989210071"),
            &id("1805465202989210063"),
            "2025-01-01T00:00:00Z",
            10,
        ),
        &format!(
            "{BASE}/patients/1805465202989210071/treatment_notes\
             ?q%5B%5D=practitioner_id%3A%3D1805465202989210063\
             &q%5B%5D=created_at%3A%3E2025-01-01T00%3A00%3A00Z\
             &sort=created_at%3Adesc&per_page=10"
        ),
    );
}

fn sample_content() -> Content {
    Content {
        sections: vec![Section {
            name: Some("Subjective".into()),
            description: None,
            questions: vec![Question::paragraph("Notes", "<p>Line one</p>".into())],
        }],
    }
}

#[test]
fn create_treatment_note_posts_the_openapi_body() {
    let note = NewTreatmentNote {
        patient_id: id("1805465202989210071"),
        treatment_note_template_id: id("900000000000000001"),
        title: "Standard Consultation".into(),
        draft: true,
        content: Some(sample_content()),
    };
    let req = requests::create_treatment_note(&key(), &note).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, format!("{BASE}/treatment_notes"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("authorization"), Some(AUTH));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        req.header("user-agent"),
        Some("Motics Push (support@motics.ai)")
    );
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "patient_id": "1805465202989210071",
            "treatment_note_template_id": "900000000000000001",
            "title": "Standard Consultation",
            "draft": true,
            "content": {"sections": [{"name": "Subjective", "questions": [
                {"name": "Notes", "type": "paragraph", "answer": "<p>Line one</p>"}
            ]}]}
        })
    );
    // requestBodies/TreatmentNote: ids are strings, content an object (never a JSON string).
    assert!(body["patient_id"].is_string());
    assert!(body["treatment_note_template_id"].is_string());
    assert!(body["content"].is_object());
}

#[test]
fn create_treatment_note_without_sections_sends_null_content() {
    let note = NewTreatmentNote {
        patient_id: id("1"),
        treatment_note_template_id: id("2"),
        title: "T".into(),
        draft: false,
        content: None,
    };
    let req = requests::create_treatment_note(&key(), &note).unwrap();
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"patient_id": "1", "treatment_note_template_id": "2", "title": "T", "draft": false, "content": null})
    );
}

#[test]
fn archive_treatment_note_is_a_bodyless_post() {
    let req = requests::archive_treatment_note(&key(), &id("1900000000000000007"));
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        format!("{BASE}/treatment_notes/1900000000000000007/archive")
    );
    assert_eq!(req.body, None);
    assert_eq!(
        req.header("content-type"),
        None,
        "no Content-Type without a body"
    );
    assert_eq!(req.header("authorization"), Some(AUTH));
}

#[test]
fn next_links_are_followed_only_on_the_same_api() {
    let next = format!("{BASE}/patients?page=2&per_page=100");
    assert_get(&requests::follow_next(&key(), &next).unwrap(), &next);
    for bad in [
        "https://api.au1.cliniko.com/v1/patients?page=2",
        "https://evil.test/v1/patients?page=2",
        "https://api.au2.cliniko.com.evil.test/v1/patients",
        "https://api.au2.cliniko.com/v1/../../steal",
    ] {
        assert!(requests::follow_next(&key(), bad).is_err(), "{bad}");
    }
}

#[test]
fn each_shard_gets_its_own_host() {
    let k = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-uk3").unwrap();
    assert_eq!(
        requests::get_user(&k).url,
        "https://api.uk3.cliniko.com/v1/user"
    );
    let old = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9").unwrap();
    assert_eq!(
        requests::get_user(&old).url,
        "https://api.au1.cliniko.com/v1/user"
    );
}

#[test]
fn query_values_cannot_inject_parameters() {
    assert_eq!(encode_component("a&per_page=1#x"), "a%26per_page%3D1%23x");
}
