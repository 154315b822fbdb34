//! Nookal's client: its pacing budget and its envelope mapping, over the one `send`.
//!
//! Every feature sends through [`call`] so that pacing, the 429 hold and the "auth failure →
//! needs reconnect" flag apply everywhere, including to failures that arrive as HTTP 200.

use super::id::Nookal;
use super::responses::{Envelope, Paging, means_empty_list, parse};
use super::types::Decode;
use crate::Result;
use crate::error::Ehr;
use crate::http::ApiRequest;
use crate::pacing::Pacer;
use crate::send::Budget;
pub use crate::send::On401;
use crate::worker::Env;

/// Requests per minute we allow ourselves. Nookal publishes no limit (reference §5), so this is
/// a polite client-side budget (one search is 1–3 calls, a push 2–4), not a documented number.
pub const REQUESTS_PER_MINUTE: usize = 60;

/// Most pages read from one list (200 × 100 records): a runaway `nextPage` cannot loop forever.
pub const MAX_PAGES: u32 = 20;

/// The pacing budget of the one saved Nookal key (a worker restart starts afresh).
const BUDGET: Budget = Budget {
    id: u64::from_le_bytes(*b"nookal\0\0"),
    new: || Pacer::new(REQUESTS_PER_MINUTE, 60_000),
};

/// Send `req` with the saved-key policy (auth failure → needs reconnect).
pub async fn call<P: Env>(p: &P, req: &ApiRequest) -> Result<Envelope> {
    call_with(p, req, On401::MarkNeedsReconnect).await
}

/// Send `req` (paced) and parse the answer with [`parse`]; failures of any kind, including a
/// `status: failure` envelope under HTTP 200, come back as `Err`.
pub async fn call_with<P: Env>(p: &P, req: &ApiRequest, on_auth: On401) -> Result<Envelope> {
    crate::send::send(p, Ehr::Nookal, BUDGET, req, on_auth, |resp, now| {
        parse(&resp, now)
    })
    .await
}

/// One page of `list_key` records; a failure that only means "none" (see
/// [`means_empty_list`]) reads as an empty page.
pub async fn list_page<P: Env, T: Decode<Nookal>>(
    p: &P,
    req: &ApiRequest,
    list_key: &str,
    on_auth: On401,
) -> Result<(Vec<T>, Paging)> {
    match call_with(p, req, on_auth).await {
        Ok(env) => Ok((env.list(list_key)?, env.paging)),
        Err(e) if means_empty_list(&e) => Ok((Vec::new(), Paging::default())),
        Err(e) => Err(e),
    }
}

/// Every page of a list: requests `make(1)`, then `make(nextPage)` while Nookal names a later
/// page, up to [`MAX_PAGES`].
pub async fn list_all<P: Env, T: Decode<Nookal>>(
    p: &P,
    list_key: &str,
    on_auth: On401,
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
