//! Host routing, admin operations, fault injection, the Nookal envelope and quirks, and Motics pages.

mod common;

use common::*;
use motics_sandbox::{ConfigPatch, FaultKind, FaultSpec, HttpRequest, Outcome, Sandbox};
use serde_json::json;

fn fault(kind: FaultKind, method: &str, path: &str) -> FaultSpec {
    FaultSpec {
        method: Some(method.into()),
        path: path.into(),
        host: None,
        count: 1,
        kind,
        status: 503,
        delay_ms: 250,
    }
}

#[test]
fn host_routing() {
    let mut sb = Sandbox::new();
    assert_eq!(
        send(&mut sb, &HttpRequest::new("GET", "evil.example.com", "/")).status,
        421
    );
    assert_eq!(
        send(
            &mut sb,
            &HttpRequest::new("GET", "nobody.au1.cliniko.com", "/patients/1")
        )
        .status,
        404
    );
    let r = send(&mut sb, &HttpRequest::new("GET", "app.motics.ai:8443", "/"));
    assert_eq!(r.status, 200, "ports are stripped from Host");
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("script-src 'none'")
    );
    let key = sb.demo_keys().practitioner.clone();
    let mut req = api("GET", "au1", "/v1/user", &key);
    req.host = "API.AU1.CLINIKO.COM:443".into();
    assert_eq!(send(&mut sb, &req).status, 200);
    // Web pages for receipt links.
    let pid = patient_id(&mut sb, "Aroha", "Ngāta");
    let r = send(
        &mut sb,
        &HttpRequest::new(
            "GET",
            "harbourside-physio.au1.cliniko.com",
            &format!("/patients/{pid}"),
        ),
    );
    assert!(r.body.contains("Aroha Ngāta"));
    assert_eq!(
        send(
            &mut sb,
            &HttpRequest::new(
                "GET",
                "harbourside-physio.uk2.cliniko.com",
                &format!("/patients/{pid}")
            )
        )
        .status,
        404
    );
    let (_, v) = get(
        &mut sb,
        &format!("/v1/patients/{pid}/treatment_notes?q[]=archived_at:*"),
    );
    if let Some(n) = v["treatment_notes"][0]["id"].as_str() {
        let r = send(
            &mut sb,
            &HttpRequest::new(
                "GET",
                "harbourside-physio.au1.cliniko.com",
                &format!("/patients/{pid}/treatment_notes/{n}"),
            ),
        );
        assert_eq!(r.status, 200);
    }
}

#[test]
fn request_log_and_admin_http() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().practitioner.clone();
    send(&mut sb, &api("GET", "au1", "/v1/user?x=1", &key));
    send(
        &mut sb,
        &HttpRequest::new("GET", "app.motics.ai", "/history"),
    );
    send(
        &mut sb,
        &HttpRequest::new("GET", "admin.sandbox.test", "/state"),
    );
    let log = sb.requests(Some("api.au1.cliniko.com"), Some("/v1/"));
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].query, "x=1");
    assert_eq!(log[0].status, Some(200), "the answer's status is logged");
    assert_eq!(
        log[0].headers["user-agent"],
        "Motics Push (support@motics.ai)"
    );
    assert_eq!(
        sb.requests(None, None).len(),
        2,
        "admin requests are not logged"
    );
    let r = send(
        &mut sb,
        &HttpRequest::new("GET", "admin.sandbox.test", "/requests?host=app.motics.ai"),
    );
    assert_eq!(r.json_body().as_array().unwrap().len(), 1);
    send(
        &mut sb,
        &HttpRequest::new("DELETE", "admin.sandbox.test", "/requests"),
    );
    assert!(sb.requests(None, None).is_empty());
    let r = send(
        &mut sb,
        &HttpRequest::new("POST", "admin.sandbox.test", "/config")
            .body("{\"template_required\":false}"),
    );
    assert_eq!(r.json_body()["template_required"], false);
    assert!(!sb.config.template_required);
    let r = send(&mut sb, &HttpRequest::new("POST", "admin.sandbox.test", "/patients").body(&json!({
        "account": "harbourside-physio", "first_name": "<img src=x onerror=alert(1)>", "last_name": "Ō'Reilly-Test", "date_of_birth": "2000-01-01"
    }).to_string()));
    assert_eq!(r.status, 201);
    let id = r.json_body()["id"].as_str().unwrap().to_string();
    assert_eq!(
        get(&mut sb, &format!("/v1/patients/{id}")).1["last_name"],
        "Ō'Reilly-Test"
    );
    let state = send(
        &mut sb,
        &HttpRequest::new("GET", "admin.sandbox.test", "/state"),
    )
    .json_body();
    assert!(state["accounts"][0]["patients"].as_u64().unwrap() > 2000);
    send(
        &mut sb,
        &HttpRequest::new("POST", "admin.sandbox.test", "/reset"),
    );
    assert!(sb.config.template_required, "reset restores config");
    assert_eq!(
        get(&mut sb, &format!("/v1/patients/{id}")).0,
        404,
        "reset re-seeds"
    );
    let r = send(
        &mut sb,
        &HttpRequest::new("POST", "admin.sandbox.test", "/keys/revoke")
            .body(&json!({ "key": key }).to_string()),
    );
    assert_eq!(r.status, 200);
    assert_eq!(get(&mut sb, "/v1/user").0, 401);
}

