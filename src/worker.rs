//! The background worker's memory: everything the core keeps between messages but not in storage.
//!
//! One value, made by the host (`src/wasm/` keeps one per worker) and passed next to the
//! [`Platform`] (`app::handle(&platform, &worker, message)`). When the browser stops the service
//! worker this memory is gone, and the core is written for that: the outbox is in
//! `storage.session`, a job left `sending` is picked up by the next tick (reconciling first), the
//! pacing budget starts afresh (the EHR's own 429 is the backstop), the preflight memory is empty
//! (the title check runs again). Tests model a restart by making a new `Worker`.

use crate::http::{ApiRequest, ApiResponse, TransportError};
use crate::pacing::Pacer;
use crate::platform::{Platform, StorageArea};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

/// A remembered preflight "no" (see `push::preflight`): under which connection, and when asked.
#[derive(Debug, Clone)]
pub(crate) struct Clear {
    pub(crate) connection: String,
    pub(crate) asked_at_ms: i64,
}

/// The worker's memory. Single-threaded (wasm): plain cells, no locks.
#[derive(Debug, Default)]
pub struct Worker {
    /// Pacing budgets, one per key (by a hash of what identifies the key; no copy of it).
    pub(crate) pacers: RefCell<HashMap<u64, Pacer>>,
    /// A `jobs/tick` is running.
    pub(crate) ticking: Cell<bool>,
    /// The push storage write lock (outbox and receipts) is held.
    pub(crate) writing: Cell<bool>,
    /// Jobs an attempt is running for.
    pub(crate) in_flight: RefCell<HashSet<String>>,
    /// Preflight "no" answers by (patient id, normalised title).
    pub(crate) preflight: RefCell<HashMap<(String, String), Clear>>,
    /// Bumped by every preflight `forget`.
    pub(crate) preflight_generation: Cell<u64>,
    /// Diaries listed for the popup, and their patients' cards (issue 14).
    pub(crate) diary: RefCell<crate::diary::cache::DiaryCache>,
    /// Landed jobs whose save waits until after the click's reply (see `push::landing`).
    pub(crate) landing: crate::push::landing::Landing,
    /// The push prepared at the preflight (see `push::ahead`).
    pub(crate) ahead: crate::push::ahead::Ahead,
    /// The storage slots a running click read at once (see `store`).
    pub(crate) kept: crate::store::Kept,
}

impl Worker {
    /// A fresh worker (what a started or restarted service worker has).
    pub fn new() -> Worker {
        Worker::default()
    }

    /// Run `f` on the pacer for budget `id`, made by `make` the first time.
    pub(crate) fn with_pacer<T>(
        &self,
        id: u64,
        make: impl FnOnce() -> Pacer,
        f: impl FnOnce(&mut Pacer) -> T,
    ) -> T {
        f(self.pacers.borrow_mut().entry(id).or_insert_with(make))
    }
}

/// The host's effects plus this worker's memory: what every workflow runs against.
pub trait Env: Platform {
    /// This worker's memory.
    fn worker(&self) -> &Worker;
}

/// A [`Platform`] and a [`Worker`] side by side, as `app::handle` receives them.
#[derive(Debug)]
pub struct Running<'a, P> {
    platform: &'a P,
    worker: &'a Worker,
}

impl<'a, P: Platform> Running<'a, P> {
    /// Pair a host with its worker memory.
    pub fn new(platform: &'a P, worker: &'a Worker) -> Self {
        Running { platform, worker }
    }
}

impl<P: Platform> Platform for Running<'_, P> {
    async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.platform.send(req).await
    }
    async fn load(&self, area: StorageArea, key: &str) -> crate::Result<Option<Value>> {
        self.platform.load(area, key).await
    }
    async fn save(&self, area: StorageArea, key: &str, value: Value) -> crate::Result<()> {
        self.platform.save(area, key, value).await
    }
    async fn remove(&self, area: StorageArea, key: &str) -> crate::Result<()> {
        self.platform.remove(area, key).await
    }
    fn now_ms(&self) -> i64 {
        self.platform.now_ms()
    }
    fn random_u64(&self) -> u64 {
        self.platform.random_u64()
    }
    async fn sleep(&self, ms: u32) {
        self.platform.sleep(ms).await;
    }
    fn schedule_wakeup(&self, at_ms: i64) {
        self.platform.schedule_wakeup(at_ms);
    }
    fn set_badge(&self, count: u32) {
        self.platform.set_badge(count);
    }
}

impl<P: Platform> Env for Running<'_, P> {
    fn worker(&self) -> &Worker {
        self.worker
    }
}
