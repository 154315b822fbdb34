//! The push workflow, one test body run for each EHR through the background's dispatcher against
//! the in-process sandbox: every failure class ends with exactly one live note in the EHR, and
//! the job reads the same everywhere it is listed. What only one EHR does (Cliniko's title check
//! and copy archiving, Nookal's cases and read-back) is tested in that EHR's own files.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_push::Error;
use motics_push::ehr::Ehr as EhrId;
use motics_push::http::TransportError;
use motics_sandbox::{FaultKind, FaultSpec};
use push_support::{SandboxPlatform, push_ref, run_until_crash, source};
use serde_json::{Value, json};

const NOTE: &str = "# Subjective\nSore neck after gardening.\n\n# Plan\nHeat, gentle stretches, review in 2 weeks.";
const TITLE: &str = "Session Summary – 01/10/2025";

/// What differs per EHR: connecting, the patient, where its note is created, its live notes.
struct Ehr {
    name: &'static str,
    connect: fn(&SandboxPlatform),
    patient: fn(&SandboxPlatform) -> Value,
    /// The path of the request that creates a note.
    create_path: &'static str,
}

const EHRS: [Ehr; 2] = [
    Ehr {
        name: "cliniko",
        connect: SandboxPlatform::connect,
        patient: |p| p.patients(1).remove(0),
        create_path: "/v1/treatment_notes",
    },
    Ehr {
        name: "nookal",
        connect: |p| drop(p.connect_nookal()),
        patient: |p| {
            let r =
                p.ok(json!({"type": "patients/search", "ehr": "nookal", "query": "Aroha Ngāta"}));
            r["patients"][0].clone()
        },
        create_path: "/production/v2/addTreatmentNote",
    },
];

/// A connected host and a patient of that EHR.
fn setup(ehr: &Ehr) -> (SandboxPlatform, Value) {
    let p = SandboxPlatform::new();
    (ehr.connect)(&p);
    let patient = (ehr.patient)(&p);
    assert!(patient["id"].is_string(), "{}: ids are strings", ehr.name);
    (p, patient)
}

/// `push/start` as the popup sends it.
fn push(ehr: &Ehr, patient: &Value, text: &str, r: &str) -> Value {
    json!({
        "type": "push/start", "ehr": ehr.name, "source": source(text), "patient": patient,
        "title": TITLE, "draft": true, "push_ref": r, "created_display": "01/10/2025, 10:02 am",
        "utc_offset_min": 600,
    })
}

fn fault(p: &SandboxPlatform, ehr: &Ehr, kind: FaultKind, status: u16, count: u32, delay: u64) {
    p.sb.borrow_mut().add_fault(FaultSpec {
        method: Some("POST".into()),
        path: ehr.create_path.into(),
        host: None,
        count,
        kind,
        status,
        delay_ms: delay,
    });
}

/// Ids of the patient's live (not archived) notes carrying this push reference.
fn live_notes(p: &SandboxPlatform, ehr: &Ehr, patient: &Value, r: &str) -> Vec<String> {
    let id = patient["id"].as_str().unwrap_or_default();
    if ehr.name == "cliniko" {
        return p
            .notes_with_ref(r)
            .into_iter()
            .filter(|n| !n.2 && n.1 == id)
            .map(|n| n.0)
            .collect();
    }
    p.sb.borrow()
        .nookal_notes()
        .into_iter()
        .filter(|n| n.patient_id == id && n.notes.contains(&format!("ref {r}")))
        .map(|n| n.id)
        .collect()
}

/// How many note-creating requests the EHR received.
fn creates(p: &SandboxPlatform, ehr: &Ehr) -> usize {
    p.log()
        .iter()
        .filter(|(m, path)| m == "POST" && path == ehr.create_path)
        .count()
}

/// Advance to each wakeup asked for and tick, until the job stops waiting.
fn tick_until_settled(p: &SandboxPlatform, id: &Value, max_ticks: usize) -> Value {
    for _ in 0..max_ticks {
        let job = p.ok(json!({"type": "jobs/get", "id": id}));
        if !matches!(job["state"].as_str(), Some("retry_wait" | "queued")) {
            return job;
        }
        let at = p.wakeups.borrow().last().copied().unwrap_or(p.now.get());
        p.now.set(p.now.get().max(at));
        p.ok(json!({"type": "jobs/tick"}));
    }
    p.ok(json!({"type": "jobs/get", "id": id}))
}

