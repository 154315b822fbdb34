//! The background's message protocol: one typed request per message, one dispatcher.
//!
//! Pages send `{type: "…", …}` (see `extension/lib/messages.js`, the JS twin of [`Request`]);
//! the background checks the sender and hands the message here. Replies are always
//! `{ok: true, value}` or `{ok: false, error: {kind, params, transient}}`.

use crate::error::{Error, ErrorReply};
use crate::platform::Platform;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Every request the background understands.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum Request {
    /// Version and build of the core.
    #[serde(rename = "core/info")]
    CoreInfo,
}

/// What `core/info` answers.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CoreInfo {
    /// Crate version (equals the manifest version).
    pub version: &'static str,
    /// Build id baked in at build time.
    pub build: &'static str,
}

/// Handle one message and produce the reply envelope. Never fails: errors become `{ok: false}`.
pub async fn handle<P: Platform>(platform: &P, message: Value) -> Value {
    let reply = match serde_json::from_value::<Request>(message) {
        Ok(req) => dispatch(platform, req).await,
        Err(e) => Err(Error::InvalidInput(format!("unknown or malformed message: {e}"))),
    };
    match reply {
        Ok(value) => json!({ "ok": true, "value": value }),
        Err(e) => json!({ "ok": false, "error": ErrorReply::from(&e) }),
    }
}

async fn dispatch<P: Platform>(_platform: &P, req: Request) -> crate::Result<Value> {
    match req {
        Request::CoreInfo => to_value(&core_info()),
    }
}

/// The core's version and build id.
pub fn core_info() -> CoreInfo {
    CoreInfo {
        version: crate::VERSION,
        build: crate::BUILD_ID,
    }
}

fn to_value<T: Serialize>(v: &T) -> crate::Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::InvalidInput(e.to_string()))
}
