//! The diary workflow (issue 14), one test body run for each EHR through the background's
//! dispatcher against the in-process sandbox: list → choose → push linked → exactly one note,
//! the link in the request, the appointment's status; a link to another patient's appointment
//! is refused before any request; the diary failing leaves search and push working; history
//! sessions pair only where exactly one appointment fits.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_push::push::time::parse_iso_ms;
use motics_sandbox::ConfigPatch;
use push_support::{SandboxPlatform, push_ref, source};
use serde_json::{Value, json};

/// What differs per EHR.
struct Ehr {
    name: &'static str,
    connect: fn(&SandboxPlatform),
    /// The path of the request that creates a note.
    create_path: &'static str,
    /// How the link appears in the create request's body.
    link_field: fn(&str) -> String,
    /// The note status the diary reports for an appointment without a note.
    no_note: &'static str,
    /// A search that finds a patient.
    query: &'static str,
}

const EHRS: [Ehr; 2] = [
    Ehr {
        name: "cliniko",
        connect: SandboxPlatform::connect,
        create_path: "/v1/treatment_notes",
        link_field: |id| format!("\"booking_id\":\"{id}\""),
        no_note: "no_note",
        query: "James Smith",
    },
    Ehr {
        name: "nookal",
        connect: |p| drop(p.connect_nookal()),
        create_path: "/production/v2/addTreatmentNote",
        link_field: |id| format!("appt_id={id}"),
        // Nookal v2's appointments carry no note status.
        no_note: "unknown",
        query: "Aroha Ngāta",
    },
];

fn t(iso: &str) -> i64 {
    parse_iso_ms(iso).unwrap()
}

/// A connected host whose clock is just after the 10:32 session of 3 November 2025.
fn setup(ehr: &Ehr) -> SandboxPlatform {
    let p = SandboxPlatform::new();
    (ehr.connect)(&p);
    p.now.set(t("2025-11-03T10:40:00Z"));
    p
}

fn list(p: &SandboxPlatform, ehr: &Ehr, session: &str, refresh: bool) -> Value {
    p.ok(
        json!({"type": "appointments/list", "ehr": ehr.name, "session_ms": t(session),
        "utc_offset_min": 0, "refresh": refresh}),
    )
}

fn appointment(row: &Value) -> Value {
    json!({"id": row["id"], "kind": row["kind"], "group_id": row["group_id"], "starts_ms": row["starts_ms"]})
}

fn push(ehr: &Ehr, patient: &Value, row: &Value, r: &str) -> Value {
    json!({
        "type": "push/start", "ehr": ehr.name, "source": source("# Plan\nReview in 2 weeks."),
        "patient": patient, "title": "Session Summary – 03/11/2025", "draft": true, "push_ref": r,
        "created_display": "03/11/2025, 10:32 am", "utc_offset_min": 0,
        "appointment": appointment(row),
    })
}

fn creates(p: &SandboxPlatform, ehr: &Ehr) -> Vec<String> {
    p.sb.borrow()
        .requests(None, Some(ehr.create_path))
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body)
        .collect()
}

