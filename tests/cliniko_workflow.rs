#![cfg(not(target_arch = "wasm32"))]
//! The Cliniko connection workflows against a scripted Platform: verify, connect, status,
//! switches, reconnect after 401, the template cache, and the send helper's pacing.

use motics_push::Error;
use motics_push::cliniko::client;
use motics_push::cliniko::connect::{list_templates, verify_key};
use motics_push::cliniko::key::ClinikoKey;
use motics_push::cliniko::requests;
use motics_push::cliniko::store::{KEY_TEMPLATES, STORE};
use motics_push::ehr::connection;
use motics_push::error::Ehr;
use motics_push::http::TransportError;
use motics_push::integration::ConnectionState;
use motics_push::platform::StorageArea;
use motics_push::testing::FakePlatform;
use pollster::block_on;

const KEY: &str = "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2";
const BASE: &str = "https://api.au2.cliniko.com/v1";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/cliniko/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn script_verify(p: &FakePlatform, practitioners: &str) {
    p.respond(200, &fixture("user.json"))
        .respond(200, &fixture(practitioners))
        .respond(200, &fixture("settings_public.json"));
}

fn connected() -> FakePlatform {
    let p = FakePlatform::new();
    script_verify(&p, "practitioners_one.json");
    block_on(connection::connect(&p, Ehr::Cliniko, KEY)).unwrap();
    p.sent.borrow_mut().clear();
    p
}

#[test]
fn verify_asks_user_practitioner_and_settings_and_saves_nothing() {
    let p = FakePlatform::new();
    script_verify(&p, "practitioners_one.json");
    let c = block_on(verify_key(
        &p,
        &ClinikoKey::parse(&format!("  “{KEY}”\n")).unwrap(),
    ))
    .unwrap();
    assert_eq!(
        p.urls(),
        vec![
            format!("{BASE}/user"),
            format!("{BASE}/practitioners?q%5B%5D=user_id%3A%3D836447129235883061"),
            format!("{BASE}/settings/public"),
        ]
    );
    for r in p.sent.borrow().iter() {
        assert_eq!(
            r.header("user-agent"),
            Some("Motics Push (support@motics.ai)")
        );
        assert!(r.header("authorization").unwrap().starts_with("Basic "));
    }
    assert_eq!(c.user_name, "Sam Nguyen");
    assert_eq!(c.user_id, "836447129235883061");
    assert_eq!(c.role.as_deref(), Some("administrator"));
    assert_eq!(c.practitioner_id.as_deref(), Some("1805465202989210063"));
    assert!(!c.not_practitioner);
    assert_eq!(c.account_name.as_deref(), Some("Good Healthy Times Physio"));
    assert_eq!(c.subdomain.as_deref(), Some("good-healthy-times"));
    assert_eq!(c.shard, "au2");
    assert_eq!(c.patient_term, "client");
    assert_eq!(c.key_hint, "NyJ9");
    assert!(p.storage.borrow().is_empty(), "verify alone saves nothing");
}

#[test]
fn a_user_who_is_not_a_practitioner_is_a_warning_not_an_error() {
    let p = FakePlatform::new();
    script_verify(&p, "practitioners_none.json");
    let c = block_on(verify_key(&p, &ClinikoKey::parse(KEY).unwrap())).unwrap();
    assert!(c.not_practitioner);
    assert_eq!(c.practitioner_id, None);
}

#[test]
fn an_invalid_key_sends_nothing_and_saves_nothing() {
    let p = FakePlatform::new();
    let e = block_on(connection::connect(
        &p,
        Ehr::Cliniko,
        "https://x.au1.cliniko.com",
    ))
    .unwrap_err();
    assert!(matches!(e, Error::InvalidKey(_)));
    assert!(p.sent.borrow().is_empty());
    assert!(p.storage.borrow().is_empty());
}

#[test]
fn a_rejected_key_is_not_saved_and_does_not_flag_the_saved_one() {
    let p = connected();
    p.respond(401, &fixture("error_401.html"));
    let other = "ZZZZZZZZZZZZZZZZZZZZ-uk1";
    assert_eq!(
        block_on(connection::connect(&p, Ehr::Cliniko, other)),
        Err(Error::Unauthorized(Ehr::Cliniko))
    );
    assert_eq!(
        p.urls(),
        vec!["https://api.uk1.cliniko.com/v1/user".to_string()]
    );
    assert_eq!(
        p.stored(StorageArea::Local, STORE.secret),
        Some(serde_json::Value::String(KEY.into()))
    );
    assert_eq!(
        block_on(STORE.state(&p)).unwrap().0,
        ConnectionState::Connected
    );
}

#[test]
fn connect_saves_key_and_connection_and_reports_connected() {
    let p = FakePlatform::new();
    assert_eq!(
        block_on(STORE.state(&p)).unwrap().0,
        ConnectionState::NotSetUp
    );
    script_verify(&p, "practitioners_one.json");
    let st = block_on(connection::connect(&p, Ehr::Cliniko, KEY)).unwrap();
    assert_eq!(st.state, ConnectionState::Connected);
    let c = block_on(STORE.load_connection(&p)).unwrap().unwrap();
    assert_eq!(c.subdomain.as_deref(), Some("good-healthy-times"));
    assert_eq!(
        p.stored(StorageArea::Local, STORE.secret),
        Some(serde_json::Value::String(KEY.into()))
    );
    let saved = p.stored(StorageArea::Local, STORE.connection).unwrap();
    assert!(
        !saved.to_string().contains("MxJrZXki"),
        "the summary holds no secret"
    );
    assert_eq!(
        p.stored(StorageArea::Session, STORE.secret),
        None,
        "never session storage"
    );
}

