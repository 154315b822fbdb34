//! Automatic template choice through the background's messages, against the in-process Cliniko:
//! `note/prepare` names the template and why; a clinician's different pick is learned per clinic
//! account and heading set (template id and a hash only: no note text in storage.local) and used
//! for the next such note; Settings forgets; Nookal gets no template; what is posted is filled
//! section by section.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_push::templates::habit;
use push_support::{SandboxPlatform, push_ref, push_start, source};
use serde_json::{Value, json};

const SOAP: &str = "## Subjective\n\nKnee sore after netball.\n\n## Objective\n\nEffusion mild.\n\n\
## Assessment\n\nMCL sprain, grade 1.\n\n## Plan\n\nBrace, review in 2 weeks.";
const SOAP_AGAIN: &str = "## PLAN:\n\nCycling from week 3.\n\n## subjective\n\nShoulder stiff.\n\n\
## Objective\n\nFlexion 150.\n\n## Assessment\n\nFrozen shoulder, freezing phase.";

fn prepare(p: &SandboxPlatform, text: &str, ehr: &str) -> Value {
    p.ok(json!({"type": "note/prepare", "source": source(text), "ehr": ehr}))
}

fn template_id(p: &SandboxPlatform, name: &str) -> String {
    let list = p.ok(json!({"type": "templates/list", "ehr": "cliniko"}));
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no template {name}: {list}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The body of the last POST /v1/treatment_notes the in-process Cliniko received.
fn last_post(p: &SandboxPlatform) -> Value {
    let sb = p.sb.borrow();
    let req = sb
        .requests(None, None)
        .into_iter()
        .rev()
        .find(|r| r.method == "POST" && r.path == "/v1/treatment_notes")
        .expect("a POST");
    serde_json::from_str(&req.body).unwrap()
}

fn push(
    p: &SandboxPlatform,
    patient: &Value,
    text: &str,
    i: usize,
    picked: Option<&str>,
    auto: Option<&str>,
) -> Value {
    let mut msg = push_start(patient, text, &push_ref(i), &format!("Visit {i}"));
    msg["template_id"] = json!(picked);
    msg["automatic_template_id"] = json!(auto);
    let v = p.ok(msg);
    assert_eq!(v["job"]["state"], "done", "{v}");
    last_post(p)
}

#[test]
fn automatic_fits_learns_the_clinics_habit_and_forgets_on_request() {
    let p = SandboxPlatform::new();
    p.connect();
    let patients = p.patients(3);
    let soap = template_id(&p, "SOAP Note");
    let progress = template_id(&p, "Progress Note");

    // The preview names the fitting template and why.
    let advice = prepare(&p, SOAP, "cliniko")["template"].clone();
    assert_eq!(
        advice["automatic"],
        json!({"template_id": soap, "name": "SOAP Note", "reason": "fit", "matched": 4, "sections": 4})
    );
    let initial = advice["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Initial Assessment")
        .unwrap();
    assert_eq!(
        initial["unanswerable"],
        json!(["Onset date", "Areas affected", "Side"]),
        "the preview can warn before Cliniko would"
    );

    // A section that fits nothing: still a fit (4 of 5), and the preview can say where it goes.
    let goals = format!("{SOAP}\n\n## Goals\n\nNetball by June.");
    let advice = prepare(&p, &goals, "cliniko")["template"].clone();
    assert_eq!(advice["automatic"]["matched"], 4);
    assert_eq!(advice["automatic"]["sections"], 5);
    let fit = advice["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "SOAP Note")
        .unwrap();
    assert_eq!(
        fit["catch_all"], "Subjective",
        "no catch-all question: the first one"
    );
    let fit = advice["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Progress Note")
        .unwrap();
    assert_eq!(fit["catch_all"], "Notes");

    // Automatic, as the popup sends it: the preview's choice, filled section by section.
    let body = push(&p, &patients[0], SOAP, 1, None, Some(&soap));
    assert_eq!(body["treatment_note_template_id"], json!(soap));
    let sections = body["content"]["sections"].as_array().unwrap();
    let answer = |name: &str| {
        sections.iter().find(|s| s["name"] == name).unwrap()["questions"][0]["answer"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(answer("Subjective").starts_with("<p>Knee sore after netball.</p>"));
    assert!(answer("Assessment").contains("MCL sprain") && !answer("Assessment").contains("Brace"));
    assert!(answer("Plan").contains("Brace, review in 2 weeks."));

    // The clinician overrides it once: learned, and nothing of the note is stored.
    let body = push(&p, &patients[1], SOAP, 2, Some(&progress), Some(&soap));
    assert_eq!(body["treatment_note_template_id"], json!(progress));
    let stored = p
        .storage
        .borrow()
        .get(&("local".to_string(), habit::STORAGE_KEY.to_string()))
        .cloned()
        .unwrap();
    let text = stored.to_string();
    assert!(text.contains(&progress), "{text}");
    for word in ["ubjective", "Knee", "netball", "Plan"] {
        assert!(!text.contains(word), "{word} stored: {text}");
    }

    // The next note with the same headings (another order, other case) goes there, by habit.
    let advice = prepare(&p, SOAP_AGAIN, "cliniko")["template"].clone();
    assert_eq!(advice["automatic"]["template_id"], json!(progress));
    assert_eq!(advice["automatic"]["reason"], "learned");
    // A caller without a preview (no automatic id) gets the same choice.
    let body = push(&p, &patients[2], SOAP_AGAIN, 3, None, None);
    assert_eq!(body["treatment_note_template_id"], json!(progress));
    // Other headings are not affected.
    let other = prepare(
        &p,
        "## History\n\nx\n\n## Examination\n\ny\n\n## Treatment\n\nz",
        "cliniko",
    );
    assert_eq!(other["template"]["automatic"]["template_id"], json!(soap));

    // Nookal has no templates: nothing is advised.
    assert_eq!(prepare(&p, SOAP, "nookal")["template"], Value::Null);

    // Settings → Forget learned template choices.
    assert_eq!(p.ok(json!({"type": "templates/learned"})), json!(1));
    p.ok(json!({"type": "templates/forget"}));
    assert_eq!(p.ok(json!({"type": "templates/learned"})), json!(0));
    assert_eq!(
        prepare(&p, SOAP_AGAIN, "cliniko")["template"]["automatic"]["reason"],
        "fit"
    );
}

#[test]
fn a_habit_belongs_to_one_clinic_account() {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    let soap = template_id(&p, "SOAP Note");
    let progress = template_id(&p, "Progress Note");
    push(&p, &patient, SOAP, 1, Some(&progress), Some(&soap));
    assert_eq!(
        prepare(&p, SOAP, "cliniko")["template"]["automatic"]["reason"],
        "learned"
    );

    // Another clinic (uk2) on the same browser: its own SOAP template, by fit.
    let key = p.sb.borrow().demo_keys().uk2.clone();
    p.ok(json!({"type": "connection/connect", "ehr": "cliniko", "key": key}));
    let auto = prepare(&p, SOAP, "cliniko")["template"]["automatic"].clone();
    assert_eq!(
        (auto["name"].as_str(), auto["reason"].as_str()),
        (Some("SOAP Note"), Some("fit"))
    );
    assert_ne!(auto["template_id"], json!(soap), "uk2's own template");
}

#[test]
fn a_default_template_in_settings_still_applies() {
    let p = SandboxPlatform::new();
    p.connect();
    let patient = p.patients(1).remove(0);
    let progress = template_id(&p, "Progress Note");
    p.ok(json!({"type": "settings/set", "settings": {"title_template": "Visit", "draft": true, "template_id": progress}}));
    let advice = prepare(&p, SOAP, "cliniko")["template"].clone();
    assert_eq!(advice["automatic"], Value::Null, "Automatic is off");
    let body = push(&p, &patient, SOAP, 1, None, None);
    assert_eq!(body["treatment_note_template_id"], json!(progress));
    assert_eq!(p.ok(json!({"type": "templates/learned"})), json!(0));
}
