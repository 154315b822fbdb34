//! Cliniko API behaviour of the in-process model: auth and shard rules, UA rule, filters, sorting,
//! pagination, treatment-note validation and sanitising, permissions, rate limit.

mod common;

use common::*;
use motics_sandbox::{ConfigPatch, RateLimit, Sandbox};
use serde_json::json;

#[test]
fn auth_shard_and_user_agent_rules() {
    let mut sb = Sandbox::new();
    let k = sb.demo_keys().clone();
    let status = |sb: &mut Sandbox, shard: &str, key: &str| {
        send(sb, &api("GET", shard, "/v1/user", key)).status
    };
    assert_eq!(status(&mut sb, "au1", &k.practitioner), 200);
    assert_eq!(
        status(&mut sb, "au1", &k.no_suffix),
        200,
        "no-suffix keys belong to au1"
    );
    assert_eq!(status(&mut sb, "au2", &k.no_suffix), 401);
    assert_eq!(status(&mut sb, "uk2", &k.uk2), 200);
    assert_eq!(
        status(&mut sb, "au1", &k.uk2),
        401,
        "a -uk2 key on the au1 host"
    );
    let uk2_base = k.uk2.trim_end_matches("-uk2");
    assert_eq!(
        status(&mut sb, "uk2", uk2_base),
        200,
        "keys may be sent without their suffix"
    );
    assert_eq!(
        status(&mut sb, "au1", uk2_base),
        401,
        "…but the account's shard must match the host"
    );
    assert_eq!(status(&mut sb, "au1", &k.revoked), 401);
    assert_eq!(status(&mut sb, "au1", "nonsense-au1"), 401);
    assert_eq!(status(&mut sb, "au1", "bad-key-format"), 401);

    let no_auth = motics_sandbox::HttpRequest::new("GET", "api.au1.cliniko.com", "/v1/user")
        .header("User-Agent", "App (a@b.co)")
        .header("Accept", "application/json");
    assert_eq!(send(&mut sb, &no_auth).status, 401);

    let mut bad_ua = api("GET", "au1", "/v1/user", &k.practitioner);
    bad_ua.headers.retain(|(n, _)| n != "User-Agent");
    assert_eq!(send(&mut sb, &bad_ua).status, 403);
    let chrome_ua = bad_ua
        .clone()
        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0");
    let r = send(&mut sb, &chrome_ua);
    assert_eq!(r.status, 403);
    assert!(
        r.json_body()["message"]
            .as_str()
            .unwrap()
            .contains("User-Agent")
    );

    let mut no_accept = api("GET", "au1", "/v1/user", &k.practitioner);
    no_accept.headers.retain(|(n, _)| n != "Accept");
    assert_eq!(send(&mut sb, &no_accept).status, 406);

    // Revoking at run time (the migration case) and adding a key.
    let (_, user) = get(&mut sb, "/v1/user");
    let uid = user["id"].as_str().unwrap().to_string();
    assert!(sb.revoke_key(&k.practitioner));
    assert_eq!(status(&mut sb, "au1", &k.practitioner), 401);
    sb.add_key("NewKey123-au1", &uid).unwrap();
    assert_eq!(status(&mut sb, "au1", "NewKey123-au1"), 200);
    assert!(sb.add_key("x-au1", "999").is_err());
}

#[test]
fn user_practitioner_and_settings() {
    let mut sb = Sandbox::new();
    let (s, user) = get(&mut sb, "/v1/user");
    assert_eq!(s, 200);
    let uid = user["id"].as_str().unwrap().to_string();
    assert!(
        uid.parse::<u64>().unwrap() > 1 << 53,
        "ids are above 2^53 and sent as strings"
    );
    let (_, pr) = get(&mut sb, &format!("/v1/practitioners?q[]=user_id:={uid}"));
    assert_eq!(pr["total_entries"], 1);
    assert!(
        pr["practitioners"][0]["user"]["links"]["self"]
            .as_str()
            .unwrap()
            .ends_with(&uid)
    );
    let (_, all) = get(&mut sb, "/v1/practitioners");
    assert!(
        all["practitioners"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["active"] == true),
        "only active practitioners"
    );
    let (_, set) = get(&mut sb, "/v1/settings/public");
    assert_eq!(set["account"]["subdomain"], "harbourside-physio");
    assert_eq!(set["terminology"]["patient"], "patient");
    let key = sb.demo_keys().uk2.clone();
    let r = send(&mut sb, &api("GET", "uk2", "/v1/settings/public", &key));
    assert_eq!(r.json_body()["terminology"]["patient"], "client");
}