/// The one job in the list, as every view shows it.
fn only_job(p: &SandboxPlatform) -> Value {
    let jobs = p.ok(json!({"type": "jobs/list"}));
    assert_eq!(jobs.as_array().map(Vec::len), Some(1), "{jobs}");
    jobs[0].clone()
}

#[test]
fn a_push_lands_once_with_a_receipt_and_leaves_no_text_behind() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let r = push_ref(1);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        let job = &v["job"];
        assert_eq!(job["state"], "done", "{}: {v}", ehr.name);
        assert_eq!(job["ehr"], ehr.name);
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 1, "{}", ehr.name);
        p.ok(json!({"type": "jobs/tick"})); // the check for copies the background runs next
        // The badge follows the landing, saved after the reply (by that tick).
        assert_eq!(p.badge.get(), 0);
        assert_eq!(only_job(&p)["state"], "done", "{}", ehr.name);
        let receipts = p.ok(json!({"type": "receipts/list"}));
        assert_eq!(receipts[0]["ehr"], ehr.name);
        assert_eq!(receipts[0]["patient_id"], patient["id"]);
        assert_eq!(receipts[0]["job_id"], job["id"]);
        // No note text survives the landing, in the outbox or in the receipts.
        let stored: String = p.storage.borrow().values().map(Value::to_string).collect();
        assert!(!stored.contains("gardening"), "{}: {stored}", ehr.name);
        let first_name = patient["first_name"].as_str().unwrap_or_default();
        assert!(
            !receipts.to_string().contains(first_name),
            "{}: no names",
            ehr.name
        );
    }
}

#[test]
fn a_5xx_waits_then_retry_lands_it_once_and_every_list_agrees() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        fault(&p, ehr, FaultKind::Status, 503, 1, 0);
        let r = push_ref(2);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        let job = &v["job"];
        assert_eq!(job["state"], "retry_wait", "{}: {v}", ehr.name);
        assert_eq!(job["error"]["kind"], "server");
        assert_eq!(
            job["error"]["params"][0], job["ehr_name"],
            "the error names this EHR"
        );
        assert!(job["next_at_ms"].as_i64() > Some(p.now.get()));
        assert_eq!(p.badge.get(), 1);
        assert!(live_notes(&p, ehr, &patient, &r).is_empty());
        // Retry (the one retry for every EHR): the same job lands; no list still shows it waiting.
        let retried = p.ok(json!({"type": "jobs/retry", "id": job["id"]}));
        assert_eq!(retried["state"], "done", "{}: {retried}", ehr.name);
        assert_eq!(retried["id"], job["id"]);
        let listed = only_job(&p);
        assert_eq!(listed["state"], "done", "{}", ehr.name);
        assert_eq!(listed["error"], Value::Null);
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        assert_eq!(p.badge.get(), 0);
    }
}

#[test]
fn repeated_failures_park_the_job_and_retry_sends_it_once() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        p.offline.set(true);
        let r = push_ref(3);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        let job = tick_until_settled(&p, &v["job"]["id"], 20);
        assert_eq!(job["state"], "failed", "{}: {job}", ehr.name);
        assert_eq!(
            job["attempts"],
            motics_push::push::attempt::POLICY.max_attempts
        );
        assert_eq!(job["error"]["transient"], true);
        assert_eq!(creates(&p, ehr), 0);
        p.offline.set(false);
        let job = p.ok(json!({"type": "jobs/retry", "id": v["job"]["id"]}));
        assert_eq!(job["state"], "done", "{}: {job}", ehr.name);
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        // Discard forgets a job; its receipt stays.
        p.ok(json!({"type": "jobs/discard", "id": job["id"]}));
        assert_eq!(p.ok(json!({"type": "jobs/list"})), json!([]));
        assert_eq!(
            p.ok(json!({"type": "receipts/list"}))[0]["job_id"],
            job["id"]
        );
    }
}

