//! The Nookal messages end to end through the background's dispatcher (`app::handle`) against the
//! in-process sandbox: connect, practitioner choice, search, cases, push with read-back and the
//! garble report, the duplicate question, reconcile-on-retry, receipts, and the destination memory.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_sandbox::ConfigPatch;
use push_support::SandboxPlatform;
use serde_json::{Value, json};

const NOTE: &str = "Subjective: on a β-blocker, wrote 痛 for pain\n\nPlan: ice & rest";

fn nookal_key(p: &SandboxPlatform) -> String {
    p.sb.borrow().demo_keys().nookal.clone()
}

/// Connect Nookal and choose the first listed practitioner; returns its id.
fn connect(p: &SandboxPlatform) -> String {
    p.connect_nookal()
        .as_str()
        .expect("ids are strings")
        .to_string()
}

/// The first search hit for `query`, as the popup's summary row.
fn find(p: &SandboxPlatform, query: &str) -> Value {
    let r = p.ok(json!({"type": "patients/search", "ehr": "nookal", "query": query}));
    r["patients"][0].clone()
}

fn push_msg(patient: &Value, case_id: Option<&str>, extra: Value) -> Value {
    let mut m = json!({
        "type": "push/start", "ehr": "nookal", "source": push_support::source(NOTE),
        "patient": patient, "title": "", "case_id": case_id, "push_ref": "7K2P9Q",
        "created_display": "01/10/2025, 9:30 am", "utc_offset_min": 600,
    });
    if let (Some(m), Value::Object(extra)) = (m.as_object_mut(), extra) {
        m.extend(extra);
    }
    m
}

fn notes_for(p: &SandboxPlatform, patient_id: &str) -> usize {
    p.sb.borrow()
        .nookal_notes()
        .iter()
        .filter(|n| n.patient_id == patient_id)
        .count()
}

