#![cfg(not(target_arch = "wasm32"))]
//! The one envelope parser: success, paging, failure forms, HTML, truncated and wrong bodies.

use motics_push::Error;
use motics_push::error::Ehr;
use motics_push::http::ApiResponse;
use motics_push::nookal::responses::{HTML_DETAIL, failure_error, means_empty_list, parse};
use motics_push::nookal::types::{Case, Location, Patient, Practitioner, TreatmentNote};
use serde_json::json;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/nookal/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn resp(status: u16, body: &str) -> ApiResponse {
    ApiResponse {
        status,
        headers: vec![],
        body: body.to_string(),
    }
}

fn ok(body: &str) -> Result<motics_push::nookal::responses::Envelope, Error> {
    parse(&resp(200, body), 0)
}

fn detail(e: Error) -> String {
    match e {
        Error::UnexpectedBody {
            ehr: Ehr::Nookal,
            detail,
        } => detail,
        other => panic!("expected UnexpectedBody, got {other:?}"),
    }
}

#[test]
fn success_with_records_and_paging() {
    let env = ok(&fixture("practitioners.json")).unwrap();
    assert_eq!(env.api_call.as_deref(), Some("getPractitioners"));
    assert_eq!(env.paging.next_page, None);
    let ps: Vec<Practitioner> = env.list("practitioners").unwrap();
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].id.as_str(), "1");
    assert_eq!(ps[0].display_name(), "Dr John Doe");
    assert_eq!(ps[0].location_ids[0].as_str(), "1");

    let env = ok(&fixture("locations.json")).unwrap();
    let ls: Vec<Location> = env.list("locations").unwrap();
    assert_eq!(
        ls.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["3", "7"],
        "numeric ids become strings"
    );
}

#[test]
fn patients_are_pascal_case_and_ids_stay_exact() {
    let ps: Vec<Patient> = ok(&fixture("patients.json"))
        .unwrap()
        .list("patients")
        .unwrap();
    assert_eq!(ps[0].id.as_str(), "9007199254740993");
    assert_eq!(ps[0].first_name, "Zoë");
    assert_eq!(ps[0].date_of_birth.as_deref(), Some("1984-02-29"));
    assert_eq!(ps[0].mobile.as_deref(), Some("0412 345 678"));
    assert_eq!(ps[0].active, Some(true));
    assert_eq!(ps[1].date_of_birth, None, "0000-00-00 is no date");
    assert_eq!(ps[1].email, None, "empty email is none");
}

#[test]
fn cases_and_notes_decode() {
    let cs: Vec<Case> = ok(&fixture("cases.json")).unwrap().list("cases").unwrap();
    assert_eq!(cs.len(), 3);
    assert_eq!(cs[0].status.as_deref(), Some("closed"));
    let ns: Vec<TreatmentNote> = ok(&fixture("notes_garbled.json"))
        .unwrap()
        .list("notes")
        .unwrap();
    assert_eq!(ns[0].id.as_str(), "501");
    assert!(ns[0].text.starts_with("Subjective: cafÃ©"));
    assert!(ns[1].is_deleted());
}

#[test]
fn paging_numbers_or_strings() {
    let body = |cur: &str, next: &str| {
        format!(
            r#"{{"status":"success","data":{{"results":{{"cases":[]}}}},"settings":{{"currentPage":{cur},"nextPage":{next}}}}}"#
        )
    };
    for (cur, next, want) in [
        ("1", "2", Some(2)),
        ("\"1\"", "\"2\"", Some(2)),
        ("1", "null", None),
        ("1", "\"\"", None),
        ("1", "false", None),
        ("1", "0", None),
    ] {
        let env = ok(&body(cur, next)).unwrap();
        assert_eq!(env.paging.next_page, want, "{next}");
    }
    assert_eq!(
        detail(ok(&body("1", "\"two\"")).unwrap_err()),
        "settings.nextPage: expected a whole number"
    );
}

