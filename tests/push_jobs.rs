//! The push job state machine against the in-process Cliniko: every failure class ends with
//! exactly one (unarchived) note in Cliniko, asserted on what the server holds.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, push_start, run_until_crash};
use serde_json::{Value, json};

const NOTE: &str = "# Subjective\nSore neck after gardening.\n\n# Plan\nHeat, gentle stretches, review in 2 weeks.";
const TITLE: &str = "Session Summary – 01/10/2025";

fn setup() -> (SandboxPlatform, Value) {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    (p, patient)
}

fn fault(p: &SandboxPlatform, kind: FaultKind, status: u16, count: u32, delay_ms: u64) {
    p.sb.borrow_mut().add_fault(FaultSpec {
        method: Some("POST".into()),
        path: "/v1/treatment_notes".into(),
        host: None,
        count,
        kind,
        status,
        delay_ms,
    });
}

/// Advance to the latest wakeup asked for and tick, until the job is no longer waiting.
fn tick_until_settled(p: &SandboxPlatform, id: &str, max_ticks: usize) -> Value {
    for _ in 0..max_ticks {
        let job = p.ok(json!({"type": "jobs/get", "id": id}));
        let waiting = job["state"] == json!("retry_wait")
            || job["state"] == json!("queued")
            || (job["state"] == json!("done") && job["receipt"]["verified"] == json!(false));
        if !waiting {
            return job;
        }
        let at = p.wakeups.borrow().last().copied().unwrap_or(p.now.get());
        p.now.set(p.now.get().max(at));
        p.ok(json!({"type": "jobs/tick"}));
    }
    p.ok(json!({"type": "jobs/get", "id": id}))
}

fn assert_one_live_note(p: &SandboxPlatform, r: &str, patient: &Value) -> String {
    let notes = p.notes_with_ref(r);
    let live: Vec<_> = notes.iter().filter(|n| !n.2).collect();
    assert_eq!(live.len(), 1, "exactly one unarchived note: {notes:?}");
    assert_eq!(live[0].1, patient["id"].as_str().unwrap());
    live[0].0.clone()
}

#[test]
fn happy_path_one_post_one_verifying_get_receipt_without_names() {
    let (p, patient) = setup();
    let scope = json!({"session_id": "s-1001"});
    p.ok(json!({"type": "preselect/set", "scope": scope, "patient": patient}));
    let before = p.log().len();
    let r = push_ref(1);
    let mut msg = push_start(&patient, NOTE, &r, TITLE);
    msg["scope"] = scope.clone();
    let v = p.ok(msg);
    let job = &v["job"];
    assert_eq!(job["state"], json!("done"), "{v}");
    let note_id = assert_one_live_note(&p, &r, &patient);
    assert_eq!(job["receipt"]["note_id"], json!(note_id));
    assert_eq!(job["receipt"]["verified"], json!(true));
    assert!(job.get("payload").is_none(), "views carry no note text");
    // Title check GET, template (cache miss → list), POST, verifying GET.
    let sent: Vec<_> = p.log()[before..].to_vec();
    assert_eq!(p.posts(), 1);
    assert_eq!(sent.last().unwrap().0, "GET");
    assert!(sent.last().unwrap().1.ends_with("/treatment_notes"));
    // The receipt: ids and links, no names, no note text.
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts.as_array().unwrap().len(), 1);
    let text = receipts.to_string();
    assert!(!text.contains(patient["last_name"].as_str().unwrap()));
    assert!(!text.contains("gardening"));
    let link = receipts[0]["link"].as_str().unwrap();
    assert_eq!(
        link,
        format!("https://harbourside-physio.au1.cliniko.com/patients/{}", patient["id"].as_str().unwrap())
    );
    assert!(receipts[0]["note_link"].as_str().unwrap().ends_with(&format!("/treatment_notes/{note_id}")));
    assert_eq!(p.badge.get(), 0);
    // The session's pre-selection is cleared after the push.
    assert_eq!(p.ok(json!({"type": "preselect/get", "scope": scope})), Value::Null);
    // Sending the same push again (same reference) returns the same job, no second note.
    let again = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(again["job"]["id"], job["id"]);
    assert_eq!(p.posts(), 1);
}
