//! The click path of a push: `push/start` waits for the POST alone. The check for browser-resent
//! copies runs afterwards from the outbox (`jobs/tick`), and the duplicate-title GET runs ahead of
//! the click (`push/preflight`) — asserted on what the in-process Cliniko received and holds.
//!
//! Each test has its own host and so its own worker memory (where the preflight's answers live).
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_push::push::preflight::FRESH_MS;
use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, push_start};
use serde_json::{Value, json};

const NOTE: &str =
    "# Subjective\nLow back stiff in the mornings.\n\n# Plan\nWalking, review in 3 weeks.";
const TITLE: &str = "Session Summary – 02/10/2025";

/// The next POST creates the note and then its connection drops (Chromium resends it once).
fn drop_after_the_post(p: &SandboxPlatform) {
    p.sb.borrow_mut().add_fault(FaultSpec {
        method: Some("POST".into()),
        path: "/v1/treatment_notes".into(),
        host: None,
        count: 1,
        kind: FaultKind::DropAfter,
        status: 200,
        delay_ms: 0,
    });
}

fn setup() -> (SandboxPlatform, Value) {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    (p, patient)
}

/// GETs of a patient's treatment notes (the title check and the verifying GET) since `from`.
fn note_lists_since(p: &SandboxPlatform, from: usize) -> usize {
    p.log()[from..]
        .iter()
        .filter(|(m, path)| m == "GET" && path.ends_with("/treatment_notes"))
        .count()
}

fn preflight(p: &SandboxPlatform, patient: &Value, title: &str) -> Value {
    p.ok(json!({"type": "push/preflight", "ehr": "cliniko", "patient": patient, "title": title}))
}

/// Push a note with this title to the patient and forget our own record of it, as if it had been
/// pushed from another computer: only Cliniko knows it now.
fn note_from_elsewhere(p: &SandboxPlatform, patient: &Value, title: &str) -> Value {
    let mut msg = push_start(
        patient,
        "Written on the other computer.",
        &push_ref(90),
        title,
    );
    msg["confirm_duplicate"] = json!(true);
    let v = p.ok(msg);
    p.ok(json!({"type": "jobs/tick"}));
    let mut storage = p.storage.borrow_mut();
    storage.remove(&("local".to_string(), "push.receipts".to_string()));
    storage.remove(&("session".to_string(), "push.outbox".to_string()));
    v["job"]["receipt"]["note_id"].clone()
}

#[test]
fn a_browser_resent_copy_is_archived_by_the_tick_after_the_reply() {
    let (p, patient) = setup();
    // The note is created, the connection drops, Chromium resends: two notes, one 201.
    drop_after_the_post(&p);
    let r = push_ref(1);
    let before = p.log().len();
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    let job = v["job"].clone();
    let id = job["id"].clone();
    // The reply came with the 201: done, receipt shown, copies not yet looked for.
    assert_eq!(job["state"], json!("done"), "{v}");
    assert_eq!(job["verify_due"], json!(true));
    assert_eq!(job["receipt"]["verified"], json!(false));
    assert_eq!(job["receipt"]["extra_copies"], json!([]));
    assert_eq!(note_lists_since(&p, before), 1, "only the title check");
    assert_eq!(p.notes_with_ref(&r).iter().filter(|n| !n.2).count(), 2);
    // Due now, with an alarm for now: a worker stopped before the tick still gets to it.
    assert_eq!(job["next_at_ms"], json!(p.now.get()));
    assert!(p.wakeups.borrow().iter().any(|w| *w <= p.now.get()));

    // The tick the background sends right after replying.
    let before = p.log().len();
    let tick = p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(tick["landed"], json!(0), "it had landed already");
    assert_eq!(p.badge.get(), 0, "a landed note is not pending");
    assert_eq!(note_lists_since(&p, before), 1, "one verifying GET");
    let job = p.ok(json!({"type": "jobs/get", "id": id}));
    assert_eq!(job["verify_due"], json!(false));
    assert_eq!(job["receipt"]["verified"], json!(true));
    let notes = p.notes_with_ref(&r);
    let live: Vec<_> = notes.iter().filter(|n| !n.2).collect();
    assert_eq!(live.len(), 1, "exactly one live note: {notes:?}");
    assert_eq!(
        job["receipt"]["note_id"],
        json!(live[0].0),
        "the 201's note is kept"
    );
    let archived: Vec<_> = notes.iter().filter(|n| n.2).map(|n| n.0.clone()).collect();
    assert_eq!(job["receipt"]["extra_copies"], json!(archived));
    // The stored receipt ("Recent pushes") says so too.
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts.as_array().unwrap().len(), 1);
    assert_eq!(receipts[0]["extra_copies"], json!(archived));
    assert_eq!(receipts[0]["verified"], json!(true));
    // Nothing further is due: another tick sends nothing.
    let before = p.log().len();
    p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(p.log().len(), before);
}