#[test]
fn a_401_parks_the_push_until_reconnect_then_it_lands_once() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        fault(&p, ehr, FaultKind::Status, 401, 1, 0);
        let r = push_ref(4);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        assert_eq!(v["job"]["state"], "needs_reconnect", "{}: {v}", ehr.name);
        assert_eq!(v["job"]["error"]["kind"], "unauthorized");
        let status = p.ok(json!({"type": "connection/status", "ehr": ehr.name}));
        assert_eq!(status["state"], "needs_reconnect", "{}", ehr.name);
        // The alarm does not retry it by itself.
        p.advance(3_600_000);
        assert_eq!(p.ok(json!({"type": "jobs/tick"}))["landed"], 0);
        assert!(live_notes(&p, ehr, &patient, &r).is_empty());
        // Pasting the key again (options page or popup: the same message) resumes it at once.
        (ehr.connect)(&p);
        assert_eq!(only_job(&p)["state"], "done", "{}", ehr.name);
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        assert_eq!(
            creates(&p, ehr),
            2,
            "{}: the refused one and the one that landed",
            ehr.name
        );
        assert_eq!(p.badge.get(), 0);
    }
}

#[test]
fn a_timeout_after_the_note_was_created_is_reconciled_without_a_second_note() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        // The note is created, but no answer comes in time.
        fault(&p, ehr, FaultKind::Delay, 200, 1, 45_000);
        let r = push_ref(5);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        let job = tick_until_settled(&p, &v["job"]["id"], 10);
        assert_eq!(job["state"], "done", "{}: {job}", ehr.name);
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 1, "{}: found, not sent again", ehr.name);
    }
}

#[test]
fn a_dropped_connection_after_the_note_was_created_is_reconciled_to_one_note() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        // The note is created and the connection drops; the browser resends the POST by itself,
        // which creates a copy and drops too. The push waits to be retried.
        fault(&p, ehr, FaultKind::DropAfter, 500, 2, 0);
        let r = push_ref(10);
        let v = p.ok(push(ehr, &patient, NOTE, &r));
        assert_eq!(v["job"]["state"], "retry_wait", "{}: {v}", ehr.name);
        // Reconciled before the retry: found, not sent a third time.
        let job = tick_until_settled(&p, &v["job"]["id"], 10);
        assert_eq!(job["state"], "done", "{}: {job}", ehr.name);
        assert_eq!(
            creates(&p, ehr),
            2,
            "{}: nothing sent after the drop",
            ehr.name
        );
        // The check for copies left due runs.
        p.ok(json!({"type": "jobs/tick"}));
        let job = p.ok(json!({"type": "jobs/get", "id": v["job"]["id"]}));
        let kept = job["receipt"]["note_id"].as_str().unwrap_or_default();
        let others: Vec<String> = live_notes(&p, ehr, &patient, &r)
            .into_iter()
            .filter(|id| id != kept)
            .collect();
        // One note for the clinician: the copy is archived where the EHR can, else the receipt
        // names it for the clinician to delete.
        let id = if ehr.name == "cliniko" {
            EhrId::Cliniko
        } else {
            EhrId::Nookal
        };
        let copies = &job["receipt"]["extra_copies"];
        assert_eq!(
            copies.as_array().map(Vec::len),
            Some(1),
            "{}: {job}",
            ehr.name
        );
        assert_eq!(job["receipt"]["copies_archived"], json!(id.can_archive()));
        if id.can_archive() {
            assert_eq!(others, Vec::<String>::new(), "{}: {job}", ehr.name);
        } else {
            assert_eq!(copies, &json!(others), "{}", ehr.name);
        }
    }
}

#[test]
fn a_worker_stopped_mid_send_resumes_from_storage_without_a_duplicate() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let r = push_ref(6);
        p.crash_on_post.set(true);
        let out = run_until_crash(&p, p.handle(push(ehr, &patient, NOTE, &r)));
        assert!(out.is_none(), "{}: the worker stopped mid-send", ehr.name);
        assert_eq!(
            live_notes(&p, ehr, &patient, &r).len(),
            1,
            "the server has it"
        );
        // The worker's memory is gone; storage and the server survive.
        p.restart_worker();
        p.advance(60_000);
        let tick = p.ok(json!({"type": "jobs/tick"}));
        assert_eq!(tick["landed"], 1, "{}: {tick}", ehr.name);
        assert_eq!(only_job(&p)["state"], "done");
        assert_eq!(live_notes(&p, ehr, &patient, &r).len(), 1, "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 1, "{}", ehr.name);
    }
}

