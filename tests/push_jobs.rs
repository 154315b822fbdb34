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
fn happy_path_one_post_then_one_verifying_get_receipt_without_names() {
    let (p, patient) = setup();
    let scope = json!({"origin": "https://app.motics.ai", "session_id": "s-1001"});
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
        p.ok(json!({"type": "preselect/get", "scope": scope})),
        Value::Null
    );
    // Sending the same push again (same reference) returns the same job, no second note.
    let again = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(again["job"]["id"], job["id"]);
    assert_eq!(p.posts(), 1);
}

#[test]
fn unauthorized_mid_job_parks_then_resumes_after_reconnect_once() {
    let (p, patient) = setup();
    fault(&p, FaultKind::Status, 401, 1, 0);
    let r = push_ref(2);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["state"], json!("needs_reconnect"), "{v}");
    assert!(p.notes_with_ref(&r).is_empty());
    assert_eq!(p.badge.get(), 1);
    // "Reconnect Cliniko" saves the key again; then the dispatcher resumes the outbox.
    let key = p.sb.borrow().demo_keys().practitioner.clone();
    p.ok(json!({"type": "cliniko/reconnect", "key": key}));
    pollster::block_on(motics_push::app::push::resume_after_reconnect(&p)).unwrap();
    let job = p.ok(json!({"type": "jobs/get", "id": v["job"]["id"]}));
    assert_eq!(job["state"], json!("done"), "{job}");
    assert_one_live_note(&p, &r, &patient);
    assert_eq!(p.posts(), 2, "the 401'd POST and the one that landed");
    assert_eq!(p.badge.get(), 0);
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
fn timeout_after_the_server_created_the_note_is_reconciled_without_a_second_post() {
    let (p, patient) = setup();
    fault(&p, FaultKind::Delay, 200, 1, 45_000);
    let r = push_ref(5);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["state"], json!("retry_wait"));
    assert_eq!(v["job"]["error"]["kind"], json!("timeout"));
    let job = tick_until_settled(&p, v["job"]["id"].as_str().unwrap(), 10);
    assert_eq!(job["state"], json!("done"), "{job}");
    assert_one_live_note(&p, &r, &patient);
    assert_eq!(p.posts(), 1, "the note was found, not sent again");
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
fn offline_parks_after_max_attempts_then_retry_lands_once() {
    let (p, patient) = setup();
    p.offline.set(true);
    let r = push_ref(9);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    let id = v["job"]["id"].as_str().unwrap().to_string();
    let job = tick_until_settled(&p, &id, 20);
    assert_eq!(job["state"], json!("failed"), "{job}");
    assert_eq!(job["attempts"], json!(5));
    assert_eq!(job["error"]["kind"], json!("offline"));
    assert_eq!(job["error"]["transient"], json!(true));
    assert_eq!(p.badge.get(), 1);
    assert_eq!(p.posts(), 0);
    p.offline.set(false);
    let job = p.ok(json!({"type": "jobs/retry", "id": id}));
    assert_eq!(job["state"], json!("done"), "{job}");
    assert_one_live_note(&p, &r, &patient);
    assert_eq!(p.posts(), 1);
    assert_eq!(p.badge.get(), 0);
}

#[test]
fn worker_stopped_mid_post_resumes_from_storage_without_a_duplicate() {
    let (p, patient) = setup();
    let r = push_ref(10);
    p.crash_on_post.set(true);
    let msg = push_start(&patient, NOTE, &r, TITLE);
    let out = run_until_crash(&p, motics_push::app::handle(&p, msg));
    assert!(out.is_none(), "the worker stopped mid-POST");
    assert_eq!(
        p.notes_with_ref(&r).len(),
        1,
        "the server had created the note"
    );
    // Everything in memory is gone; storage (and the server) survive. A new thread has fresh
    // thread-locals (pacer, in-flight claims), like a restarted service worker.
    let sb = p.sb.borrow().clone();
    let storage = p.storage.borrow().clone();
    let now = p.now.get() + 60_000;
    let (notes, posts, state) = std::thread::spawn(move || {
        let p2 = SandboxPlatform::with(sb, storage, now);
        let tick = p2.ok(json!({"type": "jobs/tick"}));
        assert_eq!(tick["landed"], json!(1), "{tick}");
        let jobs = p2.ok(json!({"type": "jobs/list"}));
        (p2.notes_with_ref(&r), p2.posts(), jobs[0]["state"].clone())
    })
    .join()
    .unwrap();
    assert_eq!(state, json!("done"));
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(!notes[0].2);
    assert_eq!(posts, 1);
}

#[test]
fn same_note_again_asks_first_and_pushes_only_when_confirmed() {
    let (p, patient) = setup();
    let first = p.ok(push_start(&patient, NOTE, &push_ref(11), TITLE));
    let at = first["job"]["receipt"]["at_ms"].clone();
    // Re-wrapped, same words: the same fingerprint; a new push reference and another title.
    let rewrapped = NOTE.replace(". ", ".\n");
    let ask = p.ok(push_start(&patient, &rewrapped, &push_ref(12), "Follow-up"));
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("same_fingerprint"),
        "{ask}"
    );
    assert_eq!(ask["needs_confirmation"]["at_ms"], at);
    assert_eq!(
        ask["needs_confirmation"]["note_id"],
        first["job"]["receipt"]["note_id"]
    );
    assert!(p.notes_with_ref(&push_ref(12)).is_empty());
    let mut confirmed = push_start(&patient, &rewrapped, &push_ref(12), "Follow-up");
    confirmed["confirm_duplicate"] = json!(true);
    let v = p.ok(confirmed);
    assert_eq!(v["job"]["state"], json!("done"));
    assert_one_live_note(&p, &push_ref(12), &patient);
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