#[test]
fn a_worker_stopped_before_the_check_leaves_it_to_the_alarm() {
    let (p, patient) = setup();
    let r = push_ref(2);
    drop_after_the_post(&p);
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["verify_due"], json!(true));
    // The worker stops before its tick: the server and storage survive, memory does not.
    p.restart_worker();
    p.advance(30_000);
    p.ok(json!({"type": "jobs/tick"})); // the alarm
    let jobs = p.ok(json!({"type": "jobs/list"}));
    let (notes, posts, job) = (p.notes_with_ref(&r), p.posts(), jobs[0].clone());
    assert_eq!(job["receipt"]["verified"], json!(true), "{job}");
    assert_eq!(job["receipt"]["extra_copies"].as_array().unwrap().len(), 1);
    assert_eq!(notes.iter().filter(|n| !n.2).count(), 1, "{notes:?}");
    assert_eq!(posts, 2, "the browser's two; none from us after");
}

#[test]
fn a_fresh_preflight_no_lets_the_push_skip_the_title_get_for_two_minutes() {
    let (p, patient) = setup();
    // Preflight while the preview is read; the click comes a minute later.
    let before = p.log().len();
    assert_eq!(preflight(&p, &patient, TITLE), Value::Null);
    assert_eq!(
        note_lists_since(&p, before),
        1,
        "the preflight asked Cliniko"
    );
    p.advance(60_000);
    let before = p.log().len();
    let v = p.ok(push_start(&patient, NOTE, &push_ref(3), TITLE));
    assert_eq!(v["job"]["state"], json!("done"), "{v}");
    assert_eq!(note_lists_since(&p, before), 0, "no title GET at the click");
    assert_eq!(
        p.log().last().unwrap(),
        &("POST".to_string(), "/v1/treatment_notes".to_string()),
        "the click ends at the POST"
    );

    // Preflight `asked`, wait `after_ms`, push: how many note lists the push itself made.
    let push_after = |asked: &str, after_ms: i64, title: &str, text: &str, r: usize| {
        assert_eq!(preflight(&p, &patient, asked), Value::Null);
        p.advance(after_ms);
        let before = p.log().len();
        let v = p.ok(push_start(&patient, text, &push_ref(r), title));
        assert_eq!(v["job"]["state"], json!("done"), "{v}");
        note_lists_since(&p, before)
    };
    // Another note, another title; spacing and case of the preflight's title do not matter.
    assert_eq!(
        push_after(
            "follow-UP   visit",
            FRESH_MS - 1_000,
            "Follow-up visit",
            "Second note.",
            4
        ),
        0,
        "still fresh: no title GET"
    );
    // Older than two minutes: the push asks Cliniko itself.
    assert_eq!(
        push_after("Discharge", FRESH_MS + 1, "Discharge", "Third note.", 5),
        1,
        "stale: the title GET runs"
    );
}

