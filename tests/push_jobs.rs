//! Cliniko-only parts of the push job (the shared workflow is tests/ehr_push.rs, run for every EHR):
//! the click's requests, 429 resets, copy archiving, 422 field errors, the title check.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, push_start};
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
fn happy_path_one_post_then_one_verifying_get_receipt_without_names() {
    let (p, patient) = setup();
    let scope = json!({"origin": "https://app.motics.ai", "session_id": "s-1001"});
    p.ok(json!({"type": "preselect/set", "ehr": "cliniko", "scope": scope, "patient": patient}));
    let before = p.log().len();
    let r = push_ref(1);
    let mut msg = push_start(&patient, NOTE, &r, TITLE);
    msg["scope"] = scope.clone();
    let v = p.ok(msg);
    let job = &v["job"];
    assert_eq!(job["state"], json!("done"), "{v}");
    let note_id = assert_one_live_note(&p, &r, &patient);
    assert_eq!(job["receipt"]["note_id"], json!(note_id));
    assert!(job.get("payload").is_none(), "views carry no note text");
    // The click: title check GET (no preflight here), template (cache miss → list), POST. The
    // reply comes at Cliniko's 201; the check for copies is left due, now.
    let sent: Vec<_> = p.log()[before..].to_vec();
    assert_eq!(p.posts(), 1);
    assert_eq!(
        sent.last().unwrap(),
        &("POST".to_string(), "/v1/treatment_notes".to_string())
    );
    assert_eq!(job["receipt"]["verified"], json!(false));
    assert_eq!(job["verify_due"], json!(true));
    assert_eq!(job["next_at_ms"], json!(p.now.get()));
    assert!(p.wakeups.borrow().iter().any(|w| *w <= p.now.get()));
    // The tick the background sends right after the reply: one verifying GET.
    let before_tick = p.log().len();
    p.ok(json!({"type": "jobs/tick"}));
    let sent: Vec<_> = p.log()[before_tick..].to_vec();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "GET");
    assert!(sent[0].1.ends_with("/treatment_notes"));
    let job = p.ok(json!({"type": "jobs/get", "id": job["id"]}));
    assert_eq!(job["receipt"]["verified"], json!(true));
    assert_eq!(job["verify_due"], json!(false));
    assert_eq!(job["next_at_ms"], Value::Null);
    // The receipt: ids and links, no names, no note text.
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts.as_array().unwrap().len(), 1);
    let text = receipts.to_string();
    assert!(!text.contains(patient["last_name"].as_str().unwrap()));
    assert!(!text.contains("gardening"));
    let link = receipts[0]["link"].as_str().unwrap();
    assert_eq!(
        link,
        format!(
            "https://harbourside-physio.au1.cliniko.com/patients/{}",
            patient["id"].as_str().unwrap()
        )
    );
    assert!(
        receipts[0]["note_link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/treatment_notes/{note_id}"))
    );
    assert_eq!(p.badge.get(), 0);
    // The session's pre-selection is cleared after the push.
    assert_eq!(
        p.ok(json!({"type": "preselect/get", "ehr": "cliniko", "scope": scope})),
        Value::Null
    );
    assert_eq!(p.posts(), 1);
}

#[test]
fn rate_limited_waits_for_the_reset_then_lands_once() {
    let (p, patient) = setup();
    // One request per minute: the duplicate-title GET uses it, so the POST gets a real 429.
    p.sb.borrow_mut().set_config(&motics_sandbox::ConfigPatch {
        rate_limit: Some(motics_sandbox::RateLimit {
            limit: 1,
            window_s: 60,
        }),
        ..Default::default()
    });
    let r = push_ref(3);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    let job = &v["job"];
    assert_eq!(job["state"], json!("retry_wait"), "{v}");
    assert_eq!(job["error"]["kind"], json!("rate_limited"));
    assert_eq!(job["attempts"], json!(0), "a 429 is not a failed attempt");
    let next = job["next_at_ms"].as_i64().unwrap();
    assert!(next > p.now.get() && next <= p.now.get() + 61_000);
    assert!(
        p.wakeups.borrow().iter().any(|w| *w >= next),
        "an alarm for the reset"
    );
    // Before the reset a tick sends nothing.
    let posts = p.posts();
    p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(p.posts(), posts);
    let job = tick_until_settled(&p, job["id"].as_str().unwrap(), 10);
    assert_eq!(job["state"], json!("done"), "{job}");
    assert_eq!(job["receipt"]["verified"], json!(true));
    assert_one_live_note(&p, &r, &patient);
}