#[test]
fn a_401_in_use_needs_reconnect_until_a_new_key_verifies() {
    let p = connected();
    p.respond(401, "");
    assert_eq!(
        block_on(list_templates(&p, true)),
        Err(Error::Unauthorized(Ehr::Cliniko))
    );
    let (state, conn) = block_on(STORE.state(&p)).unwrap();
    assert_eq!(state, ConnectionState::NeedsReconnect);
    assert!(conn.is_some());
    // Further use fails fast without sending.
    let before = p.sent.borrow().len();
    assert_eq!(
        block_on(list_templates(&p, true)),
        Err(Error::Unauthorized(Ehr::Cliniko))
    );
    assert_eq!(p.sent.borrow().len(), before);
    script_verify(&p, "practitioners_one.json");
    block_on(connection::connect(&p, Ehr::Cliniko, KEY)).unwrap();
    assert_eq!(
        block_on(STORE.state(&p)).unwrap().0,
        ConnectionState::Connected
    );
}

#[test]
fn templates_are_fetched_then_served_from_the_cache() {
    let p = connected();
    p.respond(200, &fixture("templates_page.json"));
    let t = block_on(list_templates(&p, false)).unwrap();
    assert_eq!(
        p.urls(),
        vec![format!("{BASE}/treatment_note_templates?per_page=100")]
    );
    assert_eq!(t.len(), 1, "archived templates are left out");
    assert_eq!(t[0].name, "Standard Consultation");
    assert!(p.stored(StorageArea::Local, KEY_TEMPLATES).is_some());
    let again = block_on(list_templates(&p, false)).unwrap();
    assert_eq!(again, t);
    assert_eq!(p.sent.borrow().len(), 1, "served from the cache");
    p.respond(200, &fixture("templates_page.json"));
    block_on(list_templates(&p, true)).unwrap();
    assert_eq!(p.sent.borrow().len(), 2, "refresh asks Cliniko");
}

#[test]
fn template_pages_follow_next_links_on_the_api_only() {
    let p = connected();
    let page1 = fixture("templates_page.json").replace(
        "\"links\": {",
        &format!(
            "\"links\": {{ \"next\": \"{BASE}/treatment_note_templates?page=2&per_page=100\","
        ),
    );
    let page2 = fixture("templates_page.json")
        .replace("900000000000000001", "900000000000000003")
        .replace("Standard Consultation", "Follow-up");
    p.respond(200, &page1).respond(200, &page2);
    let t = block_on(list_templates(&p, true)).unwrap();
    assert_eq!(
        p.urls()[1],
        format!("{BASE}/treatment_note_templates?page=2&per_page=100")
    );
    assert_eq!(
        t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["Follow-up", "Standard Consultation"]
    );

    let evil = fixture("templates_page.json").replace(
        "\"links\": {",
        "\"links\": { \"next\": \"https://evil.test/v1/treatment_note_templates?page=2\",",
    );
    p.respond(200, &evil);
    assert!(matches!(
        block_on(list_templates(&p, true)),
        Err(Error::UnexpectedBody { .. })
    ));
    assert_eq!(
        p.sent.borrow().len(),
        3,
        "the key never went to the other host"
    );
}

#[test]
fn transport_failures_are_errors() {
    let p = FakePlatform::new();
    p.fail(TransportError::Offline);
    assert_eq!(
        block_on(verify_key(&p, &ClinikoKey::parse(KEY).unwrap())),
        Err(Error::Transport(TransportError::Offline))
    );
}

#[test]
fn a_429_holds_later_requests_until_the_reset() {
    let p = FakePlatform::new();
    let key = ClinikoKey::parse(KEY).unwrap();
    let reset = (p.now.get() / 1000 + 3).to_string();
    p.respond_with(429, &[("X-RateLimit-Reset", &reset)], "");
    assert_eq!(
        block_on(client::send(&p, &requests::get_user(&key))),
        Err(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: 3
        })
    );
    // A short hold is waited out before the next send.
    p.respond(200, &fixture("user.json"));
    block_on(client::send(&p, &requests::get_user(&key))).unwrap();
    assert_eq!(p.slept_ms.get(), 3_000);

    let long = (p.now.get() / 1000 + 60).to_string();
    p.respond_with(429, &[("x-ratelimit-reset", &long)], "");
    assert!(block_on(client::send(&p, &requests::get_user(&key))).is_err());
    // A long hold is reported instead of slept through, and nothing is sent meanwhile.
    let before = p.sent.borrow().len();
    assert_eq!(
        block_on(client::send(&p, &requests::get_user(&key))),
        Err(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: 60
        })
    );
    assert_eq!(p.sent.borrow().len(), before);
}

#[test]
fn pacing_keeps_under_200_requests_per_minute() {
    let p = FakePlatform::new();
    let key = ClinikoKey::parse(KEY).unwrap();
    for _ in 0..201 {
        p.respond(200, &fixture("user.json"));
    }
    for _ in 0..200 {
        block_on(client::send(&p, &requests::get_user(&key))).unwrap();
    }
    assert_eq!(p.slept_ms.get(), 0);
    // The 201st in the same minute is refused with the wait, without being sent.
    assert_eq!(
        block_on(client::send(&p, &requests::get_user(&key))),
        Err(Error::RateLimited {
            ehr: Ehr::Cliniko,
            wait_s: 60
        })
    );
    assert_eq!(p.sent.borrow().len(), 200);
}