#[test]
fn patient_filters_operators_and_archived() {
    let mut sb = Sandbox::new();
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=first_name:=James&q[]=last_name:=Smith",
    );
    let dobs: Vec<&str> = v["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date_of_birth"].as_str().unwrap_or(""))
        .collect();
    assert!(dobs.len() >= 3, "several same-name patients: {dobs:?}");
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=last_name:~o%27bri&q[]=first_name:=sarah",
    );
    let n_active = v["total_entries"].as_u64().unwrap();
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=last_name:~o%27bri&q[]=first_name:=sarah&q[]=archived_at:*",
    );
    assert_eq!(
        v["total_entries"].as_u64().unwrap(),
        n_active + 1,
        "archived_at:* includes the archived Sarah O'Brien"
    );
    assert!(
        v["patients"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| !p["archived_at"].is_null())
    );
    let (_, v) = get(&mut sb, "/v1/patients?q[]=last_name:~~ng%25ta");
    assert!(
        v["patients"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["last_name"] == "Ngāta"),
        "~~ wildcard with %"
    );
    let (_, v) = get(&mut sb, "/v1/patients?q[]=preferred_first_name:=peggy");
    assert_eq!(v["patients"][0]["first_name"], "Margaret");
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=date_of_birth:=****-05-**&per_page=100",
    );
    assert!(
        v["patients"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["date_of_birth"].as_str().unwrap()[5..7] == *"05")
    );
    assert!(v["total_entries"].as_u64().unwrap() > 0);
    let (_, v) = get(&mut sb, "/v1/patients?q[]=email:!?&per_page=1");
    assert!(v["patients"][0]["email"].is_null());
    let (_, one) = get(&mut sb, "/v1/patients?per_page=2");
    let ids: Vec<&str> = one["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let (_, v) = get(&mut sb, &format!("/v1/patients?q[]=id:={}", ids.join(",")));
    assert_eq!(v["total_entries"], 2, "id:= takes a list");
    let (s, _) = get(&mut sb, "/v1/patients?q[]=phone:=0412");
    assert_eq!(s, 400, "no phone filter exists");
    // Archived patient by id: 404 unless archived_at:* is sent.
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=first_name:=Harold&q[]=archived_at:?",
    );
    let harold = v["patients"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(get(&mut sb, &format!("/v1/patients/{harold}")).0, 404);
    assert_eq!(
        get(&mut sb, &format!("/v1/patients/{harold}?q[]=archived_at:*")).0,
        200
    );
}

#[test]
fn sorting_and_pagination() {
    let mut sb = Sandbox::new();
    let (_, v) = get(&mut sb, "/v1/patients");
    assert_eq!(
        v["patients"].as_array().unwrap().len(),
        50,
        "default per_page is 50"
    );
    let total = v["total_entries"].as_u64().unwrap();
    assert!(total >= 2000, "at least 2,000 active patients: {total}");
    assert!(v["links"]["next"].as_str().unwrap().contains("page=2"));
    assert!(v["links"].get("previous").is_none());
    let (_, v) = get(&mut sb, "/v1/patients?per_page=500");
    assert_eq!(
        v["patients"].as_array().unwrap().len(),
        100,
        "per_page is capped at 100"
    );
    let last_page = total.div_ceil(100);
    let (_, v) = get(
        &mut sb,
        &format!("/v1/patients?per_page=100&page={last_page}"),
    );
    assert!(v["links"].get("next").is_none());
    assert!(
        v["links"]["previous"]
            .as_str()
            .unwrap()
            .contains(&format!("page={}", last_page - 1))
    );
    // Following `next` links visits every patient exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut path = "/v1/patients?per_page=100&q[]=last_name:~o".to_string();
    loop {
        let (_, v) = get(&mut sb, &path);
        for p in v["patients"].as_array().unwrap() {
            assert!(seen.insert(p["id"].as_str().unwrap().to_string()));
        }
        match v["links"]["next"].as_str() {
            Some(next) => {
                path = next
                    .trim_start_matches("https://api.au1.cliniko.com")
                    .to_string()
            }
            None => {
                assert_eq!(seen.len() as u64, v["total_entries"].as_u64().unwrap());
                break;
            }
        }
    }
    let (_, v) = get(
        &mut sb,
        "/v1/patients?sort=last_name,first_name:desc&per_page=100",
    );
    let names: Vec<(String, String)> = v["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["last_name"].as_str().unwrap().to_lowercase(),
                p["first_name"].as_str().unwrap().to_lowercase(),
            )
        })
        .collect();
    for w in names.windows(2) {
        assert!(
            w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1),
            "{w:?}"
        );
    }
    let (_, v) = get(&mut sb, "/v1/patients?sort=created_at:desc&per_page=5");
    let created: Vec<&str> = v["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["created_at"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(get(&mut sb, "/v1/patients?sort=nonsense").0, 400);
}