#[test]
fn the_same_note_again_asks_first_and_pushes_only_when_confirmed() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let first = p.ok(push(ehr, &patient, NOTE, &push_ref(7)));
        assert_eq!(first["job"]["state"], "done", "{}", ehr.name);
        // Re-wrapped, same words: the same fingerprint, under a new push reference.
        let rewrapped = NOTE.replace(". ", ".\n");
        let ask = p.ok(push(ehr, &patient, &rewrapped, &push_ref(8)));
        assert_eq!(
            ask["needs_confirmation"]["reason"], "same_fingerprint",
            "{}: {ask}",
            ehr.name
        );
        assert_eq!(ask["job"], Value::Null);
        assert_eq!(
            creates(&p, ehr),
            1,
            "{}: nothing sent without the answer",
            ehr.name
        );
        let mut again = push(ehr, &patient, &rewrapped, &push_ref(8));
        again["confirm_duplicate"] = json!(true);
        assert_eq!(p.ok(again)["job"]["state"], "done", "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 2, "{}", ehr.name);
    }
}

#[test]
fn the_same_push_sent_again_after_it_landed_is_the_same_job_not_a_question() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let first = p.ok(push(ehr, &patient, NOTE, &push_ref(9)));
        assert_eq!(first["job"]["state"], "done", "{}", ehr.name);
        // A double click or a reopened popup repeats the message: same reference, same job.
        let again = p.ok(push(ehr, &patient, NOTE, &push_ref(9)));
        assert_eq!(
            again["needs_confirmation"],
            Value::Null,
            "{}: {again}",
            ehr.name
        );
        assert_eq!(again["job"]["id"], first["job"]["id"], "{}", ehr.name);
        assert_eq!(again["job"]["state"], "done", "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 1, "{}", ehr.name);
    }
}

#[test]
fn only_no_answer_or_a_5xx_may_have_created_a_record_for_every_ehr() {
    for ehr in [EhrId::Cliniko, EhrId::Nookal] {
        let net = TransportError::Network {
            detail: "reset".into(),
        };
        assert!(Error::Transport(TransportError::Timeout).may_have_created());
        assert!(Error::Transport(net).may_have_created());
        assert!(Error::Server { ehr, status: 503 }.may_have_created());
        assert!(!Error::Transport(TransportError::Offline).may_have_created());
        assert!(!Error::Unauthorized(ehr).may_have_created());
        assert!(!Error::RateLimited { ehr, wait_s: 3 }.may_have_created());
        let refused = Error::Refused {
            ehr,
            message: "no".into(),
        };
        assert!(!refused.may_have_created());
    }
}

// ---- Issue 16: the outbox survives the browser closing ------------------------------------------

const SESSION_URL: &str = "https://app.motics.ai/sessions/s-1001";

/// `push/start` as the popup sends it, from a Motics session.
fn push_from_session(ehr: &Ehr, patient: &Value, text: &str, r: &str) -> Value {
    let mut m = push(ehr, patient, text, r);
    m["session_url"] = json!(SESSION_URL);
    m["session_id"] = json!("s-1001");
    // These notes share a title on purpose; the duplicate question is tested above.
    m["confirm_duplicate"] = json!(true);
    m
}

/// `push/resume` as the popup sends it after reading the session's note again.
fn resume(id: &Value, patient: &Value, text: &str) -> Value {
    json!({"type": "push/resume", "id": id, "source": source(text), "patient": patient})
}

/// Words of the note and of the patient's name: none may reach `storage.local`.
fn assert_nothing_private_on_disk(p: &SandboxPlatform, ehr: &Ehr, patient: &Value, when: &str) {
    let disk = p.local_storage_text();
    for word in ["gardening", "stretches", "Sore neck"] {
        assert!(
            !disk.contains(word),
            "{} {when}: note text on disk: {disk}",
            ehr.name
        );
    }
    for field in ["first_name", "last_name"] {
        let name = patient[field].as_str().unwrap_or_default();
        assert!(
            name.len() < 2 || !disk.contains(name),
            "{} {when}: patient name on disk: {disk}",
            ehr.name
        );
    }
}

