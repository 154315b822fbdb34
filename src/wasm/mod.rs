//! The browser glue: the only module that uses wasm-bindgen, web-sys, js-sys and gloo-net.
//!
//! JS calls [`handle`] with a message object; it becomes a `serde_json::Value`, goes through the
//! pure dispatcher in [`crate::app`], and comes back as a plain JS object.

mod http;
mod js_error;
mod platform;

use crate::worker::Worker;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

pub use platform::WebPlatform;

thread_local! {
    // The one `Worker` of this service worker / event page: its memory between messages. Gone
    // when the browser stops the worker, which the core is written for (see `crate::worker`).
    static WORKER: Rc<Worker> = Rc::new(Worker::new());
}

/// Handle one background message (already sender-checked by background.js); resolves to the
/// reply envelope `{ok, value | error}`.
#[wasm_bindgen]
pub async fn handle(message: JsValue) -> Result<JsValue, JsValue> {
    let message: serde_json::Value =
        serde_wasm_bindgen::from_value(message).map_err(js_error::from_serde)?;
    let worker = WORKER.with(Rc::clone);
    let reply = crate::app::handle(&WebPlatform, &worker, message).await;
    js_error::to_js(&reply)
}

/// The core's version and build, without a message round trip.
#[wasm_bindgen(js_name = coreInfo)]
pub fn core_info() -> Result<JsValue, JsValue> {
    js_error::to_js(&crate::app::core_info())
}

/// `core/info`'s reply envelope, as [`handle`] gives it: the build reads it from the built wasm
/// into `pkg/core-info.js` (tools/core-info.mjs), which background.js answers `core/info` with.
#[wasm_bindgen(js_name = coreInfoReply)]
pub fn core_info_reply() -> Result<JsValue, JsValue> {
    js_error::to_js(&crate::app::core_info_reply())
}