#[test]
fn server_errors_twice_then_ok_lands_once_after_reconciling() {
    let (p, patient) = setup();
    fault(&p, FaultKind::Status, 500, 2, 0);
    let r = push_ref(4);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["state"], json!("retry_wait"));
    assert_eq!(v["job"]["attempts"], json!(1));
    let job = tick_until_settled(&p, v["job"]["id"].as_str().unwrap(), 10);
    assert_eq!(job["state"], json!("done"), "{job}");
    assert_one_live_note(&p, &r, &patient);
    assert_eq!(p.posts(), 3);
}

#[test]
fn dropped_connection_after_processing_twice_keeps_the_oldest_copy() {
    let (p, patient) = setup();
    // Dropped after the server read it; Chromium's resend is dropped too: two notes, no answer.
    fault(&p, FaultKind::DropAfter, 200, 2, 0);
    let r = push_ref(6);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["state"], json!("retry_wait"));
    assert_eq!(p.notes_with_ref(&r).len(), 2);
    let job = tick_until_settled(&p, v["job"]["id"].as_str().unwrap(), 10);
    assert_eq!(job["state"], json!("done"), "{job}");
    let kept = assert_one_live_note(&p, &r, &patient);
    let all = p.notes_with_ref(&r);
    let oldest = all
        .iter()
        .map(|n| n.0.clone())
        .min_by_key(|id| (id.len(), id.clone()))
        .unwrap();
    assert_eq!(kept, oldest);
    assert_eq!(
        job["receipt"]["archived_copies"].as_array().unwrap().len(),
        1
    );
    assert_eq!(p.posts(), 2, "no POST after reconciling");
}

#[test]
fn chromium_resend_makes_two_notes_and_the_extra_copy_is_archived_by_the_next_tick() {
    let (p, patient) = setup();
    fault(&p, FaultKind::DropAfter, 200, 1, 0);
    let r = push_ref(7);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    let job = &v["job"];
    assert_eq!(job["state"], json!("done"), "{v}");
    // The reply comes at the 201: both copies are still live, the check is due.
    assert_eq!(p.notes_with_ref(&r).iter().filter(|n| !n.2).count(), 2);
    assert_eq!(job["receipt"]["archived_copies"], json!([]));
    assert_eq!(job["verify_due"], json!(true));
    p.ok(json!({"type": "jobs/tick"}));
    let job = &p.ok(json!({"type": "jobs/get", "id": job["id"]}));
    assert_eq!(job["receipt"]["verified"], json!(true));
    let kept = assert_one_live_note(&p, &r, &patient);
    assert_eq!(
        job["receipt"]["note_id"],
        json!(kept),
        "the 201's note is kept"
    );
    let archived: Vec<_> = p.notes_with_ref(&r).into_iter().filter(|n| n.2).collect();
    assert_eq!(archived.len(), 1);
    assert_eq!(job["receipt"]["archived_copies"], json!([archived[0].0]));
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts[0]["archived_copies"], json!([archived[0].0]));
}

#[test]
fn validation_error_fails_with_field_errors_and_is_not_retried() {
    let (p, patient) = setup();
    let r = push_ref(8);
    let long_title = "Session ".repeat(40);
    let v = p.ok(push_start(&patient, NOTE, &r, &long_title));
    let job = &v["job"];
    assert_eq!(job["state"], json!("failed"), "{v}");
    assert_eq!(job["error"]["kind"], json!("validation"));
    assert_eq!(job["error"]["transient"], json!(false));
    assert_eq!(job["error"]["fields"][0]["field"], json!("title"));
    assert_eq!(job["next_at_ms"], Value::Null);
    p.advance(3_600_000);
    p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(p.posts(), 1);
    assert!(p.notes_with_ref(&r).is_empty());
    assert_eq!(p.badge.get(), 1);
}

#[test]
fn same_title_in_cliniko_asks_first() {
    let (p, patient) = setup();
    // A note with this title already exists in Cliniko (pushed from elsewhere).
    let first = p.ok(push_start(
        &patient,
        "Written on the other computer.",
        &push_ref(13),
        TITLE,
    ));
    let existing = first["job"]["receipt"]["note_id"].clone();
    p.storage
        .borrow_mut()
        .remove(&("local".to_string(), "push.receipts".to_string()));
    p.storage
        .borrow_mut()
        .remove(&("session".to_string(), "push.outbox".to_string()));
    let ask = p.ok(push_start(&patient, NOTE, &push_ref(14), TITLE));
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("same_title"),
        "{ask}"
    );
    assert_eq!(ask["needs_confirmation"]["note_id"], existing);
    assert!(ask["needs_confirmation"]["at_ms"].as_i64().is_some());
    assert!(p.notes_with_ref(&push_ref(14)).is_empty());
}