/// The job records on disk (ids).
fn records(p: &SandboxPlatform) -> Vec<String> {
    p.storage
        .get(
            motics_push::platform::StorageArea::Local,
            motics_push::push::record::STORAGE_KEY,
        )
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_job_state_keeps_a_record_on_disk_that_cannot_rebuild_the_note() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let state = |id: &Value| p.ok(json!({"type": "jobs/get", "id": id}))["state"].clone();
        // sending, when the worker stopped mid-POST (the EHR has the note)
        p.crash_on_post.set(true);
        let text = "Sore neck, gardening; stretches.";
        let crashed = run_until_crash(
            &p,
            p.handle(push_from_session(ehr, &patient, text, &push_ref(23))),
        );
        assert!(
            crashed.is_none(),
            "{}: the worker stopped mid-send",
            ehr.name
        );
        p.restart_worker();
        assert_nothing_private_on_disk(&p, ehr, &patient, "sending");
        assert_eq!(records(&p).len(), 1, "{}", ehr.name);
        // queued (nothing sent yet)
        let queued = p.ok(json!({"type": "push/queue", "items": [push_from_session(ehr, &patient, NOTE, &push_ref(20))]}));
        let q = queued[0]["job"]["id"].clone();
        assert_eq!(state(&q), "queued", "{}", ehr.name);
        assert_nothing_private_on_disk(&p, ehr, &patient, "queued");
        // A push the EHR answers `status` (the fault set first).
        let failing = |status: u16, text: &str, i: usize| {
            fault(&p, ehr, FaultKind::Status, status, 1, 0);
            p.ok(push_from_session(ehr, &patient, text, &push_ref(i)))["job"]["id"].clone()
        };
        // retry_wait (a 503)
        let w = failing(503, "Sore neck. Heat and stretches.", 21);
        assert_eq!(state(&w), "retry_wait", "{}", ehr.name);
        assert_nothing_private_on_disk(&p, ehr, &patient, "retry_wait");
        // needs_reconnect (a 401)
        let r = failing(401, "Gardening again; stretches daily.", 22);
        assert_eq!(state(&r), "needs_reconnect", "{}", ehr.name);
        assert_nothing_private_on_disk(&p, ehr, &patient, "needs_reconnect");
        assert_eq!(
            records(&p).len(),
            4,
            "{}: one record per unfinished job",
            ehr.name
        );
        // interrupted and unfinished: after the browser restarts
        p.restart_browser();
        let listed = p.ok(json!({"type": "jobs/list"}));
        assert!(
            listed
                .as_array()
                .is_some_and(|j| j.len() == 4 && j.iter().all(|j| j["state"] == "interrupted")),
            "{}: {listed}",
            ehr.name
        );
        assert_nothing_private_on_disk(&p, ehr, &patient, "interrupted");
        (ehr.connect)(&p); // the key pasted again after the 401; also runs the start-up tick
        p.ok(json!({"type": "jobs/tick"}));
        assert_nothing_private_on_disk(&p, ehr, &patient, "unfinished");
        // done: the crashed one had landed; its record is gone with its landing.
        let jobs = p.ok(json!({"type": "jobs/list"}));
        let states: Vec<&str> = jobs
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|j| j["state"].as_str())
            .collect();
        assert_eq!(
            states,
            ["done", "unfinished", "unfinished", "unfinished"],
            "{}: {jobs}",
            ehr.name
        );
        assert_eq!(records(&p).len(), 3, "{}: {jobs}", ehr.name);
        // discarded: gone from disk; "Remove key": every record of that EHR gone.
        p.ok(json!({"type": "jobs/discard", "id": q}));
        assert_eq!(records(&p).len(), 2, "{}", ehr.name);
        p.ok(json!({"type": "connection/remove", "ehr": ehr.name}));
        assert!(records(&p).is_empty(), "{}", ehr.name);
        assert!(
            !p.local_storage_text().contains("push.records"),
            "{}: no outbox key left on disk",
            ehr.name
        );
    }
}

