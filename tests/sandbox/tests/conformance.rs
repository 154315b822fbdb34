//! Conformance: every Cliniko endpoint the sandbox serves answers JSON that validates against the
//! official OpenAPI description (`cliniko-openapi.yaml`), and the note bodies it accepts validate
//! against the spec's request-body schema.
//!
//! The spec is read from `$MOTICS_CLINIKO_OPENAPI`, else from `shared/reference/` beside the repo
//! (CARGO_MANIFEST_DIR/../../..), where CI has it.
//! Translation to JSON Schema: OpenAPI 3.0 `nullable: true` becomes `type: [T, "null"]` (or an
//! `anyOf` with null), `format: int64` on strings becomes a digits pattern (ids are strings), the
//! spec's upper-case-only email regex (written for a case-insensitive Ruby matcher) gets `(?i)`,
//! OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become JSON Schema's numeric bounds,
//! and objects are closed (`additionalProperties: false`) so the sandbox cannot invent fields.

use motics_sandbox::codec::base64_encode;
use motics_sandbox::{HttpRequest, Outcome, Sandbox};
use serde_json::{Map, Value, json};

const NOW: u64 = 1_762_732_800_000;

fn spec() -> Value {
    let path = std::env::var("MOTICS_CLINIKO_OPENAPI").unwrap_or_else(|_| {
        format!(
            "{}/../../../shared/reference/cliniko-openapi.yaml",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read the Cliniko OpenAPI file at {path}: {e} (set MOTICS_CLINIKO_OPENAPI)")
    });
    serde_yaml::from_str(&text).expect("valid YAML")
}

fn translate(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(translate).collect()),
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, val) in o {
                if matches!(
                    k.as_str(),
                    "nullable"
                        | "example"
                        | "examples"
                        | "deprecated"
                        | "x-tags"
                        | "description"
                        | "title"
                        | "readOnly"
                        | "writeOnly"
                ) {
                    continue;
                }
                // `properties` maps names to schemas: translate the schemas, keep every name (a
                // property may well be called `title` or `description`).
                let translated = match (k.as_str(), val) {
                    ("properties", Value::Object(props)) => Value::Object(
                        props
                            .iter()
                            .map(|(n, s)| (n.clone(), translate(s)))
                            .collect(),
                    ),
                    _ => translate(val),
                };
                out.insert(k.clone(), translated);
            }
            if out.get("type") == Some(&json!("string"))
                && out.get("format") == Some(&json!("int64"))
            {
                out.insert("pattern".into(), json!("^[0-9]+$"));
            }
            if let Some(Value::String(p)) = out.get("pattern").cloned()
                && p.contains("[A-Z0-9!#$%&'*+/=?^_`{|}~.-]+@")
            {
                out.insert("pattern".into(), json!(format!("(?i){p}")));
            }
            // OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` modify `minimum`/
            // `maximum`; JSON Schema's are the bounds themselves (appointment `max_attendees`).
            for (excl, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(on)) = out.get(excl).cloned() {
                    out.remove(excl);
                    if on && let Some(b) = out.remove(bound) {
                        out.insert(excl.into(), b);
                    }
                }
            }
            if out.get("type") == Some(&json!("object"))
                && out.contains_key("properties")
                && !out.contains_key("additionalProperties")
            {
                out.insert("additionalProperties".into(), json!(false));
            }
            if o.get("nullable") == Some(&json!(true)) {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(e)) = out.get_mut("enum") {
                        e.push(Value::Null);
                    }
                } else {
                    return json!({ "anyOf": [Value::Object(out), { "type": "null" }] });
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

struct Checker {
    components: Value,
    paths: Value,
    request_bodies: Value,
}

impl Checker {
    fn new() -> Self {
        let s = spec();
        Checker {
            components: translate(&s["components"]),
            paths: s["paths"].clone(),
            request_bodies: s["components"]["requestBodies"].clone(),
        }
    }

    fn validate(&self, schema: &Value, instance: &Value, what: &str) {
        let mut root = translate(schema);
        if let Value::Object(m) = &mut root {
            m.insert("components".into(), self.components.clone());
        } else {
            panic!("{what}: schema is not an object");
        }
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{what}: bad schema: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not conform:\n{}",
            errors.join("\n")
        );
    }

    fn response_schema(&self, method: &str, path: &str, status: &str) -> Value {
        let mut resp = self.paths[path][method]["responses"][status].clone();
        if let Some(r) = resp.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/components/responses/");
            resp = spec_response(name);
        }
        let schema = resp["content"]["application/json"]["schema"].clone();
        assert!(schema.is_object(), "no schema for {method} {path} {status}");
        schema
    }

    fn request_schema(&self, name: &str) -> Value {
        self.request_bodies[name]["content"]["application/json"]["schema"].clone()
    }
}