fn rows(v: &Value) -> Vec<Value> {
    v["rows"].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_session_finds_its_appointment_and_the_note_links_to_it() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let sent_before = p.log().len();
        let l = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        let made = l["requests_made"].as_u64().unwrap();
        assert_eq!(
            made as usize,
            p.log().len() - sent_before,
            "{}: counted",
            ehr.name
        );
        // As few requests as the API allows for a day under a page long: Cliniko lists
        // appointments, classes, attendees, types and patients once each (ids batched); Nookal
        // has no patients-by-ids call, so one card per distinct patient after one diary page.
        let patients: std::collections::HashSet<String> = rows(&l)
            .iter()
            .map(|r| r["patient_id"].as_str().unwrap().to_string())
            .collect();
        let expected = if ehr.name == "cliniko" {
            5
        } else {
            1 + patients.len() as u64
        };
        assert_eq!(made, expected, "{}", ehr.name);
        assert_eq!(l["needs_practitioner"], json!(false));
        let rows = rows(&l);
        let best = rows[0].clone();
        assert_eq!(
            best["best"],
            json!(true),
            "{}: best first: {best}",
            ehr.name
        );
        assert_eq!(l["best_key"], best["key"]);
        assert_eq!(best["starts_ms"], json!(t("2025-11-03T10:30:00Z")));
        assert_eq!(best["note"], json!(ehr.no_note));
        assert_eq!(best["type_name"], json!("Initial consult"));
        assert!(best["id"].is_string() && best["patient_id"].is_string());
        let card = best["patient"].clone();
        assert_eq!(
            card["id"], best["patient_id"],
            "{}: the card is the patient's",
            ehr.name
        );
        assert!(card["date_of_birth"].is_string(), "{}: {card}", ehr.name);
        // The cancelled 10:30 never shows.
        let at_1030 = rows
            .iter()
            .filter(|r| r["starts_ms"] == best["starts_ms"])
            .count();
        assert_eq!(at_1030, 1, "{}", ehr.name);
        // Same-name patients are told apart by time and date of birth.
        let twin = rows
            .iter()
            .find(|r| r["starts_ms"] == json!(t("2025-11-03T10:00:00Z")))
            .expect("the 10:00 appointment");
        assert_eq!(twin["patient"]["last_name"], card["last_name"]);
        assert_eq!(twin["patient"]["first_name"], card["first_name"]);
        assert_ne!(twin["patient"]["date_of_birth"], card["date_of_birth"]);
        // Nearest first after the best.
        let gaps: Vec<i64> = rows[1..]
            .iter()
            .filter(|r| r["near"] == json!(true))
            .map(|r| (r["starts_ms"].as_i64().unwrap() - t("2025-11-03T10:32:00Z")).abs())
            .collect();
        assert!(!gaps.is_empty());
        // One list per popup open: the same list again costs nothing.
        let again = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        assert_eq!(again["requests_made"], json!(0), "{}", ehr.name);
        assert_eq!(again["rows"], l["rows"]);

        // Another patient's appointment: refused before any request is sent.
        let sent_before = p.log().len();
        let r = p.call(push(ehr, &twin["patient"], &best, &push_ref(1)));
        assert_eq!(r["ok"], json!(false), "{}: {r}", ehr.name);
        assert_eq!(r["error"]["kind"], json!("appointment_mismatch"));
        assert_eq!(
            r["error"]["params"][0],
            json!(if ehr.name == "cliniko" {
                "Cliniko"
            } else {
                "Nookal"
            })
        );
        assert_eq!(p.log().len(), sent_before, "{}: nothing sent", ehr.name);

        // Choose + push: exactly one note, carrying the link.
        let started = p.ok(push(ehr, &card, &best, &push_ref(2)));
        let job = &started["job"];
        assert_eq!(job["state"], json!("done"), "{}: {started}", ehr.name);
        assert_eq!(job["appointment"]["id"], best["id"]);
        assert_eq!(job["appointment"]["starts_ms"], best["starts_ms"]);
        assert_eq!(job["appointment"]["type_name"], json!("Initial consult"));
        assert_eq!(job["receipt"]["appointment"]["id"], best["id"]);
        let bodies = creates(&p, ehr);
        assert_eq!(bodies.len(), 1, "{}: one note", ehr.name);
        let field = (ehr.link_field)(best["id"].as_str().unwrap());
        assert!(
            bodies[0].contains(&field),
            "{}: {} in {}",
            ehr.name,
            field,
            bodies[0]
        );
        let receipts = p.ok(json!({"type": "receipts/list"}));
        assert_eq!(receipts[0]["appointment"]["id"], best["id"]);
    }
}