#[test]
fn after_a_browser_restart_a_landed_push_is_found_and_the_rest_wait_for_resume() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        // Created, but the reply never arrived (the worker stopped once the EHR had saved it).
        p.crash_on_post.set(true);
        let m = push_from_session(ehr, &patient, NOTE, &push_ref(30));
        assert!(run_until_crash(&p, p.handle(m)).is_none(), "{}", ehr.name);
        p.restart_worker();
        let landed = p.ok(json!({"type": "jobs/list"}))[0].clone();
        assert_eq!(landed["state"], "sending", "{}: {landed}", ehr.name);
        // Not created (the EHR was down).
        fault(&p, ehr, FaultKind::Status, 503, 2, 0);
        let same = "Sore neck again.\n\nHeat, stretches.";
        let b = p.ok(push_from_session(ehr, &patient, same, &push_ref(31)))["job"].clone();
        let c = p.ok(push_from_session(
            ehr,
            &patient,
            "Stiff after gardening.",
            &push_ref(32),
        ))["job"]
            .clone();
        assert_eq!(c["state"], "retry_wait", "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 3, "{}", ehr.name);

        p.restart_browser();
        p.advance(3_600_000);
        p.ok(json!({"type": "jobs/tick"})); // what the browser's start-up runs
        let get = |j: &Value| p.ok(json!({"type": "jobs/get", "id": j["id"]}));
        let a = get(&landed);
        assert_eq!(a["state"], "done", "{}: {a}", ehr.name);
        assert_eq!(a["receipt"]["before_close"], true, "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 3, "{}: found, not sent again", ehr.name);
        assert_eq!(live_notes(&p, ehr, &patient, &push_ref(30)).len(), 1);
        for j in [&b, &c] {
            let j = get(j);
            assert_eq!(j["state"], "unfinished", "{}: {j}", ehr.name);
            assert_eq!(j["session_url"], SESSION_URL, "{}", ehr.name);
        }
        assert_eq!(p.badge.get(), 2, "{}", ehr.name);
        // Retry can't send a note it no longer has: it says to resume from the session.
        let e = p.call(json!({"type": "jobs/retry", "id": b["id"]}));
        assert_eq!(e["error"]["kind"], "note_gone", "{}: {e}", ehr.name);
        assert_eq!(e["error"]["params"][0], a["ehr_name"], "{}", ehr.name);

        // The same note read again: sent on under the same reference, exactly once.
        let resumed = p.ok(resume(&b["id"], &patient, same));
        assert_eq!(resumed["job"]["state"], "done", "{}: {resumed}", ehr.name);
        assert_eq!(resumed["job"]["push_ref"], push_ref(31));
        assert_eq!(live_notes(&p, ehr, &patient, &push_ref(31)).len(), 1);
        // Resumed again (a double click): the same job, no second note.
        let again = p.ok(resume(&b["id"], &patient, same));
        assert_eq!(again["job"]["state"], "done", "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 4, "{}", ehr.name);

        // The note was edited since: nothing is sent; a new preview and confirmation follow.
        let changed = p.ok(resume(&c["id"], &patient, "Stiff after gardening. Edited."));
        assert_eq!(changed, json!({"changed": true}), "{}", ehr.name);
        assert_eq!(creates(&p, ehr), 4, "{}", ehr.name);
        assert_eq!(get(&c)["state"], "unfinished", "{}", ehr.name);
        // Another patient's screen can't resume it.
        let mut other = patient.clone();
        other["id"] = json!("999999");
        let e = p.call(resume(&c["id"], &other, "Stiff after gardening."));
        assert_eq!(e["ok"], false, "{}", ehr.name);
        assert_nothing_private_on_disk(&p, ehr, &patient, "after resume");
    }
}

#[test]
fn an_extension_reload_mid_queue_loses_nothing() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let items: Vec<Value> = (40..43)
            .map(|i| {
                push_from_session(
                    ehr,
                    &patient,
                    &format!("{NOTE}\n\nVisit {i}."),
                    &push_ref(i),
                )
            })
            .collect();
        let started = p.ok(json!({"type": "push/queue", "items": items}));
        assert_eq!(started.as_array().map(Vec::len), Some(3));
        p.restart_browser(); // runtime.reload(): storage.session is cleared as on a browser restart
        p.ok(json!({"type": "jobs/tick"}));
        let jobs = p.ok(json!({"type": "jobs/list"}));
        assert_eq!(
            jobs.as_array().map(Vec::len),
            Some(3),
            "{}: {jobs}",
            ehr.name
        );
        for (n, i) in (40..43).enumerate() {
            let id = &started[n]["job"]["id"];
            let r = p.ok(resume(id, &patient, &format!("{NOTE}\n\nVisit {i}.")));
            assert_eq!(r["job"]["state"], "done", "{}: {r}", ehr.name);
            assert_eq!(live_notes(&p, ehr, &patient, &push_ref(i)).len(), 1);
        }
        assert_eq!(creates(&p, ehr), 3, "{}", ehr.name);
        assert_eq!(p.badge.get(), 0);
        assert!(records(&p).is_empty(), "{}", ehr.name);
    }
}