#[test]
fn faults_status_html_malformed_and_count() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().practitioner.clone();
    sb.add_fault(FaultSpec {
        count: 2,
        ..fault(FaultKind::Status, "GET", "/v1/patients*")
    });
    assert_eq!(get(&mut sb, "/v1/patients?per_page=1").0, 503);
    assert_eq!(get(&mut sb, "/v1/user").0, 200, "path does not match");
    assert_eq!(get(&mut sb, "/v1/patients/1").0, 503, "prefix match with *");
    assert_eq!(
        get(&mut sb, "/v1/patients?per_page=1").0,
        200,
        "count exhausted"
    );
    sb.add_fault(fault(FaultKind::HtmlError, "GET", "/v1/user"));
    let r = send(&mut sb, &api("GET", "au1", "/v1/user", &key));
    assert_eq!(r.status, 503);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    sb.add_fault(fault(FaultKind::MalformedJson, "GET", "/v1/user"));
    let r = send(&mut sb, &api("GET", "au1", "/v1/user", &key));
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());
    assert!(!r.body.is_empty());
    sb.add_fault(fault(FaultKind::Status, "POST", "/v1/user"));
    sb.clear_faults();
    assert_eq!(get(&mut sb, "/v1/user").0, 200);
}

#[test]
fn faults_drop_and_delay_around_note_creation() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().practitioner.clone();
    let pid = patient_id(&mut sb, "Zoë", "Müller");
    let tid = soap_template(&mut sb);
    let body = json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": null })
        .to_string();
    let post = |sb: &mut Sandbox| {
        sb.handle(
            &api("POST", "au1", "/v1/treatment_notes", &key).body(&body),
            NOW,
        )
    };
    let count = |sb: &Sandbox| {
        sb.cliniko_notes()
            .iter()
            .filter(|n| n.patient_id == pid)
            .count()
    };
    let before = count(&sb);
    sb.add_fault(fault(FaultKind::DropBefore, "POST", "/v1/treatment_notes"));
    assert_eq!(post(&mut sb), Outcome::DropBeforeProcessing);
    assert_eq!(count(&sb), before, "drop_before does not create");
    sb.add_fault(fault(FaultKind::DropAfter, "POST", "/v1/treatment_notes"));
    assert_eq!(post(&mut sb), Outcome::DropAfterProcessing);
    assert_eq!(
        count(&sb),
        before + 1,
        "drop_after creates the note, then drops"
    );
    sb.add_fault(fault(FaultKind::Delay, "POST", "/v1/treatment_notes"));
    match post(&mut sb) {
        Outcome::Delay { ms, then } => {
            assert_eq!(ms, 250);
            assert_eq!(then.response().unwrap().status, 201);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&sb), before + 2);
}

fn nookal(sb: &mut Sandbox, method: &str, form: &str) -> serde_json::Value {
    let req = HttpRequest::new(
        "POST",
        "api.nookal.com",
        &format!("/production/v2/{method}"),
    )
    .header(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=UTF-8",
    )
    .body(form);
    let r = send(sb, &req);
    assert_eq!(r.status, 200, "Nookal failures are HTTP 200 too");
    r.json_body()
}

