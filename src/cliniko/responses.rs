//! Cliniko responses: the one status → `Error` map, and typed parsing of 2xx bodies.

use super::decode::{Obj, parse_json};
use super::id::Cliniko;
use super::types::Decode;
use crate::error::Ehr;
use crate::http::ApiResponse;
use crate::{Error, Result};
use serde_json::Value;

/// Wait used for a 429 that carries neither `X-RateLimit-Reset` nor `Retry-After` (Cliniko's
/// limit is per minute, so a minute always clears it).
pub const DEFAULT_RATE_LIMIT_WAIT_S: u64 = 60;

/// Longest wait taken from `X-RateLimit-Reset`. Cliniko's window is one minute (reference §3),
/// so a reset further away than this means the local clock is wrong; cap it rather than stall.
pub const MAX_RESET_WAIT_S: u64 = 120;

/// Longest wait taken from `Retry-After` (relative, so no clock skew; still bounded).
pub const MAX_RETRY_AFTER_S: u64 = 3600;

/// THE mapping from a non-2xx response to an [`Error`] (`None` for 2xx). `now_ms` is the wall
/// clock, used to turn `X-RateLimit-Reset` (unix seconds) into a wait.
pub fn status_error(resp: &ApiResponse, now_ms: i64) -> Option<Error> {
    let ehr = Ehr::Cliniko;
    if (200..=299).contains(&resp.status) {
        return None;
    }
    crate::send::status_error(ehr, resp, now_ms).or(Some(match resp.status {
        404 => Error::NotFound(ehr),
        422 => Error::Validation {
            ehr,
            fields: validation_fields(&resp.body),
        },
        status => Error::UnexpectedStatus { ehr, status },
    }))
}

/// Seconds to wait after a 429: `X-RateLimit-Reset` (unix seconds, documented), else
/// `Retry-After` in seconds (not documented by Cliniko, reported by a third party), else 60 s.
/// Always at least 1.
pub fn rate_limit_wait_s(resp: &ApiResponse, now_ms: i64) -> u64 {
    let parse = |name: &str| {
        resp.header(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let wait = if let Some(reset_s) = parse("x-ratelimit-reset") {
        let secs = (reset_s * 1000.0 - now_ms as f64) / 1000.0;
        (secs.ceil().max(1.0) as u64).min(MAX_RESET_WAIT_S)
    } else if let Some(after) = parse("retry-after") {
        (after.ceil().max(1.0) as u64).min(MAX_RETRY_AFTER_S)
    } else {
        DEFAULT_RATE_LIMIT_WAIT_S
    };
    wait.max(1)
}

/// Field errors from a 422 body `{"message", "errors": {field: "msg" | ["msg", …] | {…}}}`.
/// Nested objects flatten to `a.b`; a body without `errors` gives `("base", message)`; a body
/// that is not JSON gives no fields (the UI still says the data was refused).
pub fn validation_fields(body: &str) -> Vec<(String, String)> {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(errors) = v.get("errors") {
        flatten_errors("", errors, &mut out);
    }
    if out.is_empty()
        && let Some(Value::String(m)) = v.get("message")
    {
        out.push(("base".to_string(), m.clone()));
    }
    out
}

fn flatten_errors(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let name = || {
        if prefix.is_empty() {
            "base".to_string()
        } else {
            prefix.to_string()
        }
    };
    match v {
        Value::String(s) => out.push((name(), s.clone())),
        Value::Array(items) => items.iter().for_each(|i| flatten_errors(prefix, i, out)),
        Value::Object(map) => {
            for (k, inner) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_errors(&key, inner, out);
            }
        }
        Value::Number(n) => out.push((name(), n.to_string())),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Map the status, then read the 2xx body as `T`.
pub fn parse<T: Decode<Cliniko>>(resp: &ApiResponse, now_ms: i64) -> Result<T> {
    if let Some(e) = status_error(resp, now_ms) {
        return Err(e);
    }
    parse_body(&resp.body)
}

/// Read a 2xx body as `T` (truncated, empty, HTML and wrong-typed bodies → `UnexpectedBody`).
pub fn parse_body<T: Decode<Cliniko>>(body: &str) -> Result<T> {
    let value = parse_json(body)?;
    T::decode(&Obj::new(&value, "")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> ApiResponse {
        ApiResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }

    #[test]
    fn reset_header_is_seconds_from_now_rounded_up() {
        let r = resp(429, &[("x-ratelimit-reset", "1700000030")], "");
        assert_eq!(rate_limit_wait_s(&r, 1_700_000_000_500), 30);
        let past = resp(429, &[("x-ratelimit-reset", "1600000000")], "");
        assert_eq!(rate_limit_wait_s(&past, 1_700_000_000_000), 1);
        let skewed = resp(429, &[("x-ratelimit-reset", "1800000000")], "");
        assert_eq!(
            rate_limit_wait_s(&skewed, 1_700_000_000_000),
            MAX_RESET_WAIT_S
        );
    }

    #[test]
    fn nested_and_listed_validation_errors_flatten() {
        let f = validation_fields(
            r#"{"message":"Validation Failed","errors":{"title":["is too long","is bad"],"content":{"sections":"is invalid"}}}"#,
        );
        assert_eq!(
            f,
            vec![
                ("content.sections".to_string(), "is invalid".to_string()),
                ("title".to_string(), "is too long".to_string()),
                ("title".to_string(), "is bad".to_string()),
            ]
        );
    }
}
