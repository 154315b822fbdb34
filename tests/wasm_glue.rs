//! Glue tests in a real browser service worker (no `window`): the wasm boundary, the storage shim and
//! gloo-net's fetch. Run by `./build.sh test` through wasm-bindgen-test-runner and headless Chromium.
#![cfg(target_arch = "wasm32")]

use motics_push::http::{ApiRequest, Method, TransportError};
use motics_push::platform::{Platform, StorageArea};
use motics_push::wasm::{WebPlatform, core_info_reply, handle};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

// A stand-in for `browser.storage` (no extension APIs exist in a test worker). Values go through
// structured cloning like the real API, so a value that storage would mangle fails here too.
#[wasm_bindgen(inline_js = r#"
export function installFakeBrowser() {
  const area = () => {
    const m = new Map();
    return {
      get: async (k) => (m.has(k) ? { [k]: structuredClone(m.get(k)) } : {}),
      set: async (o) => { for (const [k, v] of Object.entries(o)) m.set(k, structuredClone(v)); },
      remove: async (k) => { m.delete(k); },
    };
  };
  globalThis.browser = { storage: { local: area(), session: area() } };
}
export async function storedKind(area, key) {
  const v = (await globalThis.browser.storage[area].get(key))[key];
  return Array.isArray(v) ? "array" : typeof v;
}
"#)]
extern "C" {
    fn installFakeBrowser();
    async fn storedKind(area: &str, key: &str) -> JsValue;
}

#[wasm_bindgen_test]
fn runs_without_window() {
    assert!(
        web_sys::window().is_none(),
        "this suite must run in a service worker"
    );
}

#[wasm_bindgen_test]
async fn handle_answers_core_info() {
    let msg = serde_wasm_bindgen::to_value(&json!({"type": "core/info"})).unwrap();
    let reply: Value = serde_wasm_bindgen::from_value(handle(msg).await.unwrap()).unwrap();
    assert_eq!(reply["ok"], true);
    assert_eq!(reply["value"]["version"], env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
async fn core_info_reply_equals_handles_reply() {
    let msg = serde_wasm_bindgen::to_value(&json!({"type": "core/info"})).unwrap();
    let reply: Value = serde_wasm_bindgen::from_value(handle(msg).await.unwrap()).unwrap();
    let direct: Value = serde_wasm_bindgen::from_value(core_info_reply().unwrap()).unwrap();
    assert_eq!(direct, reply);
}

#[wasm_bindgen_test]
async fn handle_turns_unknown_messages_into_error_replies() {
    let msg = serde_wasm_bindgen::to_value(&json!({"type": "no/such"})).unwrap();
    let reply: Value = serde_wasm_bindgen::from_value(handle(msg).await.unwrap()).unwrap();
    assert_eq!(reply["ok"], false);
    assert_eq!(reply["error"]["kind"], "invalid_input");
}

#[wasm_bindgen_test]
async fn storage_round_trips_objects_and_string_ids() {
    installFakeBrowser();
    let value = json!({"patient_id": "1805465202989210063", "nested": {"a": [1, 2]}});
    WebPlatform
        .save(StorageArea::Session, "k", value.clone())
        .await
        .unwrap();
    // Crossed as JSON text (src/wasm/ext.js), stored as the plain object it always was.
    assert_eq!(
        storedKind("session", "k").await.as_string().as_deref(),
        Some("object")
    );
    let back = WebPlatform.load(StorageArea::Session, "k").await.unwrap();
    assert_eq!(back, Some(value));
    WebPlatform.remove(StorageArea::Session, "k").await.unwrap();
    assert_eq!(
        WebPlatform.load(StorageArea::Session, "k").await.unwrap(),
        None
    );
    assert_eq!(
        WebPlatform
            .load(StorageArea::Local, "missing")
            .await
            .unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn fetch_failure_is_a_transport_error_not_a_panic() {
    // Port 9 (discard) on loopback is closed: fetch rejects, and gloo-net's error maps in one place.
    let req = ApiRequest {
        method: Method::Get,
        url: "https://127.0.0.1:9/v1/user".into(),
        headers: vec![("Accept".into(), "application/json".into())],
        body: None,
    };
    match WebPlatform.send(&req).await {
        Err(TransportError::Network { .. }) | Err(TransportError::Offline) => {}
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn randomness_and_clock_come_from_the_browser() {
    let a = WebPlatform.random_u64();
    let b = WebPlatform.random_u64();
    assert_ne!(a, b);
    assert!(WebPlatform.now_ms() > 1_700_000_000_000);
}
