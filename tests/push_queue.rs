//! Queue from history: 30 pushes, each its own note and patient, paced through a scaled-down
//! rate limit: no 429 ever surfaces as a failure and exactly 30 notes land. Short pauses (20 per
//! 6 s) are waited out inside one tick; long ones (20 per 60 s) end the tick for the alarm.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use push_support::{SandboxPlatform, push_ref, source};
use serde_json::json;

/// Queue 30 pushes under a rate limit of `limit` requests per `window_s`; returns the patients.
fn queue_thirty(p: &SandboxPlatform, limit: u32, window_s: u64) -> Vec<serde_json::Value> {
    p.connect();
    let patients = p.patients(30);
    p.sb.borrow_mut().set_config(&motics_sandbox::ConfigPatch {
        rate_limit: Some(motics_sandbox::RateLimit { limit, window_s }),
        ..Default::default()
    });
    let items: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(i, pt)| {
            json!({
                "ehr": "cliniko",
                "source": source(&format!("Session {i}: reviewed exercises; progressing well.")),
                "patient": pt,
                "title": format!("Session Summary – {i:02}/09/2025"),
                "draft": true,
                "template_id": null,
                "push_ref": push_ref(100 + i),
                "created_display": null,
                "confirm_duplicate": false,
            })
        })
        .collect();
    let queued = p.ok(json!({"type": "push/queue", "items": items}));
    assert_eq!(queued.as_array().unwrap().len(), 30);
    assert!(
        queued
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["job"]["state"] == json!("queued"))
    );
    assert_eq!(p.badge.get(), 30);
    assert_eq!(p.posts(), 0, "queueing sends nothing");
    patients
}

/// Tick (and, between ticks, jump to the wakeup the outbox asked for) until every job is done
/// and checked; returns how many extra ticks that took.
fn drain(p: &SandboxPlatform) -> usize {
    let mut ticks = 0;
    loop {
        let reply = p.ok(json!({"type": "jobs/tick"}));
        let jobs = reply["jobs"].as_array().unwrap().clone();
        for j in &jobs {
            assert_ne!(j["state"], json!("failed"), "{j}");
            if let Some(kind) = j["error"]["kind"].as_str() {
                assert_eq!(kind, "rate_limited", "only rate limits along the way: {j}");
            }
            assert_eq!(j["attempts"], json!(0), "a 429 is never a failed attempt");
        }
        let settled = jobs
            .iter()
            .all(|j| j["state"] == json!("done") && j["receipt"]["verified"] == json!(true));
        if settled {
            return ticks;
        }
        ticks += 1;
        assert!(ticks < 100, "the queue must drain");
        let at = p.wakeups.borrow().last().copied().unwrap();
        p.now.set(p.now.get().max(at));
    }
}

/// Exactly one live note per job, on its own patient, from exactly one POST each.
fn assert_landed_once_each(p: &SandboxPlatform, patients: &[serde_json::Value]) {
    assert_eq!(p.badge.get(), 0);
    let mut patients_hit = std::collections::BTreeSet::new();
    for (i, pt) in patients.iter().enumerate() {
        let notes = p.notes_with_ref(&push_ref(100 + i));
        assert_eq!(notes.len(), 1, "job {i}: {notes:?}");
        assert!(!notes[0].2);
        assert_eq!(notes[0].1, pt["id"].as_str().unwrap());
        patients_hit.insert(notes[0].1.clone());
    }
    assert_eq!(patients_hit.len(), 30);
    assert_eq!(
        p.posts(),
        30,
        "one POST per note: a 429'd POST is never processed"
    );
}

#[test]
fn a_queue_of_thirty_lands_exactly_once_each_within_the_rate_limit() {
    let p = SandboxPlatform::new();
    let patients = queue_thirty(&p, 20, 6);
    let start = p.now.get();
    assert_eq!(
        drain(&p),
        0,
        "one tick: the few-second pauses are waited out inside it"
    );
    assert!(p.log().len() > 20, "more requests than one window allows");
    assert!(
        p.now.get() - start >= 6_000,
        "the limit was actually reached and waited out"
    );
    assert_landed_once_each(&p, &patients);
}

#[test]
fn a_long_rate_limit_pause_ends_the_tick_and_the_alarm_resumes() {
    let p = SandboxPlatform::new();
    let patients = queue_thirty(&p, 20, 60);
    let extra_ticks = drain(&p);
    assert!(extra_ticks > 0, "a 60 s window is left to the alarm");
    assert_landed_once_each(&p, &patients);
}

#[test]
fn a_queue_slice_reads_the_outbox_twice_whatever_its_length() {
    // Issue 18: each note used to be one read-and-write of the whole outbox, so a long queue
    // handed over held (and re-encoded) the growing outbox once per note.
    let p = SandboxPlatform::new();
    p.connect();
    let patients = p.patients(3);
    let outbox_reads = || {
        p.loads
            .borrow()
            .iter()
            .filter(|(area, key)| area == "session" && key == "push.outbox")
            .count()
    };
    for slice in 0..2 {
        let items: Vec<_> = (0..15)
            .map(|i| {
                let n = slice * 15 + i;
                json!({
                    "ehr": "cliniko", "source": source(&format!("Session {n}: progressing well.")),
                    "patient": patients[n % 3], "title": format!("Queued {n}"), "draft": true,
                    "push_ref": push_ref(300 + n), "confirm_duplicate": false,
                })
            })
            .collect();
        let before = outbox_reads();
        let queued = p.ok(json!({"type": "push/queue", "items": items}));
        assert_eq!(queued.as_array().map(Vec::len), Some(15));
        assert_eq!(
            outbox_reads() - before,
            2,
            "slice {slice}: one read to check the slice, one to add it (under the write lock)"
        );
    }
    let jobs = p.ok(json!({"type": "jobs/list"}));
    assert_eq!(jobs.as_array().map(Vec::len), Some(30), "{jobs}");
    assert_eq!(p.badge.get(), 30);
}