#[test]
fn cliniko_marks_the_appointment_and_asks_before_a_second_note() {
    let ehr = &EHRS[0];
    let p = setup(ehr);
    let best = rows(&list(&p, ehr, "2025-11-03T10:32:00Z", false))[0].clone();
    p.ok(push(ehr, &best["patient"], &best, &push_ref(1)));
    // From the worker's memory (the popup reopened) and from Cliniko itself (Retry) alike.
    for refresh in [false, true] {
        let after = list(&p, ehr, "2025-11-03T10:32:00Z", refresh);
        let same = rows(&after)
            .into_iter()
            .find(|r| r["key"] == best["key"])
            .unwrap();
        assert_eq!(same["note"], json!("has_note"), "refresh {refresh}");
        assert_ne!(
            after["best_key"], best["key"],
            "a noted appointment is not suggested"
        );
    }
    let pre = p.ok(
        json!({"type": "push/preflight", "ehr": "cliniko", "patient": best["patient"],
        "title": "Another title", "appointment": appointment(&best)}),
    );
    assert_eq!(pre["reason"], json!("appointment_has_note"));
    // The same note again is asked about as that ("already pushed"), the more specific question.
    let same = p.ok(push(ehr, &best["patient"], &best, &push_ref(2)));
    assert_eq!(
        same["needs_confirmation"]["reason"],
        json!("same_fingerprint")
    );
    // Another note for the same appointment: "This appointment already has a note".
    let mut other = push(ehr, &best["patient"], &best, &push_ref(3));
    other["source"] = source("# Plan\nDischarged with a home programme.");
    let ask = p.ok(other);
    assert_eq!(
        ask["needs_confirmation"]["reason"],
        json!("appointment_has_note")
    );
    assert_eq!(creates(&p, ehr).len(), 1, "nothing sent while asking");
}

#[test]
fn a_cliniko_class_attendee_links_by_attendee_id() {
    let ehr = &EHRS[0];
    let p = setup(ehr);
    let l = list(&p, ehr, "2025-11-03T13:10:00Z", false);
    let attendees: Vec<Value> = rows(&l)
        .into_iter()
        .filter(|r| r["kind"] == json!("group_attendee"))
        .collect();
    assert_eq!(attendees.len(), 3, "each attendee a row");
    assert!(attendees.iter().all(|r| r["group_id"].is_string()));
    assert_eq!(
        l["tie"],
        json!(true),
        "three attendees at once: none highlighted"
    );
    let a = &attendees[1];
    // Read again from Cliniko by attendee id when the worker no longer holds the diary.
    p.restart_worker();
    let started = p.ok(push(ehr, &a["patient"], a, &push_ref(1)));
    assert_eq!(started["job"]["state"], json!("done"), "{started}");
    let bodies = creates(&p, ehr);
    assert!(bodies[0].contains(&format!(
        "\"attendee_id\":\"{}\"",
        a["id"].as_str().unwrap()
    )));
    assert!(!bodies[0].contains("booking_id"));
}

#[test]
fn a_link_the_worker_no_longer_holds_is_read_again_from_the_ehr() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let best = rows(&list(&p, ehr, "2025-11-03T10:32:00Z", false))[0].clone();
        p.restart_worker();
        let started = p.ok(push(ehr, &best["patient"], &best, &push_ref(1)));
        assert_eq!(
            started["job"]["appointment"]["id"], best["id"],
            "{}",
            ehr.name
        );
        // And a forged row naming the same appointment for another patient is still refused.
        p.restart_worker();
        let mut other = best["patient"].clone();
        other["id"] = json!("999999");
        let r = p.call(push(ehr, &other, &best, &push_ref(2)));
        assert_eq!(
            r["error"]["kind"],
            json!("appointment_mismatch"),
            "{}: {r}",
            ehr.name
        );
        assert_eq!(creates(&p, ehr).len(), 1, "{}", ehr.name);
    }
}

