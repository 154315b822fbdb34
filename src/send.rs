//! The one `send` every EHR's client goes through: pacing (the worker's budget for the key), the
//! transport, the EHR's reading of the answer, then what a failure means for every EHR alike:
//! a 429 holds the budget until the reset (the push job waits for it: `push::attempt`), and an
//! authentication failure with the saved key parks the connection as "needs reconnect", so its
//! jobs wait until `connection/connect` resumes them. 5xx and timeouts come back as they are; the
//! job's retry policy (`push::policy`) decides when to try again.

use crate::ehr::Ehr;
use crate::http::{ApiRequest, ApiResponse};
use crate::pacing::Pacer;
use crate::worker::Env;
use crate::{Error, Result};

/// Longest pause taken inline. Longer waits (a 429 reset, an exhausted budget) return
/// `RateLimited` so the caller can show it or schedule a retry with `alarms`, since
/// `Platform::sleep` is for short waits only.
pub const MAX_INLINE_WAIT_MS: i64 = 5_000;

/// What a status means alike for every EHR: 401, 403, 429 (wait for the reset the headers give,
/// `cliniko::responses::rate_limit_wait_s`), 5xx. `None` for the rest, which each EHR reads its
/// own way (Cliniko's 404 and 422; Nookal's failure envelope under any status).
pub fn status_error(ehr: Ehr, resp: &ApiResponse, now_ms: i64) -> Option<Error> {
    Some(match resp.status {
        401 => Error::Unauthorized(ehr),
        403 => Error::Forbidden(ehr),
        429 => Error::RateLimited {
            ehr,
            wait_s: crate::cliniko::responses::rate_limit_wait_s(resp, now_ms),
        },
        500..=599 => Error::Server {
            ehr,
            status: resp.status,
        },
        _ => return None,
    })
}

/// What to do when the EHR says the key is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On401 {
    /// The saved key failed in use: flag the connection as needing a reconnect.
    MarkNeedsReconnect,
    /// A key being verified failed: leave the saved connection alone.
    Ignore,
}

/// One key's pacing budget: its id in the worker's memory, and how to make it.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Which budget (a hash of what identifies the key; never the key itself).
    pub id: u64,
    /// A fresh budget (the EHR's limits).
    pub new: fn() -> Pacer,
}

/// Send `req` for `ehr` (paced), read the answer with `read` (the EHR's status and body mapping,
/// given the time of the answer), and apply the shared failure rules above.
pub async fn send<P: Env, T>(
    p: &P,
    ehr: Ehr,
    budget: Budget,
    req: &ApiRequest,
    on_401: On401,
    read: impl FnOnce(ApiResponse, i64) -> Result<T>,
) -> Result<T> {
    let pace = |f: &mut dyn FnMut(&mut Pacer)| p.worker().with_pacer(budget.id, budget.new, f);
    let mut wait = 0;
    pace(&mut |pc| wait = pc.wait_ms(p.now_ms()));
    if wait > MAX_INLINE_WAIT_MS {
        return Err(Error::RateLimited {
            ehr,
            wait_s: u64::try_from((wait + 999) / 1000).unwrap_or(1).max(1),
        });
    }
    if wait > 0 {
        p.sleep(u32::try_from(wait).unwrap_or(u32::MAX)).await;
    }
    pace(&mut |pc| pc.record(p.now_ms()));
    let resp = p.send(req).await.map_err(Error::Transport)?;
    let result = read(resp, p.now_ms());
    match &result {
        Err(Error::RateLimited { wait_s, .. }) => pace(&mut |pc| pc.hold_for(p.now_ms(), *wait_s)),
        Err(Error::Unauthorized(_)) if on_401 == On401::MarkNeedsReconnect => match ehr {
            Ehr::Cliniko => crate::cliniko::store::STORE.mark_needs_reconnect(p).await?,
            Ehr::Nookal => crate::nookal::store::STORE.mark_needs_reconnect(p).await?,
        },
        _ => {}
    }
    result
}
