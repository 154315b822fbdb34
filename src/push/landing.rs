//! A click's landing, saved after its reply: the job done and its receipt are kept in the
//! worker's memory while the reply goes out, and written by the next handler (the `jobs/tick`
//! the background sends right after replying, or any job or receipt read before it).
//!
//! Why this keeps every guarantee: the job was saved `sending` with `maybe_sent` before the POST
//! (`attempt::send_new`), so a worker stopped before the save loses nothing: the next tick looks
//! for the note by its push reference before any new send (reconcile before any retry), and lands
//! it once. Only the click defers (`Landing::defer`); every other step saves as it lands.

use super::job::{Job, JobState};
use super::{outbox, receipts};
use crate::Result;
use crate::worker::{Env, Worker};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// The worker's memory of deferred landings.
#[derive(Debug, Default)]
pub struct Landing {
    /// Jobs whose landing is deferred while their click runs.
    deferring: RefCell<HashSet<String>>,
    /// Landed jobs not yet saved, by id.
    unsaved: RefCell<HashMap<String, Job>>,
}

/// The click for job `id` is running: its landing waits for [`flush`]. Ends on drop.
pub(crate) struct Deferring<'w> {
    worker: &'w Worker,
    id: String,
}

impl Landing {
    /// Defer the landing of job `id` until the guard is dropped and [`flush`] runs.
    pub(crate) fn defer<'w>(worker: &'w Worker, id: &str) -> Deferring<'w> {
        worker.landing.deferring.borrow_mut().insert(id.to_string());
        Deferring {
            worker,
            id: id.to_string(),
        }
    }

    /// Keep `job` (just landed) for [`flush`] if its landing is deferred; `false` when it isn't.
    pub(crate) fn keep(worker: &Worker, job: &Job) -> bool {
        if !worker.landing.deferring.borrow().contains(&job.id) {
            return false;
        }
        worker
            .landing
            .unsaved
            .borrow_mut()
            .insert(job.id.clone(), job.clone());
        true
    }

    /// Whether job `id` has landed and waits for [`flush`].
    pub fn is_unsaved(worker: &Worker, id: &str) -> bool {
        worker.landing.unsaved.borrow().contains_key(id)
    }
}

impl Drop for Deferring<'_> {
    fn drop(&mut self) {
        self.worker.landing.deferring.borrow_mut().remove(&self.id);
    }
}

/// Save every landing kept for after a reply: the job done (unless a later step already saved it
/// done, e.g. its check for copies), then its receipt. Returns the jobs saved.
pub async fn flush<P: Env>(p: &P) -> Result<Vec<Job>> {
    let mut saved = Vec::new();
    let jobs: Vec<Job> = {
        let landing = &p.worker().landing;
        let deferring = landing.deferring.borrow();
        let mut unsaved = landing.unsaved.borrow_mut();
        let ids: Vec<String> = unsaved
            .keys()
            .filter(|id| !deferring.contains(*id))
            .cloned()
            .collect();
        ids.iter().filter_map(|id| unsaved.remove(id)).collect()
    };
    for job in jobs {
        let record = outbox::update(p, |o| match o.jobs.iter_mut().find(|j| j.id == job.id) {
            // Saved done by a later step: its receipt is recorded unless that step recorded a
            // newer one (its check for copies ran).
            Some(slot) if slot.state == JobState::Done => {
                slot.receipt.as_ref().is_some_and(|r| !r.verified)
            }
            Some(slot) => {
                *slot = job.clone();
                true
            }
            // Discarded meanwhile: the note landed all the same, so its receipt is kept.
            None => true,
        })
        .await?;
        if record && let Some(r) = job.receipt.as_ref().filter(|r| !r.note_id.is_empty()) {
            receipts::record(p, r).await?;
        }
        saved.push(job);
    }
    Ok(saved)
}
