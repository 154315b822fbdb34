//! Shared helpers for the sandbox's integration tests: request builders with valid Cliniko headers.

#![allow(dead_code)]

use motics_sandbox::codec::base64_encode;
use motics_sandbox::{HttpRequest, HttpResponse, Outcome, Sandbox};
use serde_json::Value;

/// A fixed "now": 2025-11-10T00:00:00Z.
pub const NOW: u64 = 1_762_732_800_000;

/// A Cliniko API request with the documented headers.
pub fn api(method: &str, shard: &str, path: &str, key: &str) -> HttpRequest {
    HttpRequest::new(method, &format!("api.{shard}.cliniko.com"), path)
        .header(
            "Authorization",
            &format!("Basic {}", base64_encode(format!("{key}:").as_bytes())),
        )
        .header("User-Agent", "Motics Push (support@motics.ai)")
        .header("Accept", "application/json")
}

/// Send and expect a response.
pub fn send(sb: &mut Sandbox, req: &HttpRequest) -> HttpResponse {
    match sb.handle(req, NOW) {
        Outcome::Respond(r) => r,
        other => panic!("expected a response, got {other:?}"),
    }
}

/// GET on au1 with the practitioner key; returns (status, json).
pub fn get(sb: &mut Sandbox, path: &str) -> (u16, Value) {
    let key = sb.demo_keys().practitioner.clone();
    let r = send(sb, &api("GET", "au1", path, &key));
    (r.status, r.json_body())
}

/// POST a JSON body to au1 with the given key.
pub fn post(sb: &mut Sandbox, path: &str, key: &str, body: &Value) -> HttpResponse {
    let req = api("POST", "au1", path, key)
        .header("Content-Type", "application/json")
        .body(&body.to_string());
    send(sb, &req)
}

/// The id of the first au1 patient matching `first last` (and DOB when given).
pub fn patient_id(sb: &mut Sandbox, first: &str, last: &str) -> String {
    let (_, v) = get(
        sb,
        &format!(
            "/v1/patients?q[]=first_name:={first}&q[]=last_name:={}",
            last.replace('\'', "%27")
        ),
    );
    v["patients"][0]["id"]
        .as_str()
        .expect("patient")
        .to_string()
}

/// The au1 SOAP template id.
pub fn soap_template(sb: &mut Sandbox) -> String {
    let (_, v) = get(sb, "/v1/treatment_note_templates");
    v["treatment_note_templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "SOAP Note")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}
