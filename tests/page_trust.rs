//! Issue 15, the rules the core enforces on what a page says, end to end through the background's
//! dispatcher (`app::handle`) against the in-process sandbox: only Motics may name things (§4),
//! pre-selections belong to origin + session (§5), `{patient}` is the chosen patient (§6), and
//! receipts expire and can be cleared per EHR (§8).
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use push_support::{SandboxPlatform, push_ref};
use serde_json::{Value, json};

const MOTICS: &str = "https://app.motics.ai";

/// A selection read on another site that dresses itself up as a Motics session.
fn foreign_source() -> Value {
    json!({"format": "text", "text": "Subjective: knee pain\nPlan: rest", "meta": {
        "author": "Dr Mallory Forged", "created_at": "2020-01-01T00:00:00Z", "session_id": "s-1001",
        "patient_name": "Page Patient", "patient_dob": "1999-09-09", "origin": "selection",
        "site": "notes.example.org"}})
}

fn prepare(p: &SandboxPlatform, source: Value, extra: Value) -> Value {
    // `copy`: the plain text too, which these tests read (Copy note asks for it the same way).
    let mut m = json!({"type": "note/prepare", "source": source, "date_display": "01/10/2025", "copy": true});
    if let (Some(m), Value::Object(extra)) = (m.as_object_mut(), extra) {
        m.extend(extra);
    }
    p.ok(m)
}

#[test]
fn a_note_from_another_site_names_that_site_and_the_connected_user_not_the_page() {
    let p = SandboxPlatform::new();
    p.connect();
    let user =
        p.ok(json!({"type": "connection/status", "ehr": "cliniko"}))["connection"]["user_name"]
            .as_str()
            .expect("a connected user")
            .to_string();
    let v = prepare(&p, foreign_source(), json!({}));
    let text = v["text"].as_str().expect("text");
    assert!(text.contains("Pushed from notes.example.org"), "{text}");
    assert!(!text.contains("Pushed from Motics"), "{text}");
    assert!(text.contains(&format!("Written by {user}")), "{text}");
    for said in ["Mallory", "Page Patient", "1999-09-09", "2020-01-01"] {
        assert!(
            !v.to_string().contains(said),
            "the page's {said} was kept: {v}"
        );
    }
    for k in [
        "author",
        "created_at",
        "session_id",
        "patient_name",
        "patient_dob",
    ] {
        assert_eq!(v["meta"][k], Value::Null, "{k}");
    }

    // What is sent is what was shown: the pushed note says the same.
    let patient = p.patients(1).remove(0);
    let r = push_ref(1);
    let job = p.ok(json!({"type": "push/start", "ehr": "cliniko", "source": foreign_source(), "patient": patient,
        "title": "Note", "draft": true, "template_id": null, "push_ref": r, "confirm_duplicate": false}));
    assert_eq!(job["job"]["state"], json!("done"), "{job}");
    let sent =
        p.sb.borrow()
            .cliniko_notes()
            .into_iter()
            .find(|n| n.content.to_string().contains(&format!("ref {r}")))
            .expect("the note landed");
    let content = sent.content.to_string();
    assert!(
        content.contains("Pushed from notes.example.org"),
        "{content}"
    );
    assert!(content.contains(&format!("Written by {user}")), "{content}");
    assert!(!content.contains("Mallory"), "{content}");
}

#[test]
fn a_motics_note_keeps_its_author_and_footer() {
    let p = SandboxPlatform::new();
    p.connect();
    let mut src = foreign_source();
    src["meta"]["site"] = Value::Null;
    let v = prepare(&p, src.clone(), json!({}));
    let text = v["text"].as_str().expect("text");
    assert!(text.contains("Written by Dr Mallory Forged"), "{text}");
    assert!(text.contains("Pushed from Motics"), "{text}");
    assert!(
        v["html"]
            .as_str()
            .expect("html")
            .contains("Written by Dr Mallory Forged")
    );
    // What the popup asks when it opens: the preview, without the forms only Copy note needs.
    let shown = prepare(&p, src, json!({"copy": false}));
    assert_eq!(
        (shown.get("html"), shown.get("text")),
        (None, None),
        "{shown}"
    );
    assert!(
        shown["preview"]
            .to_string()
            .contains("Written by Dr Mallory Forged"),
        "{shown}"
    );
}

#[test]
fn a_pre_selection_is_not_handed_to_another_origin_with_the_same_session_id() {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    let motics = json!({"origin": MOTICS, "session_id": "s-1001", "tab_id": 1, "url": format!("{MOTICS}/sessions/s-1001")});
    p.ok(json!({"type": "preselect/set", "ehr": "cliniko", "scope": motics, "patient": patient}));
    assert_eq!(
        p.ok(json!({"type": "preselect/get", "ehr": "cliniko", "scope": motics}))["id"],
        patient["id"]
    );
    // A patient id belongs to the EHR it was found in: Nookal gets nothing for this session.
    assert_eq!(
        p.ok(json!({"type": "preselect/get", "ehr": "nookal", "scope": motics})),
        Value::Null
    );
    let copy = json!({"origin": "https://copy.example", "session_id": "s-1001", "tab_id": 2,
        "url": "https://copy.example/sessions/s-1001"});
    assert_eq!(
        p.ok(json!({"type": "preselect/get", "ehr": "cliniko", "scope": copy})),
        Value::Null
    );
}

#[test]
fn the_title_names_the_chosen_patient_never_the_page_s() {
    let p = SandboxPlatform::new();
    p.connect();
    p.ok(json!({"type": "settings/set", "settings": {"title_template": "{patient} – {date}", "draft": true, "template_id": null}}));
    let mut src = foreign_source();
    src["meta"]["site"] = Value::Null; // a Motics page that names someone
    let before = prepare(&p, src.clone(), json!({}));
    assert!(
        !before["title"]
            .as_str()
            .unwrap_or_default()
            .contains("Page Patient"),
        "{before}"
    );
    let chosen = prepare(&p, src, json!({"patient_name": "Chosen Person"}));
    assert_eq!(chosen["title"], json!("Chosen Person – 01/10/2025"));
}

#[test]
fn receipts_expire_after_30_days_and_clear_per_ehr() {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    let job = p.ok(push_support::push_start(
        &patient,
        "Plan: rest",
        &push_ref(2),
        "A title",
    ));
    assert_eq!(job["job"]["state"], json!("done"), "{job}");
    assert_eq!(
        p.ok(json!({"type": "receipts/list"}))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // Clearing Nookal's history keeps Cliniko's; clearing Cliniko's empties it.
    p.ok(json!({"type": "receipts/clear", "ehr": "nookal"}));
    assert_eq!(
        p.ok(json!({"type": "receipts/list"}))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    p.advance(29 * 24 * 3600 * 1000);
    assert_eq!(
        p.ok(json!({"type": "receipts/list"}))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    p.advance(2 * 24 * 3600 * 1000);
    assert_eq!(p.ok(json!({"type": "receipts/list"})), json!([]));

    let job = p.ok(push_support::push_start(
        &patient,
        "Plan: ice",
        &push_ref(3),
        "Another",
    ));
    assert_eq!(job["job"]["state"], json!("done"), "{job}");
    p.ok(json!({"type": "receipts/clear", "ehr": "cliniko"}));
    assert_eq!(p.ok(json!({"type": "receipts/list"})), json!([]));
}
