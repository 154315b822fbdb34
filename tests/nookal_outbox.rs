//! Nookal pushes through the shared outbox, end to end through the dispatcher against the
//! in-process sandbox: a job that lands once, 5xx → retry_wait → the alarm's tick lands it once,
//! an ambiguous failure reconciled without a second note, a 401 parked until reconnect, a worker
//! stopped mid-send resumed from storage without a duplicate, and the jobs list with Retry.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, run_until_crash};
use serde_json::{Value, json};

const NOTE: &str = "Subjective: on a β-blocker, wrote 痛 for pain\n\nPlan: ice & rest";
const ADD: &str = "/production/v2/addTreatmentNote";
const LIST: &str = "/production/v2/getTreatmentNotes";

/// Connect Nookal, choose the first practitioner, and return the first "Aroha Ngāta" hit.
fn setup() -> (SandboxPlatform, Value) {
    let p = SandboxPlatform::new();
    connect(&p);
    let r = p.ok(json!({"type": "patients/search", "ehr": "nookal", "query": "Aroha Ngāta"}));
    let patient = r["patients"][0].clone();
    assert!(patient["id"].is_string(), "ids are strings: {patient}");
    (p, patient)
}

fn connect(p: &SandboxPlatform) {
    let key = p.sb.borrow().demo_keys().nookal.clone();
    let st = p.ok(json!({"type": "connection/connect", "ehr": "nookal", "key": key}));
    let practitioner = st["connection"]["practitioners"][0]["id"].clone();
    p.ok(json!({"type": "connection/set-practitioner", "ehr": "nookal", "practitioner_id": practitioner}));
}

fn push_msg(patient: &Value, text: &str, push_ref: &str) -> Value {
    json!({
        "type": "push/start", "ehr": "nookal", "source": push_support::source(text),
        "patient": patient, "title": "", "case_id": null, "push_ref": push_ref,
        "created_display": "01/10/2025, 9:30 am", "utc_offset_min": 600,
    })
}

fn fault(p: &SandboxPlatform, path: &str, kind: FaultKind, status: u16, count: u32, delay: u64) {
    p.sb.borrow_mut().add_fault(FaultSpec {
        method: None,
        path: path.into(),
        host: None,
        count,
        kind,
        status,
        delay_ms: delay,
    });
}

/// The patient's live notes containing `needle`.
fn notes_with(p: &SandboxPlatform, patient: &Value, needle: &str) -> Vec<String> {
    p.sb.borrow()
        .nookal_notes()
        .into_iter()
        .filter(|n| Some(n.patient_id.as_str()) == patient["id"].as_str())
        .filter(|n| n.notes.contains(needle))
        .map(|n| n.id)
        .collect()
}

/// How many addTreatmentNote calls the server saw.
fn adds(p: &SandboxPlatform) -> usize {
    p.log().iter().filter(|(_, path)| path == ADD).count()
}

#[test]
fn a_nookal_job_lands_once_with_its_receipt_and_leaves_no_text_behind() {
    let (p, patient) = setup();
    let text = format!("{NOTE}\n\nref {}", push_ref(1));
    let reply = p.ok(push_msg(&patient, &text, &push_ref(1)));
    let job = &reply["job"];
    assert_eq!(job["state"], "done", "{reply}");
    assert_eq!(job["ehr"], "nookal");
    assert_eq!(job["patient"]["id"], patient["id"]);
    assert_eq!(reply["job"]["nookal"]["landed"], true);
    // The sandbox double-encodes by default: β and 痛 (no ASCII form) are named.
    assert_eq!(reply["job"]["nookal"]["garbled"], json!(["β", "痛"]));
    assert_eq!(reply["job"]["nookal"]["extra_copies"], json!([]));
    assert_eq!(notes_with(&p, &patient, &push_ref(1)).len(), 1);
    assert_eq!(adds(&p), 1);
    assert_eq!(p.badge.get(), 0);
    // The job is in the list; the receipt (with the Nookal details) is in Recent pushes.
    let jobs = p.ok(json!({"type": "jobs/list"}));
    assert_eq!(jobs[0]["id"], job["id"]);
    assert_eq!(jobs[0]["nookal"]["landed"], true);
    let receipts = p.ok(json!({"type": "receipts/list"}));
    assert_eq!(receipts[0]["ehr"], "nookal");
    assert_eq!(receipts[0]["job_id"], job["id"]);
    assert_eq!(receipts[0]["nookal"]["garbled"], json!(["β", "痛"]));
    // No note text survives the landing, in the outbox or in the receipts.
    let stored: String = p.storage.borrow().values().map(Value::to_string).collect();
    assert!(!stored.contains("ice & rest"), "{stored}");
    // Pushing the same note again asks first (the guard sees the Nookal receipt).
    let again = p.ok(push_msg(&patient, &text, &push_ref(2)));
    assert_eq!(again["needs_confirmation"]["reason"], "same_fingerprint");
    assert_eq!(adds(&p), 1);
}

#[test]
fn a_5xx_waits_with_backoff_then_the_tick_after_the_wait_lands_it_once() {
    let (p, patient) = setup();
    fault(&p, ADD, FaultKind::Status, 503, 1, 0);
    let r = push_ref(3);
    let text = format!("{NOTE}\n\nref {r}");
    let reply = p.ok(push_msg(&patient, &text, &r));
    let job = reply["job"].clone();
    assert_eq!(job["state"], "retry_wait", "{reply}");
    assert_eq!(job["attempts"], 1);
    assert_eq!(reply["job"]["error"]["transient"], true);
    assert!(notes_with(&p, &patient, &r).is_empty());
    assert_eq!(p.badge.get(), 1);
    let next = job["next_at_ms"].as_i64().expect("a retry time");
    assert!(next > p.now.get());
    assert!(
        p.wakeups.borrow().contains(&next),
        "an alarm at the retry time"
    );
    // Before the wait is over the alarm does nothing.
    let early = p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(early["landed"], 0);
    assert_eq!(adds(&p), 1);
    p.now.set(next);
    let tick = p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(tick["landed"], 1, "{tick}");
    assert_eq!(tick["jobs"][0]["state"], "done");
    assert_eq!(notes_with(&p, &patient, &r).len(), 1);
    assert_eq!(adds(&p), 2);
    assert_eq!(p.badge.get(), 0);
}

