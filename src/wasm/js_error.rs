//! The one place that maps between JS values and Rust errors/values at the wasm boundary.

use crate::http::TransportError;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Serialise a Rust value to a plain JS object (maps as objects, so `storage.set` keeps them).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(from_serde)
}

/// A serde-wasm-bindgen error as a JS Error.
pub fn from_serde(e: serde_wasm_bindgen::Error) -> JsValue {
    js_sys::Error::new(&format!("bad value at the wasm boundary: {e}")).into()
}

/// A rejected fetch as a [`TransportError`]. Browsers hide the cause of a failed fetch (DNS, TLS
/// and refused connections all read "Failed to fetch" / "NetworkError"), so only timeouts (our own
/// abort) and the offline flag are told apart.
pub fn transport_error(err: &JsValue, timed_out: bool, online: bool) -> TransportError {
    if timed_out {
        return TransportError::Timeout;
    }
    if !online {
        return TransportError::Offline;
    }
    let detail = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "fetch failed".to_string());
    TransportError::Network { detail }
}
