//! The outbox: every job in `storage.session` (memory only; survives the worker being stopped,
//! not a browser restart), plus the badge and the alarm wakeup that follow every change.

use super::job::{Job, JobState};
use crate::platform::{Platform, StorageArea};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashSet;

/// storage.session key of the [`Outbox`].
pub const STORAGE_KEY: &str = "push.outbox";
/// Done jobs kept for `jobs/get` / `jobs/list` (older ones leave; their receipts stay).
const MAX_DONE: usize = 20;

/// The stored outbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    /// Jobs, oldest first (the tick runs due jobs in this order).
    pub jobs: Vec<Job>,
    /// After a 429 nothing is sent until then (ms), so the whole queue waits for the reset.
    #[serde(default)]
    pub paused_until_ms: i64,
}

impl Outbox {
    /// The job with this id.
    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// Jobs not yet in Cliniko (the badge count).
    pub fn pending_count(&self) -> u32 {
        u32::try_from(self.jobs.iter().filter(|j| j.state.is_pending()).count()).unwrap_or(u32::MAX)
    }

    /// When something is next due: a queued job now, a waiting job or verification at its time,
    /// never before a 429 pause ends. `None` when nothing will become due by itself.
    pub fn next_due_ms(&self, now_ms: i64) -> Option<i64> {
        self.jobs
            .iter()
            .filter_map(|j| match j.state {
                JobState::Queued | JobState::Sending => Some(now_ms),
                JobState::RetryWait => Some(j.next_at_ms.unwrap_or(now_ms)),
                JobState::Done if j.verify_due => j.next_at_ms,
                _ => None,
            })
            .min()
            .map(|t| t.max(self.paused_until_ms))
    }

    /// Whether `job` should run at `now_ms` (ignoring the queue pause).
    pub fn is_due(job: &Job, now_ms: i64) -> bool {
        match job.state {
            JobState::Queued | JobState::Sending => true,
            JobState::RetryWait => job.next_at_ms.is_none_or(|t| t <= now_ms),
            JobState::Done => job.verify_due && job.next_at_ms.is_some_and(|t| t <= now_ms),
            JobState::NeedsReconnect | JobState::Failed => false,
        }
    }

    fn prune(&mut self) {
        let done = self
            .jobs
            .iter()
            .filter(|j| j.state == JobState::Done && !j.verify_due)
            .count();
        let mut drop = done.saturating_sub(MAX_DONE);
        self.jobs.retain(|j| {
            if drop > 0 && j.state == JobState::Done && !j.verify_due {
                drop -= 1;
                false
            } else {
                true
            }
        });
    }
}

/// The outbox (empty when absent or unreadable).
pub async fn load<P: Platform>(p: &P) -> Result<Outbox> {
    Ok(p.load(StorageArea::Session, STORAGE_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Save the outbox, then update the badge and the wakeup alarm to match it.
pub async fn save<P: Platform>(p: &P, outbox: &mut Outbox) -> Result<()> {
    outbox.prune();
    let v = serde_json::to_value(&*outbox).map_err(|e| Error::Storage(e.to_string()))?;
    p.save(StorageArea::Session, STORAGE_KEY, v).await?;
    p.set_badge(outbox.pending_count());
    if let Some(at) = outbox.next_due_ms(p.now_ms()) {
        p.schedule_wakeup(at);
    }
    Ok(())
}

/// Insert or replace one job (by id), re-reading the outbox first so a concurrent handler's
/// changes to other jobs are kept.
pub async fn put<P: Platform>(p: &P, job: &Job) -> Result<()> {
    let mut outbox = load(p).await?;
    match outbox.jobs.iter_mut().find(|j| j.id == job.id) {
        Some(slot) => *slot = job.clone(),
        None => outbox.jobs.push(job.clone()),
    }
    save(p, &mut outbox).await
}

/// One job by id.
pub async fn get<P: Platform>(p: &P, id: &str) -> Result<Option<Job>> {
    Ok(load(p).await?.job(id).cloned())
}

/// Pause the whole queue until `until_ms` (after a 429).
pub async fn pause_until<P: Platform>(p: &P, until_ms: i64) -> Result<()> {
    let mut outbox = load(p).await?;
    outbox.paused_until_ms = outbox.paused_until_ms.max(until_ms);
    save(p, &mut outbox).await
}

thread_local! {
    // Jobs an attempt is running for in this worker. In memory on purpose: when the worker is
    // stopped mid-attempt this is gone, and a job left in `sending` is picked up by the next tick
    // (its `maybe_sent` flag, saved before the POST, says whether to reconcile first).
    static IN_FLIGHT: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Proof that this worker is running an attempt for a job; released on drop (also when the
/// attempt's future is dropped half-way).
#[derive(Debug)]
pub struct Claim(String);

impl Claim {
    /// Claim `id`, or `None` when an attempt for it is already running here.
    pub fn take(id: &str) -> Option<Claim> {
        IN_FLIGHT.with(|s| {
            s.borrow_mut()
                .insert(id.to_string())
                .then(|| Claim(id.to_string()))
        })
    }

    /// Whether an attempt for `id` is running in this worker.
    pub fn is_held(id: &str) -> bool {
        IN_FLIGHT.with(|s| s.borrow().contains(id))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        IN_FLIGHT.with(|s| {
            s.borrow_mut().remove(&self.0);
        });
    }
}