#[test]
fn a_preflight_yes_is_returned_and_never_remembered() {
    let (p, patient) = setup();
    let existing = note_from_elsewhere(&p, &patient, TITLE);
    let yes = preflight(&p, &patient, TITLE);
    assert_eq!(yes["reason"], json!("same_title"), "{yes}");
    assert_eq!(yes["note_id"], existing);
    assert!(yes["at_ms"].as_i64().is_some());
    // The click right after: the push asks Cliniko again and asks the clinician, as before.
    let before = p.log().len();
    let ask = p.ok(push_start(&patient, NOTE, &push_ref(6), TITLE));
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("same_title"),
        "{ask}"
    );
    assert_eq!(ask["needs_confirmation"]["note_id"], existing);
    assert_eq!(note_lists_since(&p, before), 1, "the title GET ran again");
    assert!(p.notes_with_ref(&push_ref(6)).is_empty());
}

#[test]
fn a_preflight_no_serves_one_push_only() {
    let (p, patient) = setup();
    assert_eq!(preflight(&p, &patient, TITLE), Value::Null);
    let first = p.ok(push_start(&patient, NOTE, &push_ref(7), TITLE));
    assert_eq!(first["job"]["state"], json!("done"));
    // A different note with the same title seconds later: the earlier "no" no longer holds.
    p.advance(5_000);
    let before = p.log().len();
    let ask = p.ok(push_start(
        &patient,
        "A different note.",
        &push_ref(8),
        TITLE,
    ));
    assert_eq!(note_lists_since(&p, before), 1, "the title GET ran");
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("same_title"),
        "{ask}"
    );
    assert_eq!(
        ask["needs_confirmation"]["note_id"],
        first["job"]["receipt"]["note_id"]
    );
}

#[test]
fn a_queued_push_landing_forgets_a_preflight_no_for_its_patient_and_title() {
    let (p, patient) = setup();
    assert_eq!(preflight(&p, &patient, TITLE), Value::Null);
    // The history queue sends a note with that title for that patient meanwhile.
    let mut item = push_start(&patient, "Queued from history.", &push_ref(9), TITLE);
    item.as_object_mut().unwrap().remove("type");
    p.ok(json!({"type": "push/queue", "items": [item]}));
    p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(p.notes_with_ref(&push_ref(9)).len(), 1);
    let before = p.log().len();
    let ask = p.ok(push_start(&patient, NOTE, &push_ref(10), TITLE));
    assert_eq!(note_lists_since(&p, before), 1, "the title GET ran");
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("same_title"),
        "{ask}"
    );
}

#[test]
fn a_failed_preflight_is_not_remembered() {
    let (p, patient) = setup();
    p.offline.set(true);
    let reply = p.call(
        json!({"type": "push/preflight", "ehr": "cliniko", "patient": patient, "title": TITLE}),
    );
    assert_eq!(reply["ok"], json!(false), "{reply}");
    p.offline.set(false);
    let before = p.log().len();
    p.ok(push_start(&patient, NOTE, &push_ref(11), TITLE));
    assert_eq!(note_lists_since(&p, before), 1, "the title GET ran");
}

#[test]
fn a_preflight_under_another_key_is_not_used() {
    let (p, patient) = setup();
    assert_eq!(preflight(&p, &patient, TITLE), Value::Null);
    // Another practitioner's key at the same clinic (same patients, other notes).
    let other = p.sb.borrow().demo_keys().no_suffix.clone();
    p.ok(json!({"type": "connection/connect", "ehr": "cliniko", "key": other}));
    let before = p.log().len();
    p.ok(push_start(&patient, NOTE, &push_ref(12), TITLE));
    assert_eq!(note_lists_since(&p, before), 1, "the title GET ran");
}

#[test]
fn a_preflight_needs_a_patient_id_and_a_title() {
    let (p, mut patient) = setup();
    let reply = p.call(
        json!({"type": "push/preflight", "ehr": "cliniko", "patient": patient, "title": "  "}),
    );
    assert_eq!(reply["error"]["kind"], json!("invalid_input"), "{reply}");
    patient["id"] = json!("not-an-id");
    let reply = p.call(
        json!({"type": "push/preflight", "ehr": "cliniko", "patient": patient, "title": TITLE}),
    );
    assert_eq!(reply["error"]["kind"], json!("invalid_input"), "{reply}");
}

