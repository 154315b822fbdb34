//! The admin API on `admin.sandbox.test`: reset, request log, faults, keys, notes, config, patients, state.

use serde_json::{Value as Json, json};

use crate::cliniko::model::{Patient, Phone};
use crate::http::{HttpRequest, HttpResponse};
use crate::{ConfigPatch, FaultSpec, Sandbox};

fn bad(msg: &str) -> HttpResponse {
    HttpResponse::json(400, &json!({ "error": msg }))
}

fn ok() -> HttpResponse {
    HttpResponse::json(200, &json!({ "ok": true }))
}

fn to_json<T: serde::Serialize>(v: &T) -> HttpResponse {
    match serde_json::to_value(v) {
        Ok(j) => HttpResponse::json(200, &j),
        Err(e) => HttpResponse::json(500, &json!({ "error": e.to_string() })),
    }
}

/// Route one admin request. The admin host is never logged and never faulted.
pub fn handle(sb: &mut Sandbox, req: &HttpRequest) -> HttpResponse {
    let method = req.method.to_ascii_uppercase();
    let body = || {
        serde_json::from_str::<Json>(if req.body.trim().is_empty() {
            "{}"
        } else {
            &req.body
        })
    };
    let q = req.query_pairs();
    let param = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    match (method.as_str(), req.path().trim_end_matches('/')) {
        ("POST", "/reset") => {
            sb.reset();
            ok()
        }
        ("GET", "/privacy") => to_json(sb.audit()),
        ("DELETE", "/privacy/unknown-hosts") => match param("host") {
            Some(h) if sb.forgive_host(h) => ok(),
            _ => HttpResponse::json(404, &json!({ "error": "host not recorded" })),
        },
        ("GET", "/requests") => to_json(&sb.requests(param("host"), param("path_prefix"))),
        ("DELETE", "/requests") => {
            sb.clear_requests();
            ok()
        }
        ("POST", "/faults") => match body().map(serde_json::from_value::<FaultSpec>) {
            Ok(Ok(f)) => {
                sb.add_fault(f);
                ok()
            }
            Ok(Err(e)) => bad(&format!("invalid fault: {e}")),
            Err(e) => bad(&format!("invalid JSON: {e}")),
        },
        ("DELETE", "/faults") => {
            sb.clear_faults();
            ok()
        }
        ("POST", "/keys") => match body() {
            Ok(b) => {
                let key = b.get("key").and_then(Json::as_str).unwrap_or("");
                let user = match b.get("user_id") {
                    Some(Json::String(s)) => s.clone(),
                    Some(Json::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                match sb.add_key(key, &user) {
                    Ok(()) => ok(),
                    Err(e) => bad(&e),
                }
            }
            Err(e) => bad(&format!("invalid JSON: {e}")),
        },
        ("POST", "/keys/revoke") => match body() {
            Ok(b) if sb.revoke_key(b.get("key").and_then(Json::as_str).unwrap_or("")) => ok(),
            Ok(_) => HttpResponse::json(404, &json!({ "error": "unknown key" })),
            Err(e) => bad(&format!("invalid JSON: {e}")),
        },
        ("GET", "/notes") => to_json(&sb.cliniko_notes()),
        ("GET", "/nookal/notes") => to_json(&sb.nookal_notes()),
        ("POST", "/config") => match body().map(serde_json::from_value::<ConfigPatch>) {
            Ok(Ok(p)) => {
                sb.set_config(&p);
                to_json(&sb.config)
            }
            Ok(Err(e)) => bad(&format!("invalid config: {e}")),
            Err(e) => bad(&format!("invalid JSON: {e}")),
        },
        ("GET", "/config") => to_json(&sb.config),
        ("POST", "/patients") => match body() {
            Ok(b) => {
                let now = crate::seed::SEED_EPOCH_MS
                    + sb.cliniko
                        .accounts
                        .iter()
                        .map(|a| a.patients.len() as u64)
                        .sum::<u64>()
                        * 1000;
                match sb.add_patient(&b, now) {
                    Ok(p) => HttpResponse::json(201, &p),
                    Err(e) => bad(&e),
                }
            }
            Err(e) => bad(&format!("invalid JSON: {e}")),
        },
        ("GET", "/state") => HttpResponse::json(200, &sb.state()),
        ("GET", "/privacy/words") => to_json(&sb.private_words()),
        ("GET", "/keys") => to_json(sb.demo_keys()),
        _ => HttpResponse::json(404, &json!({ "error": "unknown admin route" })),
    }
}

/// Add a patient to the account named by `body.account` (a subdomain).
pub fn add_patient(sb: &mut Sandbox, body: &Json, now_ms: u64) -> Result<Json, String> {
    let sub = body
        .get("account")
        .and_then(Json::as_str)
        .ok_or("account (subdomain) is required")?;
    let acc = sb
        .cliniko
        .accounts
        .iter_mut()
        .find(|a| a.subdomain == sub)
        .ok_or_else(|| format!("no account '{sub}'"))?;
    let s = |k: &str| body.get(k).and_then(Json::as_str).map(str::to_string);
    let first = s("first_name").ok_or("first_name is required")?;
    let last = s("last_name").ok_or("last_name is required")?;
    let mut phones: Vec<Phone> = body
        .get("patient_phone_numbers")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(Phone {
                number: p.get("number")?.as_str()?.to_string(),
                phone_type: p
                    .get("phone_type")
                    .and_then(Json::as_str)
                    .unwrap_or("Mobile")
                    .to_string(),
            })
        })
        .collect();
    if let Some(p) = s("phone") {
        phones.push(Phone {
            number: p,
            phone_type: "Mobile".into(),
        });
    }
    let archived = body
        .get("archived")
        .and_then(Json::as_bool)
        .unwrap_or(false)
        || s("archived_at").is_some();
    let id = acc.new_id();
    let patient = Patient {
        id,
        title: s("title"),
        first_name: first,
        last_name: last,
        preferred_first_name: s("preferred_first_name"),
        date_of_birth: s("date_of_birth"),
        email: s("email"),
        phones,
        sex: s("sex"),
        old_reference_id: s("old_reference_id"),
        address_1: s("address_1"),
        city: s("city"),
        state: s("state"),
        post_code: s("post_code"),
        occupation: s("occupation"),
        accepted_privacy_policy: None,
        archived_ms: archived.then_some(now_ms),
        created_ms: now_ms,
        updated_ms: now_ms,
    };
    let json = patient.to_json(&acc.api_base(), &acc.country_code);
    acc.patients.push(patient);
    Ok(json)
}
