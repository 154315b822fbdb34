//! The push prepared ahead of the click: `push/preflight` may carry the whole push (what
//! `push/start` will send), and the job is then built while the clinician reads the preview —
//! the note parsed, the template chosen, the exact content rendered — and kept in the worker's
//! memory, so the click only checks, writes once and sends.
//!
//! What makes using it safe: it serves only a `push/start` equal to the request it was built for
//! (every field but `confirm_duplicate`), within [`FRESH_MS`], under the same connection (the
//! stored connection is compared whole: another key, user, practitioner or clinic → built
//! again); it serves one click, and a restarted worker has none. The click still runs every
//! duplicate check and writes the outbox record before the POST.

use super::job::Job;
use super::run::{self, NewPush};
use crate::error::Ehr;
use crate::worker::Env;
use crate::{cliniko, nookal};
use serde::Serialize;
use std::cell::RefCell;

/// How long a prepared push serves the click (as long as a preflight's "no").
pub const FRESH_MS: i64 = super::preflight::FRESH_MS;

/// One prepared push.
#[derive(Debug)]
struct Prepared {
    req: NewPush,
    job: Job,
    connection: String,
    at_ms: i64,
}

/// The worker's prepared push (the last one only: one popup, one click).
#[derive(Debug, Default)]
pub struct Ahead(RefCell<Option<Prepared>>);

/// The stored connection of `ehr`, whole, as a string to compare (none when not connected).
async fn connection<P: Env>(p: &P, ehr: Ehr) -> Option<String> {
    fn whole<C: Serialize>(loaded: crate::Result<Option<C>>) -> Option<String> {
        serde_json::to_string(&loaded.ok()??).ok()
    }
    match ehr {
        Ehr::Cliniko => whole(cliniko::store::STORE.load_connection(p).await),
        Ehr::Nookal => whole(nookal::store::STORE.load_connection(p).await),
    }
}

/// Build the job `req` would make, with exactly what it will send, and keep it for the click.
/// Best effort: anything that fails here is simply done again (and reported) at the click. A
/// template picked against Automatic's choice is not prepared: choosing it teaches the clinic's
/// habit (`templates::for_push`), which only the push itself may do.
pub async fn prepare<P: Env>(p: &P, req: NewPush) {
    let w = p.worker();
    *w.ahead.0.borrow_mut() = None;
    if req.choices.template_id.is_some() && req.choices.template_id != req.automatic_template_id {
        return;
    }
    let at_ms = p.now_ms();
    let Some(connection) = connection(p, req.ehr).await else {
        return;
    };
    let Ok(checked) = run::check(&req) else {
        return;
    };
    let Ok(mut job) = run::build(p, req.clone(), checked).await else {
        return;
    };
    if job.ehr().prepare_note(p, &mut job).await.is_err() {
        return;
    }
    *w.ahead.0.borrow_mut() = Some(Prepared {
        req,
        job,
        connection,
        at_ms,
    });
}

/// The job prepared for exactly this request, if still fresh and under the same connection.
pub async fn take<P: Env>(p: &P, req: &NewPush) -> Option<Job> {
    let prepared = p.worker().ahead.0.borrow_mut().take()?;
    let same = NewPush {
        confirm_duplicate: req.confirm_duplicate,
        ..prepared.req.clone()
    } == *req;
    let now = p.now_ms();
    if !same || !(0..=FRESH_MS).contains(&(now - prepared.at_ms)) {
        return None;
    }
    if connection(p, req.ehr).await? != prepared.connection {
        return None;
    }
    let mut job = prepared.job;
    // Made now: the reconciling look-back counts from the click.
    job.created_at_ms = now;
    job.updated_at_ms = now;
    Some(job)
}
