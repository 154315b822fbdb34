//! The one place Cliniko requests go out: pacing, sending through the Platform, status mapping.
//!
//! Every feature (verify, search, push) sends through [`send`] so that pacing, the 429 hold and
//! the 401 → "needs reconnect" flag apply everywhere.

use super::responses::{parse_body, status_error};
use super::store;
use super::types::Decode;
use crate::http::{ApiRequest, ApiResponse};
use crate::pacing::Pacer;
use crate::worker::Env;
use crate::{Error, Result};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Longest pause the send helper takes itself. Longer waits (a 429 reset, an exhausted budget)
/// return `RateLimited` so the caller can show it or schedule a retry with `alarms`, since
/// `Platform::sleep` is for short waits only.
pub const MAX_INLINE_WAIT_MS: i64 = 5_000;

// Pacing budgets per key, in the worker's memory (by a hash of the Authorization header, so no
// extra copy of the key is kept): if the service worker restarts the budget starts afresh, and
// Cliniko's own 429 + X-RateLimit-Reset (honoured below) remains the backstop.
fn budget_id(req: &ApiRequest) -> u64 {
    let mut h = DefaultHasher::new();
    req.header("authorization").unwrap_or_default().hash(&mut h);
    h.finish()
}

fn with_pacer<P: Env, T>(p: &P, id: u64, f: impl FnOnce(&mut Pacer) -> T) -> T {
    p.worker().with_pacer(id, Pacer::default, f)
}

/// What to do when a request gets 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On401 {
    /// The saved key failed in use: flag the connection as needing a reconnect.
    MarkNeedsReconnect,
    /// A key being verified failed: leave the saved connection alone.
    Ignore,
}

/// Send `req` (paced), map non-2xx statuses to errors, and return the 2xx response.
/// A 401 flags the saved connection as needing a reconnect.
pub async fn send<P: Env>(p: &P, req: &ApiRequest) -> Result<ApiResponse> {
    send_with(p, req, On401::MarkNeedsReconnect).await
}

/// [`send`] with an explicit 401 policy.
pub async fn send_with<P: Env>(p: &P, req: &ApiRequest, on_401: On401) -> Result<ApiResponse> {
    let id = budget_id(req);
    let wait = with_pacer(p, id, |pc| pc.wait_ms(p.now_ms()));
    if wait > MAX_INLINE_WAIT_MS {
        return Err(Error::RateLimited {
            ehr: crate::error::Ehr::Cliniko,
            wait_s: u64::try_from((wait + 999) / 1000).unwrap_or(1).max(1),
        });
    }
    if wait > 0 {
        p.sleep(u32::try_from(wait).unwrap_or(u32::MAX)).await;
    }
    with_pacer(p, id, |pc| pc.record(p.now_ms()));
    let resp = p.send(req).await.map_err(Error::Transport)?;
    match status_error(&resp, p.now_ms()) {
        None => Ok(resp),
        Some(err) => {
            match &err {
                Error::RateLimited { wait_s, .. } => {
                    with_pacer(p, id, |pc| pc.hold_for(p.now_ms(), *wait_s));
                }
                Error::Unauthorized(_) if on_401 == On401::MarkNeedsReconnect => {
                    store::STORE.mark_needs_reconnect(p).await?;
                }
                _ => {}
            }
            Err(err)
        }
    }
}

/// Send and read the body as `T`.
pub async fn fetch<P: Env, T: Decode>(p: &P, req: &ApiRequest) -> Result<T> {
    let resp = send(p, req).await?;
    parse_body(&resp.body)
}

/// Send (with an explicit 401 policy) and read the body as `T`.
pub async fn fetch_with<P: Env, T: Decode>(p: &P, req: &ApiRequest, on_401: On401) -> Result<T> {
    let resp = send_with(p, req, on_401).await?;
    parse_body(&resp.body)
}