#[test]
fn a_timed_out_send_that_created_the_note_is_reconciled_without_a_second_note() {
    let (p, patient) = setup();
    // The note is created but the answer never comes (timeout), and the immediate check fails too.
    fault(&p, ADD, FaultKind::Delay, 200, 1, 60_000);
    fault(&p, LIST, FaultKind::DropBefore, 500, 1, 0);
    let r = push_ref(4);
    let text = format!("{NOTE}\n\nref {r}");
    let reply = p.ok(push_msg(&patient, &text, &r));
    assert_eq!(reply["job"]["state"], "retry_wait", "{reply}");
    let created = notes_with(&p, &patient, &r);
    assert_eq!(created.len(), 1, "the server had created the note");
    p.now
        .set(reply["job"]["next_at_ms"].as_i64().expect("retry time"));
    let tick = p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(tick["landed"], 1, "{tick}");
    let job = &tick["jobs"][0];
    assert_eq!(job["state"], "done");
    assert_eq!(job["nookal"]["reconciled"], true);
    assert_eq!(job["nookal"]["note_id"], created[0].as_str());
    assert_eq!(adds(&p), 1, "reconciled, not sent again");
    assert_eq!(notes_with(&p, &patient, &r), created);
}

#[test]
fn an_auth_failure_parks_the_job_until_nookal_is_reconnected() {
    let (p, patient) = setup();
    fault(&p, ADD, FaultKind::Status, 401, 1, 0);
    let r = push_ref(5);
    let text = format!("{NOTE}\n\nref {r}");
    let reply = p.ok(push_msg(&patient, &text, &r));
    assert_eq!(reply["job"]["state"], "needs_reconnect", "{reply}");
    assert_eq!(reply["job"]["error"]["kind"], "unauthorized");
    assert_eq!(p.badge.get(), 1);
    assert_eq!(
        p.ok(json!({"type": "connection/status", "ehr": "nookal"}))["state"],
        "needs_reconnect"
    );
    // The alarm does not retry it by itself.
    p.advance(3_600_000);
    assert_eq!(p.ok(json!({"type": "jobs/tick"}))["landed"], 0);
    assert!(notes_with(&p, &patient, &r).is_empty());
    // Pasting the key again resumes it at once.
    connect(&p);
    let jobs = p.ok(json!({"type": "jobs/list"}));
    assert_eq!(jobs[0]["state"], "done", "{jobs}");
    assert_eq!(notes_with(&p, &patient, &r).len(), 1);
    assert_eq!(p.badge.get(), 0);
}

#[test]
fn a_worker_stopped_mid_send_resumes_from_storage_without_a_duplicate() {
    let (p, patient) = setup();
    let r = push_ref(6);
    let text = format!("{NOTE}\n\nref {r}");
    p.crash_on_post.set(true);
    let out = run_until_crash(&p, p.handle(push_msg(&patient, &text, &r)));
    assert!(out.is_none(), "the worker stopped mid-send");
    assert_eq!(
        notes_with(&p, &patient, &r).len(),
        1,
        "the note was created"
    );
    // The worker's memory is gone; storage and the server survive.
    p.restart_worker();
    p.advance(60_000);
    let tick = p.ok(json!({"type": "jobs/tick"}));
    assert_eq!(tick["landed"], 1, "{tick}");
    let (notes, adds_seen, job) = (
        notes_with(&p, &patient, &r),
        adds(&p),
        tick["jobs"][0].clone(),
    );
    assert_eq!(job["state"], "done");
    assert_eq!(job["nookal"]["reconciled"], true);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(adds_seen, 1);
}

#[test]
fn repeated_5xx_park_the_job_and_retry_from_the_list_sends_it_once() {
    let (p, patient) = setup();
    // Five 5xx in a row park the job (failed, transient); Retry from the list then lands it.
    fault(&p, ADD, FaultKind::Status, 503, 5, 0);
    let r = push_ref(7);
    let text = format!("{NOTE}\n\nref {r}");
    let id = p.ok(push_msg(&patient, &text, &r))["job"]["id"].clone();
    for _ in 0..4 {
        let job = p.ok(json!({"type": "jobs/get", "id": id}));
        assert_eq!(job["state"], "retry_wait", "{job}");
        p.now.set(job["next_at_ms"].as_i64().expect("retry time"));
        p.ok(json!({"type": "jobs/tick"}));
    }
    let job = p.ok(json!({"type": "jobs/get", "id": id}));
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["error"]["transient"], true);
    assert!(notes_with(&p, &patient, &r).is_empty());
    let retried = p.ok(json!({"type": "jobs/retry", "id": id}));
    assert_eq!(retried["state"], "done", "{retried}");
    assert_eq!(notes_with(&p, &patient, &r).len(), 1);
    // Discard forgets a job; its receipt stays.
    p.ok(json!({"type": "jobs/discard", "id": id}));
    assert_eq!(p.ok(json!({"type": "jobs/list"})), json!([]));
    assert_eq!(p.ok(json!({"type": "receipts/list"}))[0]["job_id"], id);
}