#[test]
fn a_500_then_a_503_then_a_201_lands_within_seconds_with_no_click() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        fault(&p, ehr, FaultKind::Status, 500, 1, 0);
        fault(&p, ehr, FaultKind::Status, 503, 1, 0);
        let started_at = p.now.get();
        let v = p.ok(push(ehr, &patient, NOTE, &push_ref(50)));
        assert_eq!(v["job"]["state"], "retry_wait", "{}: {v}", ehr.name);
        let wait = v["job"]["next_at_ms"].as_i64().unwrap_or_default() - p.now.get();
        assert!(
            (500..=1_500).contains(&wait),
            "{}: the first retry is about 1 s away: {wait}",
            ehr.name
        );
        // The tick the background runs after the reply waits out the quick retries itself.
        let tick = p.ok(json!({"type": "jobs/tick"}));
        assert_eq!(tick["landed"], 1, "{}: {tick}", ehr.name);
        assert!(
            p.now.get() - started_at < 10_000,
            "{}: landed within 10 s",
            ehr.name
        );
        assert_eq!(creates(&p, ehr), 3, "{}", ehr.name);
        assert_eq!(
            live_notes(&p, ehr, &patient, &push_ref(50)).len(),
            1,
            "{}",
            ehr.name
        );
    }
}

#[test]
fn the_click_reads_each_slot_once_and_all_at_once() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let msg = push(ehr, &patient, NOTE, &push_ref(70));
        // The popup's preflight carries the push: it is prepared while the preview is read.
        let mut whole = msg.clone();
        whole.as_object_mut().map(|o| o.remove("type"));
        p.ok(
            json!({"type": "push/preflight", "ehr": ehr.name, "patient": patient,
            "title": TITLE, "push": whole}),
        );
        p.slow_storage.set(true);
        p.loads.borrow_mut().clear();
        p.read_rounds.set(0);
        let v = p.ok(msg);
        assert_eq!(v["job"]["state"], json!("done"), "{}: {v}", ehr.name);
        let loads = p.loads.borrow().clone();
        let mut slots = loads.clone();
        slots.sort();
        slots.dedup();
        assert_eq!(
            slots.len(),
            loads.len(),
            "{}: a slot read twice: {loads:?}",
            ehr.name
        );
        // The key, connection and flags (for the prepared job, the title check's "no" and the
        // create), the outbox and the receipts: five reads, issued together.
        assert_eq!(loads.len(), 5, "{}: {loads:?}", ehr.name);
        assert_eq!(p.read_rounds.get(), 1, "{}: {loads:?}", ehr.name);
    }
}

// ---- Issue 18: the history queue handed over in slices ------------------------------------------

/// `push/queue` with these (text, push reference) items, as the popup sends one slice.
fn queue_slice(ehr: &Ehr, patient: &Value, items: &[(&str, usize)], confirm: bool) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|(text, i)| {
            let mut m = push_from_session(ehr, patient, text, &push_ref(*i));
            m.as_object_mut().map(|o| o.remove("type"));
            m["confirm_duplicate"] = json!(confirm);
            m
        })
        .collect();
    json!({"type": "push/queue", "items": items})
}

