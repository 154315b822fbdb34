//! The one place Nookal requests go out: pacing, sending through the Platform, envelope mapping.
//!
//! Every feature sends through [`call`] so that pacing, the 429 hold and the "auth failure →
//! needs reconnect" flag apply everywhere, including to failures that arrive as HTTP 200.

use super::responses::{Envelope, Paging, means_empty_list, parse};
use super::store;
use super::types::Decode;
use crate::error::Ehr;
use crate::http::ApiRequest;
use crate::pacing::Pacer;
use crate::worker::Env;
use crate::{Error, Result};

/// Requests per minute we allow ourselves. Nookal publishes no limit (reference §5), so this is
/// a polite client-side budget (one search is 1–3 calls, a push 2–4), not a documented number.
pub const REQUESTS_PER_MINUTE: usize = 60;

/// Longest pause taken inline; longer waits return `RateLimited` for the caller to schedule.
pub const MAX_INLINE_WAIT_MS: i64 = 5_000;

/// Most pages read from one list (200 × 100 records): a runaway `nextPage` cannot loop forever.
pub const MAX_PAGES: u32 = 20;

/// The worker's pacing budget for the one saved Nookal key (a worker restart starts afresh).
const BUDGET_ID: u64 = u64::from_le_bytes(*b"nookal\0\0");

fn with_pacer<P: Env, T>(p: &P, f: impl FnOnce(&mut Pacer) -> T) -> T {
    p.worker()
        .with_pacer(BUDGET_ID, || Pacer::new(REQUESTS_PER_MINUTE, 60_000), f)
}

/// What to do when Nookal says the key is missing or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnAuthFailure {
    /// The saved key failed in use: flag the connection as needing a reconnect.
    MarkNeedsReconnect,
    /// A key being verified failed: leave the saved connection alone.
    Ignore,
}

/// Send `req` with the saved-key policy (auth failure → needs reconnect).
pub async fn call<P: Env>(p: &P, req: &ApiRequest) -> Result<Envelope> {
    call_with(p, req, OnAuthFailure::MarkNeedsReconnect).await
}

/// Send `req` (paced) and parse the answer with [`parse`]; failures of any kind, including a
/// `status: failure` envelope under HTTP 200, come back as `Err`.
pub async fn call_with<P: Env>(
    p: &P,
    req: &ApiRequest,
    on_auth: OnAuthFailure,
) -> Result<Envelope> {
    let wait = with_pacer(p, |pc| pc.wait_ms(p.now_ms()));
    if wait > MAX_INLINE_WAIT_MS {
        return Err(Error::RateLimited {
            ehr: Ehr::Nookal,
            wait_s: u64::try_from((wait + 999) / 1000).unwrap_or(1).max(1),
        });
    }
    if wait > 0 {
        p.sleep(u32::try_from(wait).unwrap_or(u32::MAX)).await;
    }
    with_pacer(p, |pc| pc.record(p.now_ms()));
    let resp = p.send(req).await.map_err(Error::Transport)?;
    let result = parse(&resp, p.now_ms());
    match &result {
        Err(Error::RateLimited { wait_s, .. }) => {
            with_pacer(p, |pc| pc.hold_for(p.now_ms(), *wait_s));
        }
        Err(Error::Unauthorized(_)) if on_auth == OnAuthFailure::MarkNeedsReconnect => {
            store::STORE.mark_needs_reconnect(p).await?;
        }
        _ => {}
    }
    result
}

/// One page of `list_key` records; a failure that only means "none" (see
/// [`means_empty_list`]) reads as an empty page.
pub async fn list_page<P: Env, T: Decode>(
    p: &P,
    req: &ApiRequest,
    list_key: &str,
    on_auth: OnAuthFailure,
) -> Result<(Vec<T>, Paging)> {
    match call_with(p, req, on_auth).await {
        Ok(env) => Ok((env.list(list_key)?, env.paging)),
        Err(e) if means_empty_list(&e) => Ok((Vec::new(), Paging::default())),
        Err(e) => Err(e),
    }
}

/// Every page of a list: requests `make(1)`, then `make(nextPage)` while Nookal names a later
/// page, up to [`MAX_PAGES`].
pub async fn list_all<P: Env, T: Decode>(
    p: &P,
    list_key: &str,
    on_auth: OnAuthFailure,
    make: impl Fn(u32) -> ApiRequest,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut page = 1u32;
    for _ in 0..MAX_PAGES {
        let (items, paging) = list_page::<P, T>(p, &make(page), list_key, on_auth).await?;
        let got = items.len();
        out.extend(items);
        match paging.next_page.and_then(|n| u32::try_from(n).ok()) {
            // Only ever move forward, and stop on an empty page, so a server that repeats
            // `nextPage` cannot make us loop.
            Some(next) if next > page && got > 0 => page = next,
            _ => break,
        }
    }
    Ok(out)
}
