//! The click path of a push: `push/start` waits for the POST and no more. The check for
//! browser-resent copies runs afterwards from the outbox (`jobs/tick`) — asserted on what the
//! in-process Cliniko received and holds.
//!
//! Each test runs on its own thread: a fresh thread is a fresh worker (thread-locals).
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, push_start};
use serde_json::{Value, json};

const NOTE: &str =
    "# Subjective\nLow back stiff in the mornings.\n\n# Plan\nWalking, review in 3 weeks.";
const TITLE: &str = "Session Summary – 02/10/2025";

fn in_fresh_worker(f: impl FnOnce() + Send + 'static) {
    std::thread::spawn(f).join().unwrap();
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

#[test]
fn a_browser_resent_copy_is_archived_by_the_tick_after_the_reply() {
    in_fresh_worker(|| {
        let (p, patient) = setup();
        // The note is created, the connection drops, Chromium resends: two notes, one 201.
        p.sb.borrow_mut().add_fault(FaultSpec {
            method: Some("POST".into()),
            path: "/v1/treatment_notes".into(),
            host: None,
            count: 1,
            kind: FaultKind::DropAfter,
            status: 200,
            delay_ms: 0,
        });
        let r = push_ref(1);
        let before = p.log().len();
        let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
        let job = v["job"].clone();
        let id = job["id"].clone();
        // The reply came with the 201: done, receipt shown, copies not yet looked for.
        assert_eq!(job["state"], json!("done"), "{v}");
        assert_eq!(job["verify_due"], json!(true));
        assert_eq!(job["receipt"]["verified"], json!(false));
        assert_eq!(job["receipt"]["archived_copies"], json!([]));
        assert_eq!(note_lists_since(&p, before), 1, "only the title check");
        assert_eq!(p.notes_with_ref(&r).iter().filter(|n| !n.2).count(), 2);
        // Due now, with an alarm for now: a worker stopped before the tick still gets to it.
        assert_eq!(job["next_at_ms"], json!(p.now.get()));
        assert!(p.wakeups.borrow().iter().any(|w| *w <= p.now.get()));
        assert_eq!(p.badge.get(), 0, "a landed note is not pending");

        // The tick the background sends right after replying.
        let before = p.log().len();
        let tick = p.ok(json!({"type": "jobs/tick"}));
        assert_eq!(tick["landed"], json!(0), "it had landed already");
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
        assert_eq!(job["receipt"]["archived_copies"], json!(archived));
        // The stored receipt ("Recent pushes") says so too.
        let receipts = p.ok(json!({"type": "receipts/list"}));
        assert_eq!(receipts.as_array().unwrap().len(), 1);
        assert_eq!(receipts[0]["archived_copies"], json!(archived));
        assert_eq!(receipts[0]["verified"], json!(true));
        // Nothing further is due: another tick sends nothing.
        let before = p.log().len();
        p.ok(json!({"type": "jobs/tick"}));
        assert_eq!(p.log().len(), before);
    });
}

#[test]
fn a_worker_stopped_before_the_check_leaves_it_to_the_alarm() {
    let (p, patient) = setup();
    let r = push_ref(2);
    p.sb.borrow_mut().add_fault(FaultSpec {
        method: Some("POST".into()),
        path: "/v1/treatment_notes".into(),
        host: None,
        count: 1,
        kind: FaultKind::DropAfter,
        status: 200,
        delay_ms: 0,
    });
    let v = p.ok(push_start(&patient, NOTE, &r, TITLE));
    assert_eq!(v["job"]["verify_due"], json!(true));
    // The worker stops before its tick: the server and storage survive, memory does not.
    let sb = p.sb.borrow().clone();
    let storage = p.storage.borrow().clone();
    let now = p.now.get() + 30_000;
    let (notes, posts, job) = std::thread::spawn(move || {
        let p2 = SandboxPlatform::with(sb, storage, now);
        p2.ok(json!({"type": "jobs/tick"})); // the alarm
        let jobs = p2.ok(json!({"type": "jobs/list"}));
        (p2.notes_with_ref(&r), p2.posts(), jobs[0].clone())
    })
    .join()
    .unwrap();
    assert_eq!(job["receipt"]["verified"], json!(true), "{job}");
    assert_eq!(
        job["receipt"]["archived_copies"].as_array().unwrap().len(),
        1
    );
    assert_eq!(notes.iter().filter(|n| !n.2).count(), 1, "{notes:?}");
    assert_eq!(posts, 2, "the browser's two; none from us after");
}