#[test]
fn the_diary_failing_says_why_and_search_and_push_still_work() {
    for ehr in &EHRS {
        let p = setup(ehr);
        // The sandbox's switch: every diary endpoint answers 500.
        p.sb.borrow_mut().config.apply(&ConfigPatch {
            diary_fails: Some(true),
            ..ConfigPatch::default()
        });
        let r = p.call(json!({"type": "appointments/list", "ehr": ehr.name,
            "session_ms": t("2025-11-03T10:32:00Z"), "utc_offset_min": 0}));
        assert_eq!(r["ok"], json!(false), "{}", ehr.name);
        assert_eq!(r["error"]["kind"], json!("server"), "{}: {r}", ehr.name);
        assert_eq!(r["error"]["transient"], json!(true));
        let found = p.ok(json!({"type": "patients/search", "ehr": ehr.name, "query": ehr.query}));
        let patient = found["patients"][0].clone();
        assert!(patient["id"].is_string(), "{}: search works", ehr.name);
        let started = p.ok(json!({
            "type": "push/start", "ehr": ehr.name, "source": source("# Plan\nRest."),
            "patient": patient, "title": "Session Summary", "draft": true,
            "push_ref": push_ref(3), "utc_offset_min": 0,
        }));
        assert_eq!(
            started["job"]["state"],
            json!("done"),
            "{}: push works: {started}",
            ehr.name
        );
    }
}

#[test]
fn history_sessions_pair_only_with_exactly_one_appointment() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let at = |s: &str, k: &str| json!({"key": k, "session_ms": t(s), "utc_offset_min": 0});
        let m = p.ok(
            json!({"type": "appointments/match", "ehr": ehr.name, "sessions": [
                at("2025-11-03T09:41:00Z", "s1"),
                at("2025-11-03T10:15:00Z", "s2"),
                at("2025-11-03T14:15:00Z", "s3"),
                at("2025-11-03T08:30:00Z", "s4"),
                at("2025-11-03T11:00:00Z", "s5"),
            ]}),
        );
        let pairs = m["pairs"].as_array().unwrap();
        let keys: Vec<&str> = pairs.iter().map(|x| x["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["s1", "s2", "s3", "s4", "s5"]);
        let starts: Vec<Option<i64>> = pairs
            .iter()
            .map(|x| x["row"]["starts_ms"].as_i64())
            .collect();
        assert_eq!(
            starts,
            [
                Some(t("2025-11-03T09:30:00Z")),
                Some(t("2025-11-03T10:00:00Z")),
                Some(t("2025-11-03T14:00:00Z")),
                Some(t("2025-11-03T08:30:00Z")),
                None, // the double-booked 11:00
            ],
            "{}",
            ehr.name
        );
        assert!(m["requests_made"].as_u64().unwrap() > 0);
    }
}

#[test]
fn the_window_setting_narrows_what_is_listed() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let whole = rows(&list(&p, ehr, "2025-11-03T10:32:00Z", false)).len();
        let mut s = p.ok(json!({"type": "settings/get"}));
        assert_eq!(s["diary_window"], json!({"whole_day": true, "hours": 3}));
        s["diary_window"] = json!({"whole_day": false, "hours": 1});
        p.ok(json!({"type": "settings/set", "settings": s}));
        let narrow = rows(&list(&p, ehr, "2025-11-03T10:32:00Z", false));
        assert!(
            narrow.len() < whole,
            "{}: {} < {}",
            ehr.name,
            narrow.len(),
            whole
        );
        assert!(narrow.iter().all(|r| r["near"] == json!(true)));
    }
}

