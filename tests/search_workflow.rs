#![cfg(not(target_arch = "wasm32"))]
//! The search workflows against a scripted Platform: requests made, merging, errors, phone scan.

use motics_push::Error;
use motics_push::ehr::connection::connect;
use motics_push::error::Ehr;
use motics_push::http::TransportError;
use motics_push::search::date::DateOrder;
use motics_push::search::query::QueryKind;
use motics_push::search::run::{SearchOptions, scan_phone_page, search};
use motics_push::testing::FakePlatform;
use pollster::block_on;
use serde_json::json;

const KEY: &str = "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2";
const BASE: &str = "https://api.au2.cliniko.com/v1";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/cliniko/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn connected() -> FakePlatform {
    let p = FakePlatform::new();
    p.respond(200, &fixture("user.json"))
        .respond(200, &fixture("practitioners_one.json"))
        .respond(200, &fixture("settings_public.json"));
    block_on(connect(&p, motics_push::ehr::Ehr::Cliniko, KEY)).unwrap();
    p.sent.borrow_mut().clear();
    p
}

fn opts() -> SearchOptions {
    SearchOptions {
        include_archived: false,
        date_order: DateOrder::DayFirst,
        today: Some("2025-06-15".into()),
    }
}

fn page(patients: serde_json::Value, total: u64) -> String {
    json!({"patients": patients, "total_entries": total, "links": {}}).to_string()
}

#[test]
fn a_name_search_makes_three_requests_and_merges_them() {
    let p = connected();
    let jane = json!({"id": "1805465202989210071", "first_name": "Jane", "last_name": "Citizen"});
    let janet = json!({"id": "1805465202989210072", "first_name": "Janet", "last_name": "Brown"});
    let bob = json!({"id": "11", "first_name": "Bob", "last_name": "Jane"});
    p.respond(200, &page(json!([janet, jane]), 2))
        .respond(200, &page(json!([bob]), 1))
        .respond(200, &page(json!([jane]), 1));
    let r = block_on(search(&p, "jane", &opts())).unwrap();
    assert_eq!(r.kind, QueryKind::Name);
    assert_eq!(r.requests_made, 3);
    assert_eq!(
        p.urls(),
        vec![
            format!(
                "{BASE}/patients?q%5B%5D=first_name%3A~jane&sort=created_at%3Adesc&per_page=50"
            ),
            format!("{BASE}/patients?q%5B%5D=last_name%3A~jane&sort=created_at%3Adesc&per_page=50"),
            format!(
                "{BASE}/patients?q%5B%5D=preferred_first_name%3A~jane&sort=created_at%3Adesc&per_page=50"
            ),
        ]
    );
    let ids: Vec<&str> = r.patients.iter().map(|s| s.id.as_str()).collect();
    // Both exact (Citizen before Jane by surname), then the prefix match; the duplicate is merged.
    assert_eq!(
        ids,
        vec!["1805465202989210071", "11", "1805465202989210072"]
    );
    assert!(!r.more_available);
    assert!(!r.phone_scan_suggested);
}

#[test]
fn more_matches_than_a_page_are_flagged() {
    let p = connected();
    let jane = json!({"id": "1", "first_name": "Jane", "last_name": "Citizen"});
    p.respond(200, &page(json!([jane]), 120));
    let r = block_on(search(&p, "jane@example.com", &opts())).unwrap();
    assert_eq!(r.kind, QueryKind::Email);
    assert_eq!(r.requests_made, 1);
    assert!(r.more_available);
}

#[test]
fn a_failed_request_is_an_error_not_no_match() {
    let p = connected();
    p.respond(200, &page(json!([]), 0))
        .fail(TransportError::Timeout);
    assert_eq!(
        block_on(search(&p, "Jane", &opts())),
        Err(Error::Transport(TransportError::Timeout))
    );
    let p = connected();
    p.respond(503, "<html>down</html>");
    assert_eq!(
        block_on(search(&p, "3/4/1980", &opts())),
        Err(Error::Server {
            ehr: Ehr::Cliniko,
            status: 503
        })
    );
}

#[test]
fn searching_needs_a_connection_but_empty_and_bad_queries_send_nothing() {
    let p = FakePlatform::new();
    assert_eq!(
        block_on(search(&p, "Jane", &opts())),
        Err(Error::NotConnected(Ehr::Cliniko))
    );
    let r = block_on(search(&p, "   ", &opts())).unwrap();
    assert_eq!(
        (r.kind, r.requests_made, r.patients.len()),
        (QueryKind::Empty, 0, 0)
    );
    assert!(matches!(
        block_on(search(&p, "<b>", &opts())),
        Err(Error::InvalidInput(_))
    ));
    assert!(p.sent.borrow().is_empty());
}

#[test]
fn an_id_search_uses_the_id_filter_and_keeps_big_ids_exact() {
    let p = connected();
    let big = json!({"id": "9007199254740993", "first_name": "Big", "last_name": "Id"});
    p.respond(200, &page(json!([big]), 1));
    let mut o = opts();
    o.include_archived = true;
    let r = block_on(search(&p, "#9007199254740993", &o)).unwrap();
    assert_eq!(r.kind, QueryKind::Id);
    assert_eq!(
        p.urls(),
        vec![format!(
            "{BASE}/patients?q%5B%5D=id%3A%3D9007199254740993&q%5B%5D=archived_at%3A%2A&sort=created_at%3Adesc&per_page=50"
        )]
    );
    assert_eq!(r.patients[0].id, "9007199254740993");
}

#[test]
fn a_phone_query_sends_nothing_and_asks_for_the_scan() {
    let p = connected();
    let r = block_on(search(&p, "0412 345 678", &opts())).unwrap();
    assert_eq!((r.kind, r.requests_made), (QueryKind::Phone, 0));
    assert!(r.phone_scan_suggested);
    assert!(p.sent.borrow().is_empty());
}

#[test]
fn the_phone_scan_reads_one_page_per_call() {
    let p = connected();
    p.respond(200, &fixture("patients_page.json"));
    let s = block_on(scan_phone_page(&p, "+61 412 345 678", 1, &opts())).unwrap();
    assert_eq!(
        p.urls(),
        vec![format!(
            "{BASE}/patients?sort=created_at&per_page=100&page=1"
        )]
    );
    assert_eq!(s.matches.len(), 1);
    assert_eq!(s.matches[0].id, "1805465202989210071");
    assert_eq!(s.matches[0].phone.as_deref(), Some("0412 345 678"));
    assert_eq!((s.page, s.next_page, s.total_pages), (1, Some(2), Some(3)));

    p.fail(TransportError::Offline);
    assert_eq!(
        block_on(scan_phone_page(&p, "+61 412 345 678", 2, &opts())),
        Err(Error::Transport(TransportError::Offline))
    );
    assert!(matches!(
        block_on(scan_phone_page(&p, "Jane", 1, &opts())),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn today_defaults_to_the_platform_clock() {
    let p = connected();
    // The fake clock is 2025-01-01: a birth date later in 2025 is in the future.
    let o = SearchOptions {
        today: None,
        ..opts()
    };
    assert!(matches!(
        block_on(search(&p, "2025-03-01", &o)),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        block_on(search(
            &p,
            "Jane",
            &SearchOptions {
                today: Some("15/06/2025".into()),
                ..opts()
            }
        )),
        Err(Error::InvalidInput(_))
    ));
}