#[test]
fn connect_requires_a_practitioner_choice_and_keeps_it() {
    let p = SandboxPlatform::new();
    let key = nookal_key(&p);
    let st = p.ok(json!({"type": "connection/connect", "ehr": "nookal", "key": key}));
    let practitioners = st["connection"]["practitioners"].as_array().unwrap().len();
    assert!(
        practitioners > 1,
        "the sandbox clinic has several practitioners"
    );
    assert_eq!(st["needs_practitioner"], true);
    assert!(
        st["connection"].get("key").is_none(),
        "the key is never sent back"
    );
    assert!(!st.to_string().contains(&key));
    let chosen = st["connection"]["practitioners"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let st = p.ok(
        json!({"type": "connection/set-practitioner", "ehr": "nookal", "practitioner_id": chosen}),
    );
    assert_eq!(st["needs_practitioner"], false);
    assert_eq!(st["connection"]["practitioner_id"], chosen.as_str());
    let location = st["connection"]["locations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let st =
        p.ok(json!({"type": "connection/set-location", "ehr": "nookal", "location_id": location}));
    assert_eq!(st["connection"]["location_id"], location.as_str());
    let st = p.ok(json!({"type": "connection/set-location", "ehr": "nookal", "location_id": null}));
    assert_eq!(st["connection"]["location_id"], Value::Null);
    // Off and on again keeps the key and the choice; remove forgets both.
    let st = p.ok(json!({"type": "connection/set-enabled", "ehr": "nookal", "enabled": false}));
    assert_eq!(st["state"], "disabled");
    let st = p.ok(json!({"type": "connection/set-enabled", "ehr": "nookal", "enabled": true}));
    assert_eq!(st["connection"]["practitioner_id"], chosen.as_str());
    let st = p.ok(json!({"type": "connection/remove", "ehr": "nookal"}));
    assert_eq!(st["state"], "not_set_up");
}

/// The job after the check its push left due: the reply answers the POST alone (unconfirmed,
/// check due); the tick the background sends next reads the note back.
fn checked(p: &SandboxPlatform, reply: &Value) -> Value {
    let job = &reply["job"];
    assert_eq!(job["state"], "done", "{reply}");
    assert_eq!(job["verify_due"], true, "the read-back follows the reply");
    assert_eq!(job["nookal"]["read_back"], false, "{reply}");
    p.ok(json!({"type": "jobs/tick"}));
    let job = p.ok(json!({"type": "jobs/get", "id": job["id"]}));
    assert_eq!(job["verify_due"], false, "{job}");
    job
}

#[test]
fn search_cases_push_and_read_back_report_garbling() {
    let p = SandboxPlatform::new();
    let practitioner = connect(&p);
    let patient = find(&p, "Aroha Ngāta");
    assert_eq!(patient["last_name"], "Ngāta");
    let id = patient["id"].as_str().expect("string id").to_string();
    let cases = p.ok(json!({"type": "cases/list", "ehr": "nookal", "patient_id": id}));
    let before = notes_for(&p, &id);
    let reply = p.ok(push_msg(&patient, None, json!({})));
    assert_eq!(reply["needs_confirmation"], Value::Null);
    let checked = checked(&p, &reply);
    assert_eq!(checked["receipt"]["extra_copies"], json!([]));
    let receipt = &checked["nookal"];
    assert_eq!(receipt["landed"], true);
    assert_eq!(receipt["read_back"], true);
    assert_eq!(receipt["practitioner_id"], practitioner.as_str());
    // The sandbox double-encodes by default: β and 痛 (no ASCII form) come back garbled, named.
    assert_eq!(receipt["garbled"], json!(["β", "痛"]));
    assert_eq!(receipt["text_matches"], true, "repairable once undone");
    match cases["default_case_id"].as_str() {
        Some(case) => assert_eq!(receipt["case_id"], case, "the default case is used"),
        None => assert_eq!(receipt["created_case"], true),
    }
    assert_eq!(notes_for(&p, &id), before + 1);
    // The receipt is in Recent pushes, without text or names.
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts[0]["ehr"], "nookal");
    assert_eq!(receipts[0]["patient_id"], id.as_str());
    assert!(!receipts.to_string().contains("blocker"));
    assert!(!receipts.to_string().contains("Aroha"));
}

#[test]
fn without_double_encoding_nothing_is_reported_garbled() {
    let p = SandboxPlatform::new();
    p.sb.borrow_mut().set_config(&ConfigPatch {
        nookal_double_encode: Some(false),
        ..ConfigPatch::default()
    });
    connect(&p);
    let patient = find(&p, "Aroha Ngāta");
    let reply = p.ok(push_msg(&patient, None, json!({})));
    let receipt = checked(&p, &reply)["nookal"].clone();
    assert_eq!(receipt["landed"], true);
    assert_eq!(receipt["garbled"], json!([]));
    assert_eq!(receipt["text_matches"], true);
}

#[test]
fn a_new_case_is_created_and_used() {
    let p = SandboxPlatform::new();
    connect(&p);
    let patient = find(&p, "Aroha Ngāta");
    let id = patient["id"].as_str().unwrap().to_string();
    let case = p.ok(
        json!({"type": "cases/add", "ehr": "nookal", "patient_id": id, "title": "Right shoulder",
        "local_date": "2025-10-01 09:30:00"}),
    );
    let case_id = case["id"].as_str().expect("string id").to_string();
    assert_eq!(case["title"], "Right shoulder");
    let listed = p.ok(json!({"type": "cases/list", "ehr": "nookal", "patient_id": id}));
    assert!(
        listed["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case_id.as_str())
    );
    let receipt = p.ok(push_msg(&patient, Some(&case_id), json!({})))["job"]["nookal"].clone();
    assert_eq!(receipt["case_id"], case_id.as_str());
    let stored = p.sb.borrow().nookal_notes();
    assert!(
        stored
            .iter()
            .any(|n| n.case_id == case_id && n.patient_id == id)
    );
}

#[test]
fn the_destination_is_remembered_per_motics_session() {
    let p = SandboxPlatform::new();
    let scope =
        |s: &str| json!({"session_id": s, "tab_id": 4, "url": "https://app.motics.ai/sessions/x"});
    assert_eq!(
        p.ok(json!({"type": "destination/get", "scope": scope("s-1")})),
        Value::Null
    );
    p.ok(json!({"type": "destination/set", "scope": scope("s-1"), "ehr": "nookal"}));
    assert_eq!(
        p.ok(json!({"type": "destination/get", "scope": scope("s-1")})),
        "nookal"
    );
    assert_eq!(
        p.ok(json!({"type": "destination/get", "scope": scope("s-2")})),
        Value::Null
    );
    let bad = p.call(json!({"type": "destination/set", "scope": scope("s-1"), "ehr": "athena"}));
    assert_eq!(bad["ok"], false);
    assert_eq!(bad["error"]["kind"], "invalid_input");
}

#[test]
fn the_note_is_filed_under_the_sessions_time_not_the_push_time() {
    let p = SandboxPlatform::new();
    connect(&p);
    let patient = find(&p, "Aroha Ngāta");
    // A session from two days ago, pushed now (from History): 23:30 UTC is 09:30 the next morning
    // in the browser's UTC+10.
    let mut msg = push_msg(&patient, None, json!({"push_ref": "8M3R4T"}));
    msg["source"]["meta"]["created_at"] = json!("2025-09-28T23:30:00Z");
    let job = p.ok(msg)["job"].clone();
    assert_eq!(job["state"], "done", "{job}");
    let stored = p.sb.borrow().nookal_notes();
    let note = stored
        .iter()
        .find(|n| n.notes.contains("ref 8M3R4T"))
        .expect("the note");
    assert_eq!(note.date, "2025-09-29 09:30:00");
    assert_eq!(job["nookal"]["date"], "2025-09-29 09:30:00");
}