#[test]
fn a_key_without_a_practitioner_picks_one_and_it_is_remembered() {
    for ehr in &EHRS {
        let p = SandboxPlatform::new();
        if ehr.name == "cliniko" {
            let key = p.sb.borrow().demo_keys().receptionist.clone();
            p.ok(json!({"type": "connection/connect", "ehr": "cliniko", "key": key}));
        } else {
            // A Nookal key is never one practitioner's; none chosen yet.
            let key = p.sb.borrow().demo_keys().nookal.clone();
            p.ok(json!({"type": "connection/connect", "ehr": "nookal", "key": key}));
        }
        p.now.set(t("2025-11-03T10:40:00Z"));
        let l = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        assert_eq!(l["needs_practitioner"], json!(true), "{}: {l}", ehr.name);
        assert_eq!(l["rows"], json!([]));
        let choices = l["practitioners"].as_array().unwrap();
        assert!(choices.len() >= 2, "{}: {l}", ehr.name);
        assert!(
            choices
                .iter()
                .all(|c| c["id"].is_string() && c["name"].is_string())
        );
        if ehr.name == "nookal" {
            // The picker names each practitioner as the options page does (title included).
            let status = p.ok(json!({"type": "connection/status", "ehr": "nookal"}));
            let named = |v: &Value| -> Vec<(Value, Value)> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| (c["id"].clone(), c["name"].clone()))
                    .collect()
            };
            assert_eq!(
                named(&l["practitioners"]),
                named(&status["practitioners"]),
                "{status}"
            );
        }
        // Pick the one whose diary has the 10:30 appointment.
        let picked = choices
            .iter()
            .find(|c| {
                let r = p.ok(json!({"type": "appointments/list", "ehr": ehr.name,
                    "session_ms": t("2025-11-03T10:32:00Z"), "utc_offset_min": 0,
                    "practitioner_id": c["id"]}));
                r["best_key"].is_string() && r["rows"][0]["type_name"] == json!("Initial consult")
            })
            .expect("a practitioner with a diary")
            .clone();
        let l = p.ok(json!({"type": "appointments/list", "ehr": ehr.name,
            "session_ms": t("2025-11-03T10:32:00Z"), "utc_offset_min": 0,
            "practitioner_id": picked["id"]}));
        assert_eq!(l["practitioner"]["id"], picked["id"]);
        // Remembered for next time (and across a worker restart: it is in storage).
        p.restart_worker();
        let again = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        assert_eq!(again["needs_practitioner"], json!(false), "{}", ehr.name);
        assert_eq!(again["practitioner"]["id"], picked["id"]);
        assert_eq!(again["rows"], l["rows"]);
        // Removing the key forgets the choice.
        p.ok(json!({"type": "connection/remove", "ehr": ehr.name}));
        let key = if ehr.name == "cliniko" {
            p.sb.borrow().demo_keys().receptionist.clone()
        } else {
            p.sb.borrow().demo_keys().nookal.clone()
        };
        p.ok(json!({"type": "connection/connect", "ehr": ehr.name, "key": key}));
        let fresh = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        assert_eq!(
            fresh["needs_practitioner"],
            json!(true),
            "{}: {fresh}",
            ehr.name
        );
    }
}

#[test]
fn a_patient_found_by_search_is_offered_their_appointment() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let l = list(&p, ehr, "2025-11-03T10:32:00Z", false);
        let best = rows(&l)[0].clone();
        let o = p.ok(json!({"type": "appointments/offer", "ehr": ehr.name,
            "patient_id": best["patient_id"], "session_ms": t("2025-11-03T10:32:00Z"),
            "utc_offset_min": 0}));
        assert_eq!(o["rows"].as_array().unwrap().len(), 1, "{}: {o}", ehr.name);
        assert_eq!(o["checked_key"], best["key"], "exactly one: ticked");
        let none = p.ok(json!({"type": "appointments/offer", "ehr": ehr.name,
            "patient_id": "424242", "session_ms": t("2025-11-03T10:32:00Z"), "utc_offset_min": 0}));
        assert_eq!(none["rows"], json!([]));
        assert_eq!(none["checked_key"], Value::Null);
    }
}

#[test]
fn a_session_at_23_50_finds_its_23_30_appointment() {
    for ehr in &EHRS {
        let p = setup(ehr);
        p.now.set(t("2025-11-04T00:05:00Z"));
        let l = list(&p, ehr, "2025-11-03T23:50:00Z", false);
        assert_eq!(
            l["rows"][0]["starts_ms"],
            json!(t("2025-11-03T23:30:00Z")),
            "{}: {l}",
            ehr.name
        );
        assert_eq!(l["rows"][0]["best"], json!(true));
    }
}