#[test]
fn create_note_validation_sanitising_and_reconcile_filters() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().practitioner.clone();
    let pid = patient_id(&mut sb, "Margaret", "O'Brien");
    let tid = soap_template(&mut sb);
    let body = json!({
        "patient_id": pid, "treatment_note_template_id": tid, "title": "Follow-up", "draft": true,
        "content": { "sections": [ { "name": "Subjective", "questions": [
            { "name": "Subjective", "type": "paragraph", "answer": "<p>Pain\n<strong>6/10</strong></p><h3>Plan</h3><script>x()</script><a href=\"javascript:alert(1)\" onclick=\"y\">l</a><a href=\"https://e.org\">ok</a>" },
            { "name": "Side", "type": "radiobuttons", "answers": [ {"value": "Left", "selected": true}, {"value": "Right"} ] }
        ] } ] }
    });
    let r = post(&mut sb, "/v1/treatment_notes", &key, &body);
    assert_eq!(r.status, 201, "{}", r.body);
    let note = r.json_body();
    let answer = note["content"]["sections"][0]["questions"][0]["answer"]
        .as_str()
        .unwrap();
    assert_eq!(
        answer,
        "<p>Pain6/10</p>Planx()<a>l</a><a href=\"https://e.org\">ok</a>"
    );
    assert_eq!(note["author_name"], "Dr Amelia Hart");
    assert_eq!(note["draft"], true);
    assert!(
        note["patient"]["links"]["self"]
            .as_str()
            .unwrap()
            .ends_with(&pid)
    );
    let note_id = note["id"].as_str().unwrap().to_string();

    // Reconcile query: patient + practitioner + created_at > … sorted desc finds it.
    let (_, me) = get(&mut sb, "/v1/user");
    let (_, pr) = get(
        &mut sb,
        &format!(
            "/v1/practitioners?q[]=user_id:={}",
            me["id"].as_str().unwrap()
        ),
    );
    let prid = pr["practitioners"][0]["id"].as_str().unwrap().to_string();
    let q = format!(
        "/v1/treatment_notes?q[]=patient_id:={pid}&q[]=practitioner_id:={prid}&q[]=created_at:>=2025-11-09T00:00:00Z&sort=created_at:desc"
    );
    let (_, v) = get(&mut sb, &q);
    assert_eq!(v["total_entries"], 1);
    assert_eq!(v["treatment_notes"][0]["id"], note_id.as_str());
    let (_, v) = get(
        &mut sb,
        &format!("/v1/patients/{pid}/treatment_notes?q[]=created_at:<2025-11-09T00:00:00Z"),
    );
    assert!(
        v["treatment_notes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["id"] != note_id.as_str())
    );

    // Archive: 204, then gone from lists and GET unless archived_at:* is sent.
    let r = send(
        &mut sb,
        &api(
            "POST",
            "au1",
            &format!("/v1/treatment_notes/{note_id}/archive"),
            &key,
        ),
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        get(&mut sb, &format!("/v1/treatment_notes/{note_id}")).0,
        404
    );
    assert_eq!(
        get(
            &mut sb,
            &format!("/v1/treatment_notes/{note_id}?q[]=archived_at:*")
        )
        .0,
        200
    );
    let (_, v) = get(&mut sb, &q);
    assert_eq!(v["total_entries"], 0);
    let (_, v) = get(&mut sb, &format!("{q}&q[]=archived_at:*"));
    assert_eq!(v["total_entries"], 1);
    let admin = sb.cliniko_notes();
    let rec = admin.iter().find(|n| n.id == note_id).unwrap();
    assert!(rec.archived_at.is_some());
    assert_eq!(rec.patient_id, pid);
}

