//! Queue from history: 30 pushes, each its own note and patient, paced through a scaled-down
//! rate limit (20 requests per 6 s): no 429 ever surfaces as a failure and exactly 30 notes land.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use push_support::{SandboxPlatform, push_ref, source};
use serde_json::json;

#[test]
fn a_queue_of_thirty_lands_exactly_once_each_within_the_rate_limit() {
    let p = SandboxPlatform::new();
    p.connect();
    let patients = p.patients(30);
    p.sb.borrow_mut().set_config(&motics_sandbox::ConfigPatch {
        rate_limit: Some(motics_sandbox::RateLimit {
            limit: 20,
            window_s: 6,
        }),
        ..Default::default()
    });
    let items: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(i, pt)| {
            json!({
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
            break;
        }
        ticks += 1;
        assert!(ticks < 100, "the queue must drain");
        let at = p.wakeups.borrow().last().copied().unwrap();
        p.now.set(p.now.get().max(at));
    }
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
    assert!(ticks > 0, "the limit was actually reached and waited out");
}
