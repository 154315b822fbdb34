//! The duplicate-title check run ahead of the click (`push/preflight`), and a short memory of
//! its "no such note" answers so that `push/start` can skip the same GET.
//!
//! The popup sends the preflight while the clinician reads the preview and the patient card, so
//! the click itself waits only for the POST. What makes skipping the check at the click safe:
//! - only a check that succeeded and found nothing is remembered (a failure, or a note with the
//!   same title, is never remembered: `push/start` asks Cliniko again);
//! - it is trusted for [`FRESH_MS`] from when the GET was sent, and only under the connection it
//!   ran with (another key, practitioner or clinic → the check runs again);
//! - it lives in this worker's memory only: a restarted worker has none and checks again;
//! - a job created or landed for the same patient and title forgets it, and a preflight that was
//!   in flight at that moment is not remembered, so a note this browser sends can never hide
//!   behind an earlier "no" (each "no" serves at most one push).

use super::guard::{self, NeedsConfirmation};
use crate::cliniko::ClinikoId;
use crate::cliniko::store::{self, Connection};
use crate::worker::{Clear, Env, Worker};
use crate::{Error, Result};

/// How long a "no such note" stands in for the check at the click. Long enough to read the
/// preview and click; short enough that a note typed into Cliniko meanwhile is very unlikely.
pub const FRESH_MS: i64 = 120_000;

// The "no" answers are kept in the worker's memory (`Worker::preflight`, keyed by patient id and
// normalised title), on purpose (see the module docs). `Worker::preflight_generation` is bumped by
// every `forget`: a preflight that saw it change while its GET was out may have been answered
// before the note it should have seen existed, so it is not remembered.

fn key(patient_id: &str, title: &str) -> Result<(String, String)> {
    let title = guard::normalise(title);
    if title.is_empty() {
        return Err(Error::InvalidInput("the note needs a title".into()));
    }
    Ok((ClinikoId::parse(patient_id)?.to_string(), title))
}

/// Who the check ran as: the same key of the same practitioner at the same clinic.
fn identity(c: &Connection) -> String {
    format!(
        "{}|{}|{}|{}",
        c.shard,
        c.user_id,
        c.practitioner_id.as_deref().unwrap_or_default(),
        c.key_hint
    )
}

fn fresh(asked_at_ms: i64, now_ms: i64) -> bool {
    // A clock that went backwards proves nothing: check again.
    (0..=FRESH_MS).contains(&(now_ms - asked_at_ms))
}

/// `push/preflight`: Cliniko's duplicate-title check for this patient and title, now. A "no" is
/// remembered for the push that follows; a "yes" is returned and never remembered.
pub async fn run<P: Env>(
    p: &P,
    patient_id: &str,
    title: &str,
) -> Result<Option<NeedsConfirmation>> {
    let key = key(patient_id, title)?;
    let w = p.worker();
    let generation = w.preflight_generation.get();
    let asked_at_ms = p.now_ms();
    let (found, conn) = guard::cliniko_title(p, &key.0, title).await?;
    if found.is_none() && w.preflight_generation.get() == generation {
        let now = p.now_ms();
        let mut c = w.preflight.borrow_mut();
        c.retain(|_, e| fresh(e.asked_at_ms, now));
        c.insert(
            key,
            Clear {
                connection: identity(&conn),
                asked_at_ms,
            },
        );
    }
    Ok(found)
}

/// Whether a fresh "no" for this patient and title, under the current connection, lets the push
/// skip the title GET. Costs nothing (no storage read) when there is none.
pub async fn recently_clear<P: Env>(p: &P, patient_id: &str, title: &str) -> bool {
    let Ok(key) = key(patient_id, title) else {
        return false;
    };
    let now = p.now_ms();
    let Some(connection) = p
        .worker()
        .preflight
        .borrow()
        .get(&key)
        .filter(|e| fresh(e.asked_at_ms, now))
        .map(|e| e.connection.clone())
    else {
        return false;
    };
    matches!(store::STORE.load_connection(p).await, Ok(Some(c)) if identity(&c) == connection)
}

/// A job for this patient and title was created or has landed: whatever was remembered for them
/// no longer holds.
pub fn forget(worker: &Worker, patient_id: &str, title: &str) {
    let g = &worker.preflight_generation;
    g.set(g.get().wrapping_add(1));
    if let Ok(key) = key(patient_id, title) {
        worker.preflight.borrow_mut().remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_for_two_minutes_and_never_from_the_future() {
        assert!(fresh(1_000, 1_000));
        assert!(fresh(1_000, 1_000 + FRESH_MS));
        assert!(!fresh(1_000, 1_001 + FRESH_MS));
        assert!(!fresh(1_000, 999));
    }

    #[test]
    fn keys_ignore_case_and_spacing_but_need_a_title_and_an_id() {
        assert_eq!(
            key(" 42 ", "Session  Summary").unwrap(),
            key("42", "session summary").unwrap()
        );
        assert!(key("42", "   ").is_err());
        assert!(key("x42", "Title").is_err());
    }
}
