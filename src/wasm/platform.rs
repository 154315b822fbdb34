//! [`Platform`] for the browser: fetch via gloo-net, `browser.storage` via a small JS shim.

use crate::error::Error;
use crate::http::{ApiRequest, ApiResponse, TransportError};
use crate::platform::{Platform, StorageArea};
use serde_json::Value;
use wasm_bindgen::JsValue;

pub(crate) mod shim {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/wasm/ext.js")]
    extern "C" {
        #[wasm_bindgen(catch)]
        pub async fn storageGet(area: &str, key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn storageSet(area: &str, key: &str, json: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn storageRemove(area: &str, key: &str) -> Result<JsValue, JsValue>;
        pub fn randomU32() -> u32;
        pub async fn sleep(ms: u32);
        pub fn isOnline() -> bool;
        pub fn timeoutSignal(ms: u32) -> web_sys::AbortSignal;
        pub fn scheduleWakeup(at_ms: f64);
        pub fn setBadge(count: u32);
    }
}

/// The browser's effects.
pub struct WebPlatform;

fn storage_error(e: JsValue) -> Error {
    Error::Storage(
        e.as_string()
            .unwrap_or_else(|| "the browser refused the storage call".into()),
    )
}

impl Platform for WebPlatform {
    async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, TransportError> {
        super::http::send(req).await
    }

    async fn load(&self, area: StorageArea, key: &str) -> crate::Result<Option<Value>> {
        let v = shim::storageGet(area.as_str(), key)
            .await
            .map_err(storage_error)?;
        // The stored value as JSON text (`ext.js`), absent when nothing (or null) is stored.
        let Some(json) = v.as_string() else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| Error::Storage(e.to_string()))
    }

    async fn save(&self, area: StorageArea, key: &str, value: Value) -> crate::Result<()> {
        let json = serde_json::to_string(&value).map_err(|e| Error::Storage(e.to_string()))?;
        // Freed now, not when the browser's write completes: a whole outbox's `Value` tree
        // would otherwise stay in the wasm's memory beside the next one (issue 18).
        drop(value);
        shim::storageSet(area.as_str(), key, &json)
            .await
            .map(|_| ())
            .map_err(storage_error)
    }

    async fn remove(&self, area: StorageArea, key: &str) -> crate::Result<()> {
        shim::storageRemove(area.as_str(), key)
            .await
            .map(|_| ())
            .map_err(storage_error)
    }

    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn random_u64(&self) -> u64 {
        (u64::from(shim::randomU32()) << 32) | u64::from(shim::randomU32())
    }

    async fn sleep(&self, ms: u32) {
        shim::sleep(ms).await;
    }

    fn schedule_wakeup(&self, at_ms: i64) {
        // A time in ms fits f64 exactly (< 2^53); this is a clock value, never an id.
        shim::scheduleWakeup(at_ms as f64);
    }

    fn set_badge(&self, count: u32) {
        shim::setBadge(count);
    }
}