/// One live note for each of these push references, from one create each, and no record left.
fn assert_each_landed_once(
    p: &SandboxPlatform,
    ehr: &Ehr,
    patient: &Value,
    refs: std::ops::Range<usize>,
) {
    let n = refs.len();
    for i in refs {
        let notes = live_notes(p, ehr, patient, &push_ref(i));
        assert_eq!(notes.len(), 1, "{}: {}", ehr.name, push_ref(i));
    }
    assert_eq!(creates(p, ehr), n, "{}", ehr.name);
    assert!(records(p).is_empty(), "{}", ehr.name);
}

#[test]
fn a_queue_in_slices_is_checked_across_them_and_each_note_lands_once() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let [t0, t1, t2, t3] = [0, 1, 2, 3].map(|i| format!("{NOTE}\n\nVisit {i}."));
        let first = p.ok(queue_slice(
            ehr,
            &patient,
            &[(&t0, 80), (&t1, 81), (&t2, 82)],
            false,
        ));
        // The same push twice in one slice is one job; the same note under a new reference asks.
        let second = p.ok(queue_slice(
            ehr,
            &patient,
            &[(&t3, 83), (&t3, 83), (&t3, 84)],
            false,
        ));
        assert_eq!(
            second[0]["job"]["id"], second[1]["job"]["id"],
            "{}: {second}",
            ehr.name
        );
        assert_eq!(
            second[2]["needs_confirmation"]["reason"], "same_fingerprint",
            "{}: {second}",
            ehr.name
        );
        // A slice sent again (the popup's message repeated): the jobs it already made.
        let again = p.ok(queue_slice(ehr, &patient, &[(&t1, 81)], false));
        assert_eq!(
            again[0]["job"]["id"], first[1]["job"]["id"],
            "{}: {again}",
            ehr.name
        );
        let ids: Vec<Value> = first
            .as_array()
            .into_iter()
            .flatten()
            .chain(second.as_array().into_iter().flatten().take(1))
            .map(|s| s["job"]["id"].clone())
            .collect();
        assert_eq!(
            p.ok(json!({"type": "jobs/list"})).as_array().map(Vec::len),
            Some(4)
        );
        assert_eq!(
            records(&p).len(),
            4,
            "{}: a record per queued job",
            ehr.name
        );
        assert_eq!(p.badge.get(), 4, "{}", ehr.name);
        assert_nothing_private_on_disk(&p, ehr, &patient, "queued in slices");
        for id in &ids {
            assert_eq!(
                tick_until_settled(&p, id, 20)["state"],
                "done",
                "{}",
                ehr.name
            );
        }
        assert_each_landed_once(&p, ehr, &patient, 80..84);
    }
}

#[test]
fn a_browser_restart_between_slices_loses_nothing() {
    for ehr in &EHRS {
        let (p, patient) = setup(ehr);
        let [t0, t1, t2, t3] = [0, 1, 2, 3].map(|i| format!("{NOTE}\n\nVisit {i}."));
        let first = p.ok(queue_slice(ehr, &patient, &[(&t0, 90), (&t1, 91)], true));
        // The popup closed and the browser restarted before the next slice was handed over.
        p.restart_browser();
        let second = p.ok(queue_slice(ehr, &patient, &[(&t2, 92), (&t3, 93)], true));
        p.ok(json!({"type": "jobs/tick"}));
        let jobs = p.ok(json!({"type": "jobs/list"}));
        let state = |s: &Value| {
            let id = &s["job"]["id"];
            jobs.as_array()
                .into_iter()
                .flatten()
                .find(|j| &j["id"] == id)
                .map(|j| j["state"].clone())
        };
        // The acknowledged slice's notes wait for Resume push (their text went with the
        // session); the next slice's were sent.
        for s in first.as_array().into_iter().flatten() {
            assert_eq!(state(s), Some(json!("unfinished")), "{}: {jobs}", ehr.name);
        }
        for s in second.as_array().into_iter().flatten() {
            assert_eq!(state(s), Some(json!("done")), "{}: {jobs}", ehr.name);
        }
        for (n, t) in [&t0, &t1].into_iter().enumerate() {
            let r = p.ok(resume(&first[n]["job"]["id"], &patient, t));
            assert_eq!(r["job"]["state"], "done", "{}: {r}", ehr.name);
        }
        assert_each_landed_once(&p, ehr, &patient, 90..94);
    }
}