#[test]
fn failure_with_error_message() {
    let e = ok(r#"{"status":"failure","details":{"errorMessage":"One of Patient ID | Case ID is missing","errorCode":"L010"}}"#)
        .unwrap_err();
    assert_eq!(
        e,
        Error::Refused {
            ehr: Ehr::Nookal,
            message: "One of Patient ID | Case ID is missing (code L010)".into()
        }
    );
}

#[test]
fn failure_with_only_alerts() {
    let e =
        ok(r#"{"status":"failure","details":{"alerts":["Date is invalid","Notes are required"]}}"#)
            .unwrap_err();
    assert_eq!(
        e,
        Error::Refused {
            ehr: Ehr::Nookal,
            message: "Date is invalid; Notes are required".into()
        }
    );
    let e = ok(r#"{"status":"failure"}"#).unwrap_err();
    assert_eq!(
        e,
        Error::Refused {
            ehr: Ehr::Nookal,
            message: "Nookal gave no reason".into()
        }
    );
}

#[test]
fn key_failures_are_unauthorized() {
    assert_eq!(
        ok(&fixture("verify_missing_key.json")).unwrap_err(),
        Error::Unauthorized(Ehr::Nookal)
    );
    assert_eq!(
        failure_error(Some(&json!({"errorMessage": "Invalid API Key"}))),
        Error::Unauthorized(Ehr::Nookal)
    );
    assert_eq!(
        failure_error(Some(&json!({"errorMessage": "Too many requests"}))),
        Error::RateLimited {
            ehr: Ehr::Nookal,
            wait_s: 60
        }
    );
}

#[test]
fn http_statuses() {
    assert_eq!(
        parse(&resp(401, ""), 0).unwrap_err(),
        Error::Unauthorized(Ehr::Nookal)
    );
    assert_eq!(
        parse(&resp(403, ""), 0).unwrap_err(),
        Error::Forbidden(Ehr::Nookal)
    );
    assert_eq!(
        parse(&resp(502, "<html>bad gateway</html>"), 0).unwrap_err(),
        Error::Server {
            ehr: Ehr::Nookal,
            status: 502
        }
    );
    let mut r = resp(429, "");
    r.headers.push(("retry-after".into(), "7".into()));
    assert_eq!(
        parse(&r, 0).unwrap_err(),
        Error::RateLimited {
            ehr: Ehr::Nookal,
            wait_s: 7
        }
    );
    assert_eq!(
        parse(&resp(418, "teapot"), 0).unwrap_err(),
        Error::UnexpectedStatus {
            ehr: Ehr::Nookal,
            status: 418
        }
    );
    // A failure envelope is read whatever the status.
    assert!(matches!(
        parse(
            &resp(
                400,
                r#"{"status":"failure","details":{"errorMessage":"Bad"}}"#
            ),
            0
        ),
        Err(Error::Refused { .. })
    ));
}

#[test]
fn html_404_means_wrong_method_or_changed_api() {
    let d = detail(parse(&resp(404, &fixture("unknown_method.html")), 0).unwrap_err());
    assert_eq!(d, format!("body: HTTP 404 with {HTML_DETAIL}"));
    assert!(d.contains("method name is wrong"));
    // The same page served with 200.
    let d = detail(ok(&fixture("unknown_method.html")).unwrap_err());
    assert_eq!(d, format!("body: {HTML_DETAIL}"));
}

#[test]
fn broken_bodies() {
    assert_eq!(detail(ok("").unwrap_err()), "body: empty, expected JSON");
    assert_eq!(
        detail(ok("  \n").unwrap_err()),
        "body: empty, expected JSON"
    );
    assert_eq!(
        detail(ok(r#"{"status":"success","data":{"res"#).unwrap_err()),
        "body: truncated JSON (line 1, column 32)"
    );
    assert!(detail(ok("{]").unwrap_err()).starts_with("body: not valid JSON"));
    assert_eq!(detail(ok("[1,2]").unwrap_err()), "body: expected an object");
    assert_eq!(
        detail(ok(r#"{"data":{}}"#).unwrap_err()),
        "status: expected \"success\" or \"failure\""
    );
    assert_eq!(
        detail(ok(r#"{"status":"success","data":{"results":"x"}}"#).unwrap_err()),
        "data.results: expected an object"
    );
}

#[test]
fn wrong_types_name_the_path_not_the_value() {
    let env = ok(r#"{"status":"success","data":{"results":{"patients":[{"ID":"1","FirstName":{"secret":"Jane"}}]}}}"#)
        .unwrap();
    let d = detail(env.list::<Patient>("patients").unwrap_err());
    assert_eq!(d, "data.results.patients[0].FirstName: expected text");
    assert!(!d.contains("Jane"));
    let env = ok(r#"{"status":"success","data":{"results":{"patients":[{"ID":1.5}]}}}"#).unwrap();
    assert_eq!(
        detail(env.list::<Patient>("patients").unwrap_err()),
        "data.results.patients[0].ID: expected an id"
    );
    let env = ok(r#"{"status":"success","data":{"results":{"patients":"none"}}}"#).unwrap();
    assert_eq!(
        detail(env.list::<Patient>("patients").unwrap_err()),
        "data.results.patients: expected a list"
    );
    let env = ok(r#"{"status":"success","data":{"results":{"cases":[]}}}"#).unwrap();
    assert_eq!(
        detail(env.list::<Patient>("patients").unwrap_err()),
        "data.results.patients: missing list"
    );
}

#[test]
fn php_empty_shapes_are_empty_lists() {
    for body in [
        r#"{"status":"success","data":{"results":[]}}"#,
        r#"{"status":"success","data":[]}"#,
        r#"{"status":"success","data":{"results":{"patients":null}}}"#,
    ] {
        assert!(
            ok(body)
                .unwrap()
                .list::<Patient>("patients")
                .unwrap()
                .is_empty(),
            "{body}"
        );
    }
    let env = ok(
        r#"{"status":"success","data":{"results":{"patients":{"0":{"ID":"5"},"2":{"ID":"6"}}}}}"#,
    )
    .unwrap();
    assert_eq!(env.list::<Patient>("patients").unwrap().len(), 2);
}

#[test]
fn empty_list_failures_are_recognised() {
    let e = ok(r#"{"status":"failure","details":{"errorMessage":"Unable to retrieve patients","errorCode":"L005"}}"#)
        .unwrap_err();
    assert!(means_empty_list(&e));
    let e =
        ok(r#"{"status":"failure","details":{"errorMessage":"Case ID is missing"}}"#).unwrap_err();
    assert!(!means_empty_list(&e));
}