fn spec_response(name: &str) -> Value {
    spec()["components"]["responses"][name].clone()
}

fn call(
    sb: &mut Sandbox,
    method: &str,
    shard: &str,
    path: &str,
    key: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = HttpRequest::new(method, &format!("api.{shard}.cliniko.com"), path)
        .header(
            "Authorization",
            &format!("Basic {}", base64_encode(format!("{key}:").as_bytes())),
        )
        .header("User-Agent", "Motics Push (support@motics.ai)")
        .header("Accept", "application/json");
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(&b.to_string());
    }
    match sb.handle(&req, NOW) {
        Outcome::Respond(r) => (r.status, r.json_body()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn responses_and_request_bodies_conform_to_the_openapi_spec() {
    let c = Checker::new();
    let mut sb = Sandbox::new();
    let keys = sb.demo_keys().clone();
    let mut checked = 0;
    for (shard, key) in [
        ("au1", keys.practitioner.clone()),
        ("uk2", keys.uk2.clone()),
    ] {
        let mut check = |sb: &mut Sandbox,
                         method: &str,
                         spec_path: &str,
                         path: &str,
                         status: u16,
                         body: Option<&Value>|
         -> Value {
            let (got, json) = call(sb, method, shard, path, &key, body);
            assert_eq!(got, status, "{method} {path}: {json}");
            let schema = c.response_schema(method, spec_path, &status.to_string());
            c.validate(&schema, &json, &format!("{method} {path} ({shard})"));
            checked += 1;
            json
        };
        let user = check(&mut sb, "get", "/user", "/v1/user", 200, None);
        check(
            &mut sb,
            "get",
            "/settings/public",
            "/v1/settings/public",
            200,
            None,
        );
        let prs = check(
            &mut sb,
            "get",
            "/practitioners",
            &format!(
                "/v1/practitioners?q[]=user_id:={}",
                user["id"].as_str().unwrap()
            ),
            200,
            None,
        );
        let prid = prs["practitioners"][0]["id"].as_str().unwrap().to_string();
        check(
            &mut sb,
            "get",
            "/practitioners/{id}",
            &format!("/v1/practitioners/{prid}"),
            200,
            None,
        );
        let pats = check(
            &mut sb,
            "get",
            "/patients",
            "/v1/patients?per_page=100&q[]=archived_at:*",
            200,
            None,
        );
        check(
            &mut sb,
            "get",
            "/patients",
            "/v1/patients?per_page=100&page=7",
            200,
            None,
        );
        let pid = pats["patients"][0]["id"].as_str().unwrap().to_string();
        check(
            &mut sb,
            "get",
            "/patients/{id}",
            &format!("/v1/patients/{pid}"),
            200,
            None,
        );
        let tpls = check(
            &mut sb,
            "get",
            "/treatment_note_templates",
            "/v1/treatment_note_templates?q[]=archived_at:*",
            200,
            None,
        );
        let tid = tpls["treatment_note_templates"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        for t in tpls["treatment_note_templates"].as_array().unwrap() {
            if t["archived_at"].is_null() {
                check(
                    &mut sb,
                    "get",
                    "/treatment_note_templates/{id}",
                    &format!("/v1/treatment_note_templates/{}", t["id"].as_str().unwrap()),
                    200,
                    None,
                );
            }
        }
        check(
            &mut sb,
            "get",
            "/treatment_notes",
            "/v1/treatment_notes?per_page=100&q[]=archived_at:*",
            200,
            None,
        );

        let body = json!({
            "patient_id": pid, "treatment_note_template_id": tid, "title": "Consult", "draft": false,
            "content": { "sections": [
                { "name": "Subjective", "description": "What the patient reports", "questions": [
                    { "name": "Subjective", "type": "paragraph", "answer": "<p>Pain <b>6/10</b></p><ul><li>a</li></ul>" },
                    { "name": "Pain score", "type": "text", "answer": "6/10" },
                    { "name": "Onset", "type": "date", "answer": "2025-01-31" } ] },
                { "name": "Examination", "questions": [
                    { "name": "Side", "type": "radiobuttons", "answers": [ {"value": "Left"}, {"value": "Right", "selected": true} ], "other": { "enabled": true } },
                    { "name": "Areas", "type": "checkboxes", "answers": [ {"value": "Neck", "selected": true}, {"value": "Back"} ] } ] } ] }
        });
        c.validate(&c.request_schema("TreatmentNote"), &body, "request body");
        let note = check(
            &mut sb,
            "post",
            "/treatment_notes",
            "/v1/treatment_notes",
            201,
            Some(&body),
        );
        let nid = note["id"].as_str().unwrap().to_string();
        check(
            &mut sb,
            "get",
            "/treatment_notes/{id}",
            &format!("/v1/treatment_notes/{nid}"),
            200,
            None,
        );
        check(
            &mut sb,
            "get",
            "/patients/{patient_id}/treatment_notes",
            &format!("/v1/patients/{pid}/treatment_notes"),
            200,
            None,
        );
        let bad = json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": { "sections": [] } });
        c.validate(&c.request_schema("TreatmentNote"), &json!({ "patient_id": pid, "treatment_note_template_id": tid, "content": null, "draft": null }), "request body with nulls");
        check(
            &mut sb,
            "post",
            "/treatment_notes",
            "/v1/treatment_notes",
            422,
            Some(&bad),
        );
        let (s, _) = call(
            &mut sb,
            "POST",
            shard,
            &format!("/v1/treatment_notes/{nid}/archive"),
            &key,
            None,
        );
        assert_eq!(s, 204);
        check(
            &mut sb,
            "post",
            "/treatment_notes/{id}/unarchive",
            &format!("/v1/treatment_notes/{nid}/unarchive"),
            200,
            None,
        );
    }
    assert!(checked >= 30, "checked {checked} responses");
}

#[test]
fn translation_rejects_what_the_spec_forbids() {
    // The checker must be able to fail: a numeric id, or an unknown field, does not conform.
    let c = Checker::new();
    let user = json!({ "id": 123, "first_name": "A", "last_name": "B", "email": "a@b.co", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z" });
    let schema = c.response_schema("get", "/user", "200");
    let root = {
        let mut r = translate(&schema);
        r.as_object_mut()
            .unwrap()
            .insert("components".into(), c.components.clone());
        r
    };
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap();
    assert!(!v.is_valid(&user), "numeric id must fail");
    let mut ok = user.clone();
    ok["id"] = json!("123");
    assert!(v.is_valid(&ok), "string id passes");
    ok["invented"] = json!(true);
    assert!(!v.is_valid(&ok), "unknown field must fail");
    ok.as_object_mut().unwrap().remove("invented");
    ok["title"] = Value::Null;
    assert!(v.is_valid(&ok), "nullable title accepts null");
}

/// The bodies the extension itself posts: for every active template of both clinics and several
/// note shapes, the template Automatic would choose and every other one, filled by the core's
/// `fill_template` and built by its request builder, validate against the spec's `TreatmentNote`
/// request body, and the sandbox creates them (201, response conforming).
#[test]
fn bodies_the_extension_posts_conform_to_the_openapi_spec() {
    use motics_push::cliniko::content::fill_template;
    use motics_push::cliniko::requests::{NewTreatmentNote, create_treatment_note};
    use motics_push::cliniko::types::TreatmentNoteTemplate;
    use motics_push::cliniko::{ClinikoId, ClinikoKey};
    use motics_push::note::Note;
    use motics_push::note::from_markdown::blocks_from_markdown;
    use motics_push::render::{Footer, RenderOptions};
    use motics_push::templates::choose;

    let notes = [
        "## Subjective\n\nPain **6/10** & worse <at night>.\n\n## Objective\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Assessment\n\nStrain.\n\n## Plan\n\n1. Rest\n2. Review",
        "## History\n\nFell.\n\n## Examination\n\nSwelling.\n\n## Treatment\n\nIce.",
        "Plain text only, no headings.",
        "## Goals\n\nRun 5 km.\n\n## Anamnese\n\nSeit 2 Wochen.",
    ];
    let opts = RenderOptions {
        footer: Some(Footer {
            author: Some("Dr Amelia Hart".into()),
            created: Some("31/01/2025 10:02".into()),
            reference: Some("7K2P9Q".into()),
        }),
    };
    let c = Checker::new();
    let mut sb = Sandbox::new();
    let keys = sb.demo_keys().clone();
    let mut posted = 0;
    for (shard, key) in [
        ("au1", keys.practitioner.clone()),
        ("uk2", keys.uk2.clone()),
    ] {
        let (_, pats) = call(&mut sb, "GET", shard, "/v1/patients?per_page=5", &key, None);
        let pid = pats["patients"][0]["id"].as_str().unwrap().to_string();
        let (_, list) = call(
            &mut sb,
            "GET",
            shard,
            "/v1/treatment_note_templates",
            &key,
            None,
        );
        let templates: Vec<TreatmentNoteTemplate> = list["treatment_note_templates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["archived_at"].is_null())
            .map(|t| TreatmentNoteTemplate {
                id: ClinikoId::parse(t["id"].as_str().unwrap()).unwrap(),
                name: t["name"].as_str().unwrap().into(),
                content: serde_json::from_value(t["content"].clone()).unwrap(),
                archived_at: None,
            })
            .collect();
        for md in notes {
            let note = Note::from_blocks(blocks_from_markdown(md));
            let fits = choose::fits(&templates, &note);
            let auto = choose::choose(&templates, &fits, None).expect("a template");
            assert!(
                templates
                    .iter()
                    .any(|t| t.id.to_string() == auto.template_id)
            );
            for t in &templates {
                let filled = fill_template(t.content.as_ref(), &note, &opts).unwrap();
                let req = create_treatment_note(
                    &ClinikoKey::parse(&key).unwrap(),
                    &NewTreatmentNote {
                        patient_id: ClinikoId::parse(&pid).unwrap(),
                        treatment_note_template_id: t.id.clone(),
                        title: "Session Summary".into(),
                        draft: true,
                        content: Some(filled.content),
                    },
                )
                .unwrap();
                let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                let what = format!("body for {} ({shard})", t.name);
                c.validate(&c.request_schema("TreatmentNote"), &body, &what);
                let (status, created) = call(
                    &mut sb,
                    "POST",
                    shard,
                    "/v1/treatment_notes",
                    &key,
                    Some(&body),
                );
                assert_eq!(status, 201, "{what}: {created}");
                let schema = c.response_schema("post", "/treatment_notes", "201");
                c.validate(&schema, &created, &what);
                posted += 1;
            }
        }
    }
    assert!(posted >= 20, "{posted} bodies");
}

/// The diary (issue 14): every appointment list and record the sandbox serves, cancelled and
/// deleted ones included, and notes linked by `booking_id` / `attendee_id` (request bodies and
/// 201 responses) conform to the spec.
#[test]
fn diary_responses_and_linked_note_bodies_conform_to_the_openapi_spec() {
    let c = Checker::new();
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().practitioner.clone();
    let check = |sb: &mut Sandbox, spec_path: &str, path: &str| -> Value {
        let (got, json) = call(sb, "GET", "au1", path, &key, None);
        assert_eq!(got, 200, "{path}: {json}");
        c.validate(&c.response_schema("get", spec_path, "200"), &json, path);
        json
    };
    let day = "q[]=starts_at:%3E%3D2025-11-03T00:00:00Z&q[]=starts_at:%3C2025-11-04T00:00:00Z";
    let list = check(
        &mut sb,
        "/individual_appointments",
        &format!(
            "/v1/individual_appointments?{day}&q[]=cancelled_at:*&q[]=deleted_at:*&per_page=100"
        ),
    );
    let items = list["individual_appointments"].as_array().unwrap().clone();
    assert!(items.iter().any(|a| a["cancelled_at"].is_string()));
    assert!(items.iter().any(|a| a["deleted_at"].is_string()));
    let paged = check(
        &mut sb,
        "/individual_appointments",
        &format!("/v1/individual_appointments?{day}&per_page=3&page=2"),
    );
    assert!(paged["links"]["next"].is_string() && paged["links"]["previous"].is_string());
    let one = &items[0];
    let aid = one["id"].as_str().unwrap();
    check(
        &mut sb,
        "/individual_appointments/{id}",
        &format!("/v1/individual_appointments/{aid}"),
    );
    let groups = check(
        &mut sb,
        "/group_appointments",
        &format!("/v1/group_appointments?{day}"),
    );
    let gid = groups["group_appointments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    check(
        &mut sb,
        "/group_appointments/{id}",
        &format!("/v1/group_appointments/{gid}"),
    );
    let attendees = check(
        &mut sb,
        "/attendees",
        &format!("/v1/attendees?q[]=booking_id:={gid}"),
    );
    check(
        &mut sb,
        "/group_appointments/{group_appointment_id}/attendees",
        &format!("/v1/group_appointments/{gid}/attendees"),
    );
    let attendee = attendees["attendees"][0].clone();
    let atid = attendee["id"].as_str().unwrap().to_string();
    check(&mut sb, "/attendees/{id}", &format!("/v1/attendees/{atid}"));
    check(&mut sb, "/appointment_types", "/v1/appointment_types");

    // Linked note bodies: by booking_id (an individual appointment) and by attendee_id.
    let (_, templates) = call(
        &mut sb,
        "GET",
        "au1",
        "/v1/treatment_note_templates",
        &key,
        None,
    );
    let tid = templates["treatment_note_templates"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patient_of = |v: &Value| {
        v["patient"]["links"]["self"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let booked = items
        .iter()
        .find(|a| {
            a["cancelled_at"].is_null()
                && a["deleted_at"].is_null()
                && a["treatment_note_status"].is_null()
        })
        .unwrap();
    for body in [
        json!({ "patient_id": patient_of(booked), "treatment_note_template_id": tid, "booking_id": booked["id"], "draft": true, "title": "Linked" }),
        json!({ "patient_id": patient_of(&attendee), "treatment_note_template_id": tid, "attendee_id": atid, "draft": false, "title": "Class" }),
    ] {
        c.validate(
            &c.request_schema("TreatmentNote"),
            &body,
            "linked note body",
        );
        let (status, created) = call(
            &mut sb,
            "POST",
            "au1",
            "/v1/treatment_notes",
            &key,
            Some(&body),
        );
        assert_eq!(status, 201, "{created}");
        c.validate(
            &c.response_schema("post", "/treatment_notes", "201"),
            &created,
            "linked note",
        );
        assert!(created["booking"]["links"]["self"].is_string());
    }
}

/// Operators the docs allow per filter format (the anchor in the spec's filter tables).
fn operators(format: &str) -> &'static [&'static str] {
    match format {
        "numeric-filter-operators" => &["=", "!=", ">=", ">", "<=", "<", "?", "!?"],
        "datetime-filter-operators" => &[">=", ">", "<=", "<", "?", "!?", "*"],
        "date-filter-operators" => &["=", ">=", ">", "<=", "<", "?", "!?"],
        "boolean-filter-operators" => &["=", "!="],
        "string-filter-operators" => &["=", "!=", "~", "~~", "?", "!?"],
        "array-filter-operators" => &["~"],
        _ => &[],
    }
}

/// The filters an operation documents: `(field, format anchor)` from its `q[]` description table.
fn documented_filters(c: &Checker, path: &str) -> Vec<(String, String)> {
    let params = c.paths[path]["get"]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("GET {path} is not in the spec"));
    let q = params
        .iter()
        .find(|p| p["name"] == "q[]")
        .unwrap_or_else(|| panic!("GET {path} takes no q[]"));
    q["description"]
        .as_str()
        .unwrap()
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let field = cells.get(1)?;
            let anchor = cells.get(2)?.split("(/#").nth(1)?.trim_end_matches(')');
            Some((field.to_string(), anchor.to_string()))
        })
        .collect()
}

/// Every diary request the core builds (issue 14) uses a documented path, documented `q[]`
/// fields with operators their format allows, and `per_page` within 1–100; the linked note bodies
/// it builds validate against `requestBodies/TreatmentNote` and are created (201, conforming).
#[test]
fn diary_requests_the_core_builds_conform_to_the_openapi_spec() {
    use motics_push::cliniko::appointments as ca;
    use motics_push::cliniko::requests::NewTreatmentNote;
    use motics_push::cliniko::{ClinikoId, ClinikoKey};
    use motics_push::diary::{Link, WindowSettings, verify, window};

    let c = Checker::new();
    let mut sb = Sandbox::new();
    let raw_key = sb.demo_keys().practitioner.clone();
    let key = ClinikoKey::parse(&raw_key).unwrap();
    let id = |s: &str| ClinikoId::parse(s).unwrap();
    let w = window(1_762_165_920_000, 600, WindowSettings::default());
    let prac = id("1100000000000000001");
    let q = ca::DiaryQuery {
        practitioner_id: &prac,
        window: &w,
    };
    let mut requests = vec![
        ca::list_individual_appointments(&key, &q, None),
        ca::list_individual_appointments(&key, &q, Some(3)),
        ca::list_group_appointments(&key, &q, None),
    ];
    requests.extend(ca::list_attendees(&key, &[id("1"), id("2")]));
    requests.extend(ca::list_appointment_types(&key, &[id("3")]));
    requests.extend(ca::list_patients_by_ids(&key, &[id("4"), id("5")]));
    for req in &requests {
        let rest = req.url.split("/v1").nth(1).unwrap();
        let path = rest.split('?').next().unwrap();
        let parsed = HttpRequest::new("GET", "api.au1.cliniko.com", rest);
        let documented = documented_filters(&c, path);
        let mut filters = 0;
        for (k, v) in parsed.query_pairs() {
            match k.as_str() {
                "q[]" => {
                    let (field, rest) = v.split_once(':').unwrap();
                    let (_, format) = documented
                        .iter()
                        .find(|(f, _)| f == field)
                        .unwrap_or_else(|| panic!("{path}: '{field}' is not a documented filter"));
                    let op = ["!?", ">=", "<=", "!=", "~~", "=", ">", "<", "?", "*", "~"]
                        .into_iter()
                        .find(|op| rest.starts_with(op))
                        .unwrap();
                    assert!(
                        operators(format).contains(&op),
                        "{path}: '{op}' is not allowed on {field} ({format})"
                    );
                    filters += 1;
                }
                "per_page" => assert!((1..=100).contains(&v.parse::<u32>().unwrap())),
                "page" | "sort" => {}
                other => panic!("{path}: undocumented parameter {other}"),
            }
        }
        assert!(filters >= 1, "{}", req.url);
    }
    // Reads by id (a link the worker no longer holds) and the receptionist's practitioner list:
    // documented GETs with a documented 200, and only documented paging parameters.
    for (req, documented_path) in [
        (
            ca::get_individual_appointment(&key, &id("7")),
            "/individual_appointments/{id}",
        ),
        (ca::get_attendee(&key, &id("8")), "/attendees/{id}"),
        (
            ca::get_group_appointment(&key, &id("9")),
            "/group_appointments/{id}",
        ),
        (ca::list_practitioners(&key, None), "/practitioners"),
    ] {
        let rest = req.url.split("/v1").nth(1).unwrap();
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let shape: Vec<&str> = documented_path.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        assert_eq!(shape.len(), got.len(), "{path}");
        for (a, b) in shape.iter().zip(&got) {
            assert!(
                a.starts_with('{') || a == b,
                "{path} is not {documented_path}"
            );
        }
        c.response_schema("get", documented_path, "200");
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap();
            assert_eq!(k, "per_page", "{path}: undocumented parameter {k}");
            assert!((1..=100).contains(&v.parse::<u32>().unwrap()));
        }
    }

    // Linked bodies, from real diary records: one individual appointment, one class attendee.
    let (_, user) = call(&mut sb, "GET", "au1", "/v1/user", &raw_key, None);
    let (_, p) = call(
        &mut sb,
        "GET",
        "au1",
        &format!(
            "/v1/practitioners?q[]=user_id:={}",
            user["id"].as_str().unwrap()
        ),
        &raw_key,
        None,
    );
    let prac = id(p["practitioners"][0]["id"].as_str().unwrap());
    let w = window(1_762_165_920_000, 0, WindowSettings::default());
    let q = ca::DiaryQuery {
        practitioner_id: &prac,
        window: &w,
    };
    let get = |sb: &mut Sandbox, url: &str| {
        let rest = url.split(".cliniko.com").nth(1).unwrap().to_string();
        call(sb, "GET", "au1", &rest, &raw_key, None).1
    };
    let mut pages = ca::DiaryPages::default();
    let v = get(
        &mut sb,
        &ca::list_individual_appointments(&key, &q, None).url,
    );
    pages.individual = motics_push::cliniko::responses::parse_body::<
        motics_push::cliniko::types::Page<ca::IndividualAppointment>,
    >(&v.to_string())
    .unwrap()
    .items;
    let v = get(&mut sb, &ca::list_group_appointments(&key, &q, None).url);
    pages.groups = motics_push::cliniko::responses::parse_body::<
        motics_push::cliniko::types::Page<ca::GroupAppointment>,
    >(&v.to_string())
    .unwrap()
    .items;
    for r in ca::list_attendees(&key, &pages.group_ids()) {
        let v = get(&mut sb, &r.url);
        pages.attendees.extend(
            motics_push::cliniko::responses::parse_body::<
                motics_push::cliniko::types::Page<ca::Attendee>,
            >(&v.to_string())
            .unwrap()
            .items,
        );
    }
    let diary = ca::to_appointments(&pages, &q);
    let individual = diary
        .iter()
        .find(|a| a.kind == motics_push::diary::Kind::Individual && a.open_for_note())
        .unwrap();
    let attendee = diary
        .iter()
        .find(|a| a.kind != motics_push::diary::Kind::Individual)
        .unwrap();
    let (_, templates) = call(
        &mut sb,
        "GET",
        "au1",
        "/v1/treatment_note_templates",
        &raw_key,
        None,
    );
    let tid = id(templates["treatment_note_templates"][0]["id"]
        .as_str()
        .unwrap());
    for a in [individual, attendee] {
        let link = verify(&Link::from(a), &a.patient_id, None).unwrap();
        let note = NewTreatmentNote {
            patient_id: id(&a.patient_id),
            treatment_note_template_id: tid.clone(),
            title: "Linked".into(),
            draft: true,
            content: None,
        };
        let req = ca::create_linked_treatment_note(&key, &note, &link).unwrap();
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        c.validate(
            &c.request_schema("TreatmentNote"),
            &body,
            "linked body the core builds",
        );
        let (status, created) = call(
            &mut sb,
            "POST",
            "au1",
            "/v1/treatment_notes",
            &raw_key,
            Some(&body),
        );
        assert_eq!(status, 201, "{created}");
        c.validate(
            &c.response_schema("post", "/treatment_notes", "201"),
            &created,
            "linked note",
        );
    }
}