#[test]
fn nookal_envelope_search_and_notes() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().nookal.clone();
    let v = nookal(&mut sb, "verify", "");
    assert_eq!(v["status"], "failure");
    assert_eq!(v["details"]["errorCode"], "L000_1");
    assert_eq!(
        nookal(&mut sb, "verify", "api_key=wrong")["status"],
        "failure"
    );
    let v = nookal(&mut sb, "verify", &format!("api_key={key}"));
    assert_eq!(v["status"], "success");
    assert_eq!(v["data"]["api_call"], "verify");
    let v = nookal(&mut sb, "getPractitioners", &format!("api_key={key}"));
    assert!(v["data"]["results"]["practitioners"][0]["ID"].is_string());
    assert_eq!(
        nookal(&mut sb, "getLocations", &format!("api_key={key}"))["data"]["results"]["locations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let v = nookal(
        &mut sb,
        "searchPatients",
        &format!("api_key={key}&fuzzy_search=true&last_name=o%27bri&first_name=sar"),
    );
    assert_eq!(
        v["data"]["results"]["patients"].as_array().unwrap().len(),
        2
    );
    let v = nookal(
        &mut sb,
        "searchPatients",
        &format!("api_key={key}&first_name=Sarah&last_name=O%27Brien&date_of_birth=1990-12-30"),
    );
    let patients = v["data"]["results"]["patients"].as_array().unwrap();
    assert_eq!(patients.len(), 1);
    let pid = patients[0]["ID"].as_str().unwrap().to_string();
    assert_eq!(
        nookal(
            &mut sb,
            "searchPatients",
            &format!("api_key={key}&last_name=O%27Brien")
        )["status"],
        "failure"
    );
    let v = nookal(
        &mut sb,
        "searchPatients",
        &format!("api_key={key}&patient_id={pid}"),
    );
    assert_eq!(v["data"]["results"]["patients"][0]["FirstName"], "Sarah");
    // `email` alone, in any case, finds exactly that patient.
    let email = v["data"]["results"]["patients"][0]["Email"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let v = nookal(
        &mut sb,
        "searchPatients",
        &format!("api_key={key}&email={}", email.replace('@', "%40")),
    );
    let found = v["data"]["results"]["patients"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(found[0]["ID"], pid.as_str());
    let v = nookal(
        &mut sb,
        "getPatients",
        &format!("api_key={key}&page_length=150&page=1"),
    );
    assert_eq!(
        v["data"]["results"]["patients"].as_array().unwrap().len(),
        150
    );
    assert_eq!(v["settings"]["nextPage"], 2);
    // Case then note; é comes back double-encoded.
    let mut cases = nookal(
        &mut sb,
        "getCases",
        &format!("api_key={key}&patient_id={pid}"),
    )["data"]["results"]["cases"]
        .clone();
    if cases.as_array().unwrap().is_empty() {
        let c = nookal(
            &mut sb,
            "addCase",
            &format!("api_key={key}&patient_id={pid}&title=Knee"),
        );
        cases = json!([{ "ID": c["data"]["results"]["case_id"] }]);
    }
    let case = cases[0]["ID"].as_str().unwrap().to_string();
    let missing = nookal(
        &mut sb,
        "addTreatmentNote",
        &format!("api_key={key}&patient_id={pid}&case_id={case}&practitioner_id=1&notes=x"),
    );
    assert_eq!(missing["status"], "failure");
    let v = nookal(
        &mut sb,
        "addTreatmentNote",
        &format!(
            "api_key={key}&patient_id={pid}&case_id={case}&practitioner_id=1&date=2025-11-10%2009%3A30%3A00&notes=Caf%C3%A9+visit&colour=ignored"
        ),
    );
    assert_eq!(v["status"], "success", "unknown params are ignored");
    let note_id = v["data"]["results"]["note_id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = nookal(
        &mut sb,
        "getTreatmentNotes",
        &format!("api_key={key}&patient_id={pid}"),
    );
    let note = v["data"]["results"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["noteID"] == note_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(note["answers"][0]["answers"][0], "CafÃ© visit");
    assert_eq!(note["date"], "2025-11-10 09:30:00");
    assert!(
        sb.nookal_notes()
            .iter()
            .any(|n| n.id == note_id && n.notes == "CafÃ© visit")
    );
    sb.set_config(&ConfigPatch {
        nookal_double_encode: Some(false),
        ..ConfigPatch::default()
    });
    nookal(
        &mut sb,
        "addTreatmentNote",
        &format!(
            "api_key={key}&patient_id={pid}&case_id={case}&practitioner_id=1&date=2025-11-10T10:00:00Z&notes=Caf%C3%A9"
        ),
    );
    assert!(sb.nookal_notes().iter().any(|n| n.notes == "Café"));
    // Unknown method: Nookal's HTML 404 page, not JSON.
    let r = send(
        &mut sb,
        &HttpRequest::new("POST", "api.nookal.com", "/production/v2/getEverything")
            .body(&format!("api_key={key}")),
    );
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Hold it right there"));
}

#[test]
fn motics_pages_follow_the_note_contract() {
    let mut sb = Sandbox::new();
    let page =
        |sb: &mut Sandbox, path: &str| send(sb, &HttpRequest::new("GET", "app.motics.ai", path));
    let index = page(&mut sb, "/");
    for link in [
        "/sessions/s-1001",
        "/history",
        "/variants/prosemirror",
        "/variants/quill",
        "/variants/textarea",
        "/variants/article",
        "/variants/hostile",
    ] {
        assert!(index.body.contains(link), "{link}");
        assert_eq!(page(&mut sb, link).status, 200, "{link}");
    }
    let s = page(&mut sb, "/sessions/s-1001").body;
    for attr in [
        "data-motics-note",
        "data-session-id=\"s-1001\"",
        "data-created-at=\"2025-",
        "data-author=",
        "data-title=",
        "data-patient-name=\"Margaret O&#39;Brien\"",
        "data-version=\"1\"",
        "data-format=\"html\"",
        "<table>",
        "<ul><li>",
        "<u>",
        "<a href=\"https://",
    ] {
        assert!(s.contains(attr), "{attr}");
    }
    let md = page(&mut sb, "/sessions/s-1002").body;
    assert!(
        md.contains("data-format=\"markdown\"")
            && md.contains("data-patient-dob=\"1985-11-02\"")
            && md.contains("## Subjective")
    );
    let rec = page(&mut sb, "/sessions/s-1005").body;
    assert!(
        !rec.contains("data-motics-note")
            && rec.contains("data-motics-session=\"s-1005\"")
            && rec.contains("Tāne Te Whāiti")
    );
    let hist = page(&mut sb, "/history").body;
    assert!(hist.matches("data-motics-note").count() >= 5 && hist.contains("data-version=\"2\""));
    assert!(
        page(&mut sb, "/variants/quill")
            .body
            .contains("class=\"ql-editor\"")
    );
    assert!(
        page(&mut sb, "/variants/prosemirror")
            .body
            .contains("class=\"ProseMirror\"")
    );
    assert!(
        page(&mut sb, "/variants/textarea")
            .body
            .contains("<textarea")
    );
    let hostile = page(&mut sb, "/variants/hostile");
    assert!(
        hostile.body.contains("<script>")
            && hostile.body.contains("onerror")
            && hostile.body.contains("javascript:")
    );
    assert!(
        hostile
            .header("content-security-policy")
            .unwrap()
            .contains("script-src 'none'")
    );
    assert_eq!(page(&mut sb, "/sessions/nope").status, 404);
    // Every session patient exists in the au1 Cliniko account (search must find them).
    for (first, last) in [
        ("Margaret", "O'Brien"),
        ("James", "Smith"),
        ("Aroha", "Ngāta"),
        ("Chloé", "Lefèvre-Martin"),
        ("Tāne", "Te Whāiti"),
    ] {
        let _ = patient_id(&mut sb, first, last);
    }
}

/// Issue 15 §11: a request to a host the sandbox doesn't serve is recorded for the whole-run audit
/// (E2E maps every host name here), survives `/reset`, and can be forgiven one host at a time.
#[test]
fn unknown_hosts_are_recorded_for_the_audit() {
    let mut sb = Sandbox::new();
    send(&mut sb, &HttpRequest::new("GET", "app.motics.ai", "/"));
    send(
        &mut sb,
        &HttpRequest::new("GET", "Tracker.Example.NET", "/pixel"),
    );
    sb.reset();
    let audit = serde_json::to_value(sb.audit()).expect("json");
    assert_eq!(audit["unknown_hosts"], json!(["tracker.example.net"]));
    assert!(sb.forgive_host("tracker.example.net"));
    assert_eq!(
        serde_json::to_value(sb.audit()).expect("json")["unknown_hosts"],
        json!([])
    );
}

/// Issue 15 §12: Motics markup copied onto a non-Motics site the extension can read.
#[test]
fn copied_motics_pages_are_served_on_a_clinic_web_host() {
    let mut sb = Sandbox::new();
    let r = send(
        &mut sb,
        &HttpRequest::new(
            "GET",
            "harbourside-physio.au1.cliniko.com",
            "/copied/sessions/s-1005",
        ),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("data-motics-session=\"s-1005\""));
    let r = send(
        &mut sb,
        &HttpRequest::new("GET", "app.motics.ai", "/variants/hidden"),
    );
    assert!(r.body.contains("HIDDEN-opacity") && r.body.contains("Visible end."));
}