#[test]
fn create_note_rejections() {
    let mut sb = Sandbox::new();
    let k = sb.demo_keys().clone();
    let pid = patient_id(&mut sb, "Doris", "Kelly");
    let tid = soap_template(&mut sb);
    let errors = |sb: &mut Sandbox, body: serde_json::Value| {
        let r = post(sb, "/v1/treatment_notes", &k.practitioner, &body);
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json_body()["message"], "Validation Failed");
        r.json_body()["errors"].clone()
    };
    let q = |qq: serde_json::Value| json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": { "sections": [ { "name": "S", "questions": [qq] } ] } });
    assert!(
        errors(&mut sb, json!({ "treatment_note_template_id": tid }))
            .get("patient")
            .is_some()
    );
    assert!(
        errors(
            &mut sb,
            json!({ "patient_id": "1", "treatment_note_template_id": tid })
        )
        .get("patient")
        .is_some()
    );
    assert!(
        errors(&mut sb, json!({ "patient_id": pid }))
            .get("treatment_note_template")
            .is_some()
    );
    assert!(errors(&mut sb, json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": "{\"sections\":[]}" })).get("content").is_some());
    assert!(errors(&mut sb, json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": { "sections": [] } })).get("content").is_some());
    assert!(
        errors(
            &mut sb,
            q(json!({ "name": "Q", "type": "paragraph", "answer": "" }))
        )
        .get("content")
        .is_some()
    );
    assert!(
        errors(
            &mut sb,
            q(json!({ "name": "Q", "type": "essay", "answer": "x" }))
        )
        .get("content")
        .is_some()
    );
    assert!(
        errors(
            &mut sb,
            q(json!({ "name": "Q", "type": "checkboxes", "answers": [] }))
        )
        .get("content")
        .is_some()
    );
    assert!(errors(&mut sb, q(json!({ "name": "Q", "type": "checkboxes", "answers": [ {"value": "a", "selected": false} ] }))).get("content").is_some());
    assert!(errors(&mut sb, q(json!({ "name": "Q", "type": "radiobuttons", "answers": [ {"value": "a", "selected": true}, {"value": "b", "selected": true} ] }))).get("content").is_some());
    assert!(
        errors(
            &mut sb,
            q(json!({ "name": "Q", "type": "date", "answer": "31/01/2025" }))
        )
        .get("content")
        .is_some()
    );
    // Archived patient.
    let (_, v) = get(
        &mut sb,
        "/v1/patients?q[]=first_name:=Harold&q[]=archived_at:*",
    );
    let harold = v["patients"][0]["id"].as_str().unwrap().to_string();
    assert!(
        errors(
            &mut sb,
            json!({ "patient_id": harold, "treatment_note_template_id": tid })
        )
        .get("patient")
        .is_some()
    );
    // Template optional when switched off; title then falls back.
    sb.set_config(&ConfigPatch {
        template_required: Some(false),
        ..ConfigPatch::default()
    });
    let r = post(
        &mut sb,
        "/v1/treatment_notes",
        &k.practitioner,
        &json!({ "patient_id": pid, "content": null }),
    );
    assert_eq!(r.status, 201);
    assert!(r.json_body().get("treatment_note_template").is_none());
    // Receptionists cannot write notes.
    let r = post(
        &mut sb,
        "/v1/treatment_notes",
        &k.receptionist,
        &json!({ "patient_id": pid, "treatment_note_template_id": tid }),
    );
    assert_eq!(r.status, 403);
    assert_eq!(get(&mut sb, "/v1/patients?per_page=1").0, 200);
    // Not JSON.
    let req = api("POST", "au1", "/v1/treatment_notes", &k.practitioner).body("patient_id=1");
    assert_eq!(send(&mut sb, &req).status, 400);
}

#[test]
fn rate_limit_per_user_with_reset_header() {
    let mut sb = Sandbox::new();
    sb.set_config(&ConfigPatch {
        rate_limit: Some(RateLimit {
            limit: 3,
            window_s: 60,
        }),
        ..ConfigPatch::default()
    });
    let k = sb.demo_keys().clone();
    for _ in 0..3 {
        assert_eq!(
            send(&mut sb, &api("GET", "au1", "/v1/user", &k.practitioner)).status,
            200
        );
    }
    let r = send(&mut sb, &api("GET", "au1", "/v1/user", &k.practitioner));
    assert_eq!(r.status, 429);
    let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset * 1000 > NOW && reset * 1000 <= NOW + 60_000);
    assert_eq!(
        send(&mut sb, &api("GET", "au1", "/v1/user", &k.receptionist)).status,
        200,
        "limits are per user"
    );
    let later = sb.handle(
        &api("GET", "au1", "/v1/user", &k.practitioner),
        reset * 1000,
    );
    assert_eq!(later.response().unwrap().status, 200);
}

#[test]
fn seed_is_deterministic_and_varied() {
    let (a, b) = (Sandbox::new(), Sandbox::new());
    assert_eq!(a.demo_keys(), b.demo_keys());
    let acc = &a.cliniko.accounts[0];
    assert!(acc.patients.len() >= 2000);
    assert!(acc.patients.iter().any(|p| p.last_name.contains('\'')));
    assert!(acc.patients.iter().any(|p| p.last_name.contains('-')));
    assert!(
        acc.patients
            .iter()
            .any(|p| p.first_name.contains('ā') || p.last_name.contains('ā'))
    );
    assert!(
        acc.patients
            .iter()
            .any(|p| p.email.is_none() && p.phones.is_empty())
    );
    assert!(
        acc.patients
            .iter()
            .any(|p| p.phones.iter().any(|ph| ph.number.starts_with("+61 4")))
    );
    assert!(
        acc.patients
            .iter()
            .any(|p| p.phones.iter().any(|ph| ph.number.starts_with("(02) 9")))
    );
    assert!(
        acc.patients
            .iter()
            .any(|p| p.phones.iter().any(|ph| ph.number.starts_with("04")))
    );
    assert!(acc.templates.len() >= 3);
    assert_eq!(a.cliniko.accounts[1].shard, "uk2");
}
