//! The outbox: every job in `storage.session` (memory only; survives the worker being stopped,
//! not a browser restart), each unfinished job's record in `storage.local` beside it
//! (`push::record`: no note text), plus the badge and the alarm wakeup that follow every change.
//! An outbox gone from `storage.session` (browser restart, extension reload or update) is read
//! back from the records: every job `interrupted`, to be looked for in the EHR first.

use super::job::{Job, JobState};
use super::record::{self, JobRecord};
use crate::platform::StorageArea;
use crate::store;
use crate::worker::{Env, Worker};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
                JobState::RetryWait | JobState::Interrupted => Some(j.next_at_ms.unwrap_or(now_ms)),
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
            JobState::RetryWait | JobState::Interrupted => {
                job.next_at_ms.is_none_or(|t| t <= now_ms)
            }
            JobState::Done => job.verify_due && job.next_at_ms.is_some_and(|t| t <= now_ms),
            JobState::NeedsReconnect | JobState::Failed | JobState::Unfinished => false,
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

/// The outbox (empty when unreadable). Absent from `storage.session` (the browser or the
/// extension started again): its jobs read back from their records, `interrupted`.
pub async fn load<P: Env>(p: &P) -> Result<Outbox> {
    match store::load(p, StorageArea::Session, STORAGE_KEY).await? {
        // One JSON text (see `save`); an object from an older build still reads.
        Some(Value::String(text)) => Ok(serde_json::from_str::<Value>(&text)
            .and_then(serde_json::from_value)
            .unwrap_or_default()),
        Some(v) => Ok(serde_json::from_value(v).unwrap_or_default()),
        None => Ok(Outbox {
            jobs: load_records(p)
                .await?
                .into_iter()
                .map(JobRecord::adopt)
                .collect(),
            paused_until_ms: 0,
        }),
    }
}

/// The job records in `storage.local` (unreadable ones are skipped).
pub async fn load_records<P: Env>(p: &P) -> Result<Vec<JobRecord>> {
    Ok(
        match p.load(StorageArea::Local, record::STORAGE_KEY).await? {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
            _ => Vec::new(),
        },
    )
}

/// Save the outbox, and its records when they changed (`before`: the records as loaded), both
/// writes issued at once; then update the badge and the wakeup alarm to match it. The records
/// are written with the job, so a record exists before any POST of it. The outbox is stored as
/// one JSON text (through `Value`, so no serializer is compiled twice): the browser copies a
/// string whole, where ~20 done jobs as an object cost ~2 ms on every push's click.
async fn save<P: Env>(p: &P, outbox: &mut Outbox, before: &[JobRecord]) -> Result<()> {
    outbox.prune();
    let records = record::of_jobs(&outbox.jobs);
    let jobs = &*outbox;
    // Each JSON tree is built when its write is issued and handed to the browser at once, so
    // one whole outbox's tree is in memory at a time, not the outbox's and the records' together
    // (issue 18: a long queue's high-water mark).
    let write_jobs = async {
        let v = serde_json::to_value(jobs)
            .and_then(|v| serde_json::to_string(&v))
            .map(Value::String)
            .map_err(|e| Error::Storage(e.to_string()))?;
        store::save(p, StorageArea::Session, STORAGE_KEY, v).await
    };
    if records == before {
        write_jobs.await?;
    } else {
        let (a, b) = crate::join::join2(write_jobs, save_records(p, &records)).await;
        a.and(b)?;
    }
    p.set_badge(outbox.pending_count());
    if let Some(at) = outbox.next_due_ms(p.now_ms()) {
        p.schedule_wakeup(at);
    }
    Ok(())
}

/// The push storage write lock (outbox and receipts), in the worker's memory; released on drop
/// (also when the future holding it is dropped). Held while one handler reads, changes and writes
/// the outbox: message handlers and the alarm tick run interleaved on the one background thread,
/// and each storage read/write is an await, so without it two read-modify-writes can interleave
/// and the later write silently drops the other's change (a queued job vanished that way under
/// load). Hold it only around one read-change-write, never across a request.
pub(crate) struct WriteLock<'w>(&'w Worker);

impl<'w> WriteLock<'w> {
    pub(crate) async fn acquire<P: Env>(p: &'w P) -> WriteLock<'w> {
        // Single-threaded: test-and-set has no await in between, so it cannot race.
        while p.worker().writing.replace(true) {
            p.sleep(1).await;
        }
        WriteLock(p.worker())
    }
}

impl Drop for WriteLock<'_> {
    fn drop(&mut self) {
        self.0.writing.set(false);
    }
}

/// Change the outbox atomically with respect to every other handler: read it fresh, apply `f`,
/// save it (with the badge and wakeup). Never hold anything across a network call in `f`.
pub async fn update<P: Env, T>(p: &P, f: impl FnOnce(&mut Outbox) -> T) -> Result<T> {
    let _lock = WriteLock::acquire(p).await;
    let mut outbox = load(p).await?;
    let before = record::of_jobs(&outbox.jobs);
    let out = f(&mut outbox);
    save(p, &mut outbox, &before).await?;
    Ok(out)
}

/// Write the records (none left: the key goes, so nothing of the outbox stays on disk).
async fn save_records<P: Env>(p: &P, records: &[JobRecord]) -> Result<()> {
    if records.is_empty() {
        p.remove(StorageArea::Local, record::STORAGE_KEY).await
    } else {
        let r = serde_json::to_value(records).map_err(|e| Error::Storage(e.to_string()))?;
        p.save(StorageArea::Local, record::STORAGE_KEY, r).await
    }
}

/// Insert or replace one job (by id), keeping every other job as it is now.
pub async fn put<P: Env>(p: &P, job: &Job) -> Result<()> {
    update(p, |outbox| {
        match outbox.jobs.iter_mut().find(|j| j.id == job.id) {
            Some(slot) => *slot = job.clone(),
            None => outbox.jobs.push(job.clone()),
        }
    })
    .await
}

/// One job by id.
pub async fn get<P: Env>(p: &P, id: &str) -> Result<Option<Job>> {
    Ok(load(p).await?.job(id).cloned())
}

/// Pause the whole queue until `until_ms` (after a 429).
pub async fn pause_until<P: Env>(p: &P, until_ms: i64) -> Result<()> {
    update(p, |outbox| {
        outbox.paused_until_ms = outbox.paused_until_ms.max(until_ms)
    })
    .await
}

/// Proof that this worker is running an attempt for a job; released on drop (also when the
/// attempt's future is dropped half-way). In the worker's memory on purpose: when the worker is
/// stopped mid-attempt it is gone, and a job left in `sending` is picked up by the next tick (its
/// `maybe_sent` flag, saved before the POST, says whether to reconcile first).
#[derive(Debug)]
pub struct Claim<'w> {
    worker: &'w Worker,
    id: String,
}

impl<'w> Claim<'w> {
    /// Claim `id`, or `None` when an attempt for it is already running here.
    pub fn take(worker: &'w Worker, id: &str) -> Option<Claim<'w>> {
        worker
            .in_flight
            .borrow_mut()
            .insert(id.to_string())
            .then(|| Claim {
                worker,
                id: id.to_string(),
            })
    }

    /// Whether an attempt for `id` is running in this worker.
    pub fn is_held(worker: &Worker, id: &str) -> bool {
        worker.in_flight.borrow().contains(id)
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.worker.in_flight.borrow_mut().remove(&self.id);
    }
}