/// `push/preflight` carrying the whole push, as the popup sends it.
fn preflight_with_push(p: &SandboxPlatform, patient: &Value, push: &Value) -> Value {
    let mut whole = push.clone();
    whole.as_object_mut().map(|o| o.remove("type"));
    p.ok(
        json!({"type": "push/preflight", "ehr": "cliniko", "patient": patient,
        "title": push["title"], "push": whole}),
    )
}

/// The server's content of the note carrying this reference.
fn content_of(p: &SandboxPlatform, r: &str) -> String {
    let needle = format!("ref {r}");
    p.sb.borrow()
        .cliniko_notes()
        .into_iter()
        .find(|n| n.content.to_string().contains(&needle))
        .map(|n| n.content.to_string())
        .unwrap_or_default()
}

#[test]
fn a_push_prepared_at_the_preflight_lands_once_with_one_request_at_the_click() {
    let (p, patient) = setup();
    let r = push_ref(20);
    let msg = push_start(&patient, NOTE, &r, TITLE);
    assert_eq!(preflight_with_push(&p, &patient, &msg), Value::Null);
    p.advance(30_000);
    let (before, at_click) = (p.log().len(), p.now.get());
    let v = p.ok(msg);
    assert_eq!(v["job"]["state"], json!("done"), "{v}");
    assert!(
        v["job"]["created_at_ms"].as_i64() >= Some(at_click),
        "made at the click (the reconciling look-back counts from it): {v}"
    );
    assert_eq!(p.log().len() - before, 1, "the POST alone: {:?}", p.log());
    assert!(content_of(&p, &r).contains("Walking, review in 3 weeks"));
    p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(p.notes_with_ref(&r).len(), 1);
}

#[test]
fn a_push_prepared_for_another_request_is_not_sent() {
    let (p, patient) = setup();
    let r = push_ref(21);
    let prepared = push_start(
        &patient,
        "# Plan\nThe text the preview showed first.",
        &r,
        TITLE,
    );
    preflight_with_push(&p, &patient, &prepared);
    // The clinician picked another note before clicking (same reference, same title).
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["state"], json!("done"), "{v}");
    let content = content_of(&p, &r);
    assert!(content.contains("Walking, review in 3 weeks"), "{content}");
    assert!(!content.contains("showed first"), "{content}");
}

#[test]
fn a_key_changed_after_the_preflight_is_the_one_the_click_uses() {
    let (p, patient) = setup();
    let msg = push_start(&patient, NOTE, &push_ref(22), TITLE);
    assert_eq!(preflight_with_push(&p, &patient, &msg), Value::Null);
    let first = p.ok(json!({"type": "connection/status", "ehr": "cliniko"}));
    // Another practitioner's key at the same clinic is saved before the click.
    let other = p.sb.borrow().demo_keys().no_suffix.clone();
    let at_connect = p.log().len();
    let now = p.ok(json!({"type": "connection/connect", "ehr": "cliniko", "key": other}));
    assert_ne!(first["practitioner_id"], now["practitioner_id"]);
    let before = p.log().len();
    let v = p.ok(msg);
    assert_eq!(v["job"]["state"], json!("done"), "{v}");
    let auth = |from: usize, method: &str| {
        let log = p.sb.borrow().requests(None, None);
        log[from..]
            .iter()
            .find(|r| r.method == method)
            .map(|r| r.headers["authorization"].clone())
    };
    assert_eq!(auth(before, "POST"), auth(at_connect, "GET"), "the new key");
    let note =
        p.sb.borrow()
            .cliniko_notes()
            .into_iter()
            .find(|n| {
                n.content
                    .to_string()
                    .contains(&format!("ref {}", push_ref(22)))
            })
            .expect("the note landed");
    assert_eq!(json!(note.practitioner_id), now["practitioner_id"]);
    assert_eq!(
        note_lists_since(&p, before),
        1,
        "the title check ran again, as the new key"
    );
}