#[test]
fn before_recording_the_next_appointments_come_soonest_first() {
    for ehr in &EHRS {
        let p = setup(ehr);
        p.now.set(t("2025-11-03T10:40:00Z"));
        let l = p.ok(
            json!({"type": "appointments/list", "ehr": ehr.name, "upcoming": true,
            "utc_offset_min": 0}),
        );
        let starts: Vec<i64> = rows(&l)
            .iter()
            .map(|r| r["starts_ms"].as_i64().unwrap())
            .collect();
        assert!(!starts.is_empty(), "{}", ehr.name);
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "soonest first");
        assert!(
            starts
                .iter()
                .all(|s| *s + 30 * 60_000 > t("2025-11-03T10:40:00Z")),
            "not yet over"
        );
        assert_eq!(
            l["best_key"],
            Value::Null,
            "nothing recorded yet: no best match"
        );
    }
}

#[test]
fn nookal_reads_clinic_local_times_in_the_browsers_zone() {
    let ehr = &EHRS[1];
    let p = setup(ehr);
    // The browser is at UTC+10: 10:32 local is 00:32 UTC, and the diary's "10:30" is 00:30 UTC.
    let l = p.ok(json!({"type": "appointments/list", "ehr": "nookal",
        "session_ms": t("2025-11-03T00:32:00Z"), "utc_offset_min": 600}));
    assert_eq!(l["rows"][0]["best"], json!(true), "{l}");
    assert_eq!(l["rows"][0]["starts_ms"], json!(t("2025-11-03T00:30:00Z")));
    assert_eq!(l["rows"][0]["type_name"], json!("Initial consult"));
}

#[test]
fn queued_history_pushes_carry_their_appointment() {
    for ehr in &EHRS {
        let p = setup(ehr);
        let m = p.ok(
            json!({"type": "appointments/match", "ehr": ehr.name, "sessions": [
                {"key": "s1", "session_ms": t("2025-11-03T09:41:00Z"), "utc_offset_min": 0},
            ]}),
        );
        let row = m["pairs"][0]["row"].clone();
        let mut item = push(ehr, &row["patient"], &row, &push_ref(7));
        item.as_object_mut().unwrap().remove("type");
        let q = p.ok(json!({"type": "push/queue", "items": [item]}));
        assert_eq!(
            q[0]["job"]["appointment"]["id"], row["id"],
            "{}: {q}",
            ehr.name
        );
        let done = p.ok(json!({"type": "jobs/tick"}));
        assert_eq!(done["landed"], json!(1), "{}: {done}", ehr.name);
        let bodies = creates(&p, ehr);
        let field = (ehr.link_field)(row["id"].as_str().unwrap());
        assert!(bodies.iter().any(|b| b.contains(&field)), "{}", ehr.name);
    }
}

#[test]
fn a_nookal_note_goes_under_its_appointments_case_and_never_another() {
    let ehr = &EHRS[1];
    let p = setup(ehr);
    let best = rows(&list(&p, ehr, "2025-11-03T10:32:00Z", false))[0].clone();
    let mut other_case = push(ehr, &best["patient"], &best, &push_ref(1));
    other_case["case_id"] = json!("987654");
    let sent_before = p.log().len();
    let r = p.call(other_case);
    assert_eq!(r["error"]["kind"], json!("appointment_mismatch"), "{r}");
    assert_eq!(p.log().len(), sent_before, "nothing sent");
    let started = p.ok(push(ehr, &best["patient"], &best, &push_ref(2)));
    let case = started["job"]["appointment"]["case_id"].clone();
    assert!(
        case.is_string(),
        "the sandbox's appointment carries its case: {started}"
    );
    assert_eq!(started["job"]["nookal"]["case_id"], case);
    assert_eq!(started["job"]["nookal"]["created_case"], json!(false));
}
