//! A scripted in-memory `Platform` for native tests: canned responses, recorded requests.
//!
//! Native-only (not compiled to wasm). Time starts at a fixed instant and advances only through
//! `sleep`, so pacing is deterministic.

use super::MemoryStorage;
use crate::Result;
use crate::http::{ApiRequest, ApiResponse, TransportError};
use crate::platform::{Platform, StorageArea};
use crate::worker::{Env, Worker};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

/// A fake host: answers requests from a queue and keeps storage in maps.
#[derive(Debug, Default)]
pub struct FakePlatform {
    /// Responses to give, in order (a request with none left gets a network error).
    pub responses: RefCell<VecDeque<std::result::Result<ApiResponse, TransportError>>>,
    /// Every request sent, in order.
    pub sent: RefCell<Vec<ApiRequest>>,
    /// Storage, keyed by (area name, key).
    pub storage: MemoryStorage,
    /// Current time (ms since the epoch).
    pub now: Cell<i64>,
    /// Total time slept (ms).
    pub slept_ms: Cell<u64>,
    /// Every wakeup asked for (`schedule_wakeup`), in order.
    pub wakeups: RefCell<Vec<i64>>,
    /// The badge count last set (`set_badge`).
    pub badge: Cell<u32>,
    /// This fake worker's memory (replace it to model a restarted worker).
    pub worker: Worker,
}

impl FakePlatform {
    /// An empty fake at 2025-01-01T00:00:00Z.
    pub fn new() -> FakePlatform {
        let p = FakePlatform::default();
        p.now.set(1_735_689_600_000);
        p
    }

    /// Queue a response with this status and JSON/text body.
    pub fn respond(&self, status: u16, body: &str) -> &Self {
        self.respond_with(status, &[], body)
    }

    /// Queue a response with headers.
    pub fn respond_with(&self, status: u16, headers: &[(&str, &str)], body: &str) -> &Self {
        self.responses.borrow_mut().push_back(Ok(ApiResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }));
        self
    }

    /// Queue a transport failure.
    pub fn fail(&self, err: TransportError) -> &Self {
        self.responses.borrow_mut().push_back(Err(err));
        self
    }

    /// URLs of the requests sent so far.
    pub fn urls(&self) -> Vec<String> {
        self.sent.borrow().iter().map(|r| r.url.clone()).collect()
    }

    /// A stored value.
    pub fn stored(&self, area: StorageArea, key: &str) -> Option<Value> {
        self.storage.get(area, key)
    }
}

impl Platform for FakePlatform {
    async fn send(&self, req: &ApiRequest) -> std::result::Result<ApiResponse, TransportError> {
        self.sent.borrow_mut().push(req.clone());
        self.responses
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(TransportError::Network {
                detail: "no canned response left".into(),
            }))
    }

    async fn load(&self, area: StorageArea, key: &str) -> Result<Option<Value>> {
        Ok(self.stored(area, key))
    }

    async fn save(&self, area: StorageArea, key: &str, value: Value) -> Result<()> {
        self.storage.set(area, key, value);
        Ok(())
    }

    async fn remove(&self, area: StorageArea, key: &str) -> Result<()> {
        self.storage.remove(area, key);
        Ok(())
    }

    fn now_ms(&self) -> i64 {
        self.now.get()
    }

    fn random_u64(&self) -> u64 {
        4 // chosen by fair dice roll; tests need determinism, not randomness.
    }

    async fn sleep(&self, ms: u32) {
        self.slept_ms.set(self.slept_ms.get() + u64::from(ms));
        self.now.set(self.now.get() + i64::from(ms));
    }

    fn schedule_wakeup(&self, at_ms: i64) {
        self.wakeups.borrow_mut().push(at_ms);
    }

    fn set_badge(&self, count: u32) {
        self.badge.set(count);
    }
}

impl Env for FakePlatform {
    fn worker(&self) -> &Worker {
        &self.worker
    }
}
