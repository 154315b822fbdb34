//! Cliniko's client: its pacing budget per key and its status mapping, over the one `send`.
//!
//! Every feature (verify, search, push) sends through [`send`] so that pacing, the 429 hold and
//! the 401 → "needs reconnect" flag apply everywhere.

use super::id::Cliniko;
use super::responses::{parse_body, status_error};
use super::types::Decode;
use crate::Result;
use crate::ehr::Ehr;
use crate::http::{ApiRequest, ApiResponse};
use crate::pacing::Pacer;
use crate::send::Budget;
pub use crate::send::On401;
use crate::worker::Env;
use std::hash::{DefaultHasher, Hash, Hasher};

// Pacing budgets per key, in the worker's memory (by a hash of the Authorization header, so no
// extra copy of the key is kept): if the service worker restarts the budget starts afresh, and
// Cliniko's own 429 + X-RateLimit-Reset (honoured by `send`) remains the backstop.
fn budget(req: &ApiRequest) -> Budget {
    let mut h = DefaultHasher::new();
    req.header("authorization").unwrap_or_default().hash(&mut h);
    Budget {
        id: h.finish(),
        new: Pacer::default,
    }
}

/// Send `req` through the one `send` (paced), map non-2xx statuses to errors, and return the
/// 2xx response. A 401 flags the saved connection as needing a reconnect.
pub async fn send<P: Env>(p: &P, req: &ApiRequest) -> Result<ApiResponse> {
    send_with(p, req, On401::MarkNeedsReconnect).await
}

/// [`send`] with an explicit 401 policy.
pub async fn send_with<P: Env>(p: &P, req: &ApiRequest, on_401: On401) -> Result<ApiResponse> {
    crate::send::send(
        p,
        Ehr::Cliniko,
        budget(req),
        req,
        on_401,
        |resp, now| match status_error(&resp, now) {
            None => Ok(resp),
            Some(err) => Err(err),
        },
    )
    .await
}

/// Send and read the body as `T`.
pub async fn fetch<P: Env, T: Decode<Cliniko>>(p: &P, req: &ApiRequest) -> Result<T> {
    let resp = send(p, req).await?;
    parse_body(&resp.body)
}

/// Send (with an explicit 401 policy) and read the body as `T`.
pub async fn fetch_with<P: Env, T: Decode<Cliniko>>(
    p: &P,
    req: &ApiRequest,
    on_401: On401,
) -> Result<T> {
    let resp = send_with(p, req, on_401).await?;
    parse_body(&resp.body)
}
