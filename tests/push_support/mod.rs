//! A `Platform` over the in-process Cliniko model (`motics_sandbox::Sandbox`) for push tests:
//! HTTP through `Sandbox::handle`, storage maps, a controllable clock, wakeups and badge recorded,
//! and the network's failure modes (offline, drops, Chromium's POST resend, timeouts, a worker
//! stopped mid-request).
#![allow(dead_code)] // each test binary uses a different part of it

use motics_push::http::{ApiRequest, ApiResponse, TransportError};
use motics_push::platform::{Platform, StorageArea};
use motics_push::testing::MemoryStorage;
use motics_push::worker::Worker;
use motics_sandbox::{HttpRequest, Outcome, Sandbox};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// The browser's fetch timeout (src/wasm/http.rs).
pub const CLIENT_TIMEOUT_MS: u64 = 30_000;
/// Every request takes this long on the simulated wire (so creation times differ).
const WIRE_MS: i64 = 40;

/// The host, as the background sees it.
pub struct SandboxPlatform {
    /// The in-process Cliniko.
    pub sb: RefCell<Sandbox>,
    /// storage.local / storage.session, by (area, key).
    pub storage: MemoryStorage,
    /// Clock (ms since the epoch).
    pub now: Cell<i64>,
    /// Every `schedule_wakeup`.
    pub wakeups: RefCell<Vec<i64>>,
    /// The last badge count.
    pub badge: Cell<u32>,
    /// The browser reports offline: nothing reaches the server.
    pub offline: Cell<bool>,
    /// The next POST /treatment_notes (Cliniko) or addTreatmentNote (Nookal) is processed and
    /// then the worker "stops" (never answers).
    pub crash_on_post: Cell<bool>,
    /// Set when that happened.
    pub crashed: Cell<bool>,
    /// The background worker's memory ([`SandboxPlatform::restart_worker`] replaces it).
    pub worker: RefCell<Rc<Worker>>,
    /// Every storage read, in order: (area, key).
    pub loads: RefCell<Vec<(String, String)>>,
    /// Each storage read takes a turn of the event loop, as the browser's do (so reads issued
    /// together are seen together: [`SandboxPlatform::read_rounds`]).
    pub slow_storage: Cell<bool>,
    /// Reads started while none was pending (with `slow_storage`): sequential reads each add one.
    pub read_rounds: Cell<usize>,
    loads_pending: Cell<usize>,
    rng: Cell<u64>,
}

impl SandboxPlatform {
    /// A fresh sandbox at 2025-10-01T00:00:00Z.
    pub fn new() -> SandboxPlatform {
        SandboxPlatform {
            sb: RefCell::new(Sandbox::new()),
            storage: MemoryStorage::default(),
            now: Cell::new(1_759_276_800_000),
            wakeups: RefCell::new(Vec::new()),
            badge: Cell::new(0),
            offline: Cell::new(false),
            crash_on_post: Cell::new(false),
            crashed: Cell::new(false),
            worker: RefCell::new(Rc::new(Worker::new())),
            loads: RefCell::new(Vec::new()),
            slow_storage: Cell::new(false),
            read_rounds: Cell::new(0),
            loads_pending: Cell::new(0),
            rng: Cell::new(0x9e37_79b9_7f4a_7c15),
        }
    }

    /// The browser stopped the service worker and started it again: its memory is gone; the
    /// server, storage and clock stay.
    pub fn restart_worker(&self) {
        *self.worker.borrow_mut() = Rc::new(Worker::new());
    }

    /// The browser closed and started again (or the extension was reloaded or updated):
    /// `storage.session` is empty and the worker's memory gone; `storage.local`, the server and
    /// the clock stay.
    pub fn restart_browser(&self) {
        self.storage
            .borrow_mut()
            .retain(|(area, _), _| area != "session");
        self.restart_worker();
    }

    /// Everything in `storage.local`, as one string (what reaches the disk).
    pub fn local_storage_text(&self) -> String {
        self.storage
            .borrow()
            .iter()
            .filter(|((area, _), _)| area == "local")
            .map(|((_, key), v)| format!("{key}={v}\n"))
            .collect()
    }

    /// Advance the clock.
    pub fn advance(&self, ms: i64) {
        self.now.set(self.now.get() + ms);
    }

    fn to_sandbox(req: &ApiRequest) -> HttpRequest {
        let rest = req.url.strip_prefix("https://").unwrap_or(&req.url);
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let mut h = HttpRequest::new(req.method.as_str(), host, path);
        for (k, v) in &req.headers {
            h = h.header(k, v);
        }
        if let Some(b) = &req.body {
            h = h.body(b);
        }
        h
    }

    fn resolve(
        &self,
        outcome: Outcome,
        h: &HttpRequest,
        resent: bool,
    ) -> Result<ApiResponse, TransportError> {
        match outcome {
            Outcome::Respond(r) => Ok(ApiResponse {
                status: r.status,
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect(),
                body: r.body,
            }),
            Outcome::DropBeforeProcessing => Err(TransportError::Network {
                detail: "connection closed".into(),
            }),
            // Chromium: a reused keep-alive connection closed before any response → the same
            // POST is sent again, once, transparently; the page sees only the second answer.
            Outcome::DropAfterProcessing if h.method == "POST" && !resent => {
                self.advance(WIRE_MS);
                let again = self.sb.borrow_mut().handle(h, self.now_u64());
                self.resolve(again, h, true)
            }
            Outcome::DropAfterProcessing => Err(TransportError::Network {
                detail: "connection closed".into(),
            }),
            Outcome::Delay { ms, then } => {
                if ms > CLIENT_TIMEOUT_MS {
                    self.advance(CLIENT_TIMEOUT_MS as i64);
                    Err(TransportError::Timeout)
                } else {
                    self.advance(ms as i64);
                    self.resolve(*then, h, resent)
                }
            }
        }
    }

    fn now_u64(&self) -> u64 {
        u64::try_from(self.now.get()).unwrap()
    }

    /// Requests the server saw (method, path), in order.
    pub fn log(&self) -> Vec<(String, String)> {
        self.sb
            .borrow()
            .requests(None, None)
            .into_iter()
            .map(|r| (r.method, r.path))
            .collect()
    }

    /// How many POST /v1/treatment_notes the server saw.
    pub fn posts(&self) -> usize {
        self.log()
            .iter()
            .filter(|(m, path)| m == "POST" && path == "/v1/treatment_notes")
            .count()
    }

    /// The server's notes carrying `ref <push_ref>`: (id, patient_id, archived).
    pub fn notes_with_ref(&self, push_ref: &str) -> Vec<(String, String, bool)> {
        let needle = format!("ref {push_ref}");
        self.sb
            .borrow()
            .cliniko_notes()
            .into_iter()
            .filter(|n| n.content.to_string().contains(&needle))
            .map(|n| (n.id, n.patient_id, n.archived_at.is_some()))
            .collect()
    }

    /// Send one message to the background's dispatcher.
    pub fn call(&self, message: Value) -> Value {
        pollster::block_on(self.handle(message))
    }

    /// The dispatcher's future for one message, with this host's current worker.
    pub async fn handle(&self, message: Value) -> Value {
        let worker = Rc::clone(&self.worker.borrow());
        motics_push::app::handle(self, &worker, message).await
    }

    /// `call`, asserting `{ok: true}`, returning the value.
    pub fn ok(&self, message: Value) -> Value {
        let reply = self.call(message.clone());
        assert_eq!(reply["ok"], json!(true), "{message} → {reply}");
        reply["value"].clone()
    }

    /// Connect the demo practitioner's key.
    pub fn connect(&self) {
        let key = self.sb.borrow().demo_keys().practitioner.clone();
        self.ok(json!({"type": "connection/connect", "ehr": "cliniko", "key": key}));
    }

    /// Connect the Nookal clinic's key and choose its first practitioner (as the options page
    /// asks); returns the practitioner's id.
    pub fn connect_nookal(&self) -> Value {
        let key = self.sb.borrow().demo_keys().nookal.clone();
        let st = self.ok(json!({"type": "connection/connect", "ehr": "nookal", "key": key}));
        let id = st["practitioners"][0]["id"].clone();
        self.ok(
            json!({"type": "connection/set-practitioner", "ehr": "nookal", "practitioner_id": id}),
        );
        id
    }

    /// Active, non-archived patients of the practitioner's clinic, as the popup's summary rows.
    pub fn patients(&self, n: usize) -> Vec<Value> {
        let rows = self.ok(json!({"type": "patients/search", "ehr": "cliniko", "query": "an"}));
        let mut out: Vec<Value> = rows["patients"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r["archived"] == json!(false))
            .collect();
        out.truncate(n);
        assert_eq!(out.len(), n, "not enough patients");
        out
    }
}

impl Platform for SandboxPlatform {
    async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, TransportError> {
        if self.offline.get() {
            return Err(TransportError::Offline);
        }
        self.advance(WIRE_MS);
        let h = Self::to_sandbox(req);
        let outcome = self.sb.borrow_mut().handle(&h, self.now_u64());
        if self.crash_on_post.get()
            && h.method == "POST"
            && (h.path() == "/v1/treatment_notes" || h.path().ends_with("/addTreatmentNote"))
        {
            // The server has the note; the worker is stopped before any answer reaches it.
            self.crash_on_post.set(false);
            self.crashed.set(true);
            std::future::pending::<()>().await;
        }
        self.resolve(outcome, &h, false)
    }

    async fn load(&self, area: StorageArea, key: &str) -> motics_push::Result<Option<Value>> {
        self.loads
            .borrow_mut()
            .push((area.as_str().to_string(), key.to_string()));
        if self.slow_storage.get() {
            if self.loads_pending.get() == 0 {
                self.read_rounds.set(self.read_rounds.get() + 1);
            }
            self.loads_pending.set(self.loads_pending.get() + 1);
            next_turn().await;
            self.loads_pending.set(self.loads_pending.get() - 1);
        }
        Ok(self.storage.get(area, key))
    }

    async fn save(&self, area: StorageArea, key: &str, value: Value) -> motics_push::Result<()> {
        self.storage.set(area, key, value);
        Ok(())
    }

    async fn remove(&self, area: StorageArea, key: &str) -> motics_push::Result<()> {
        self.storage.remove(area, key);
        Ok(())
    }

    fn now_ms(&self) -> i64 {
        self.now.get()
    }

    fn random_u64(&self) -> u64 {
        // xorshift64: deterministic, but different on every call (job ids, jitter).
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        x
    }

    async fn sleep(&self, ms: u32) {
        self.advance(i64::from(ms));
    }

    fn schedule_wakeup(&self, at_ms: i64) {
        self.wakeups.borrow_mut().push(at_ms);
    }

    fn set_badge(&self, count: u32) {
        self.badge.set(count);
    }
}

/// Pending once (woken at once): the rest waits for the next turn of the executor.
async fn next_turn() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// Poll `fut` until it finishes, or until the host "stopped the worker" (the future is then
/// dropped, as a stopped service worker drops everything in memory).
pub fn run_until_crash<F: Future>(p: &SandboxPlatform, fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return Some(v);
        }
        if p.crashed.get() {
            return None;
        }
    }
}

/// A Markdown note source with distinct text.
pub fn source(text: &str) -> Value {
    json!({"format": "markdown", "text": text, "meta": {"author": "Dr Amelia Hart", "session_id": "s-1001"}})
}

/// A `push/start` message.
pub fn push_start(patient: &Value, text: &str, push_ref: &str, title: &str) -> Value {
    json!({
        "type": "push/start", "ehr": "cliniko",
        "source": source(text),
        "patient": patient,
        "title": title,
        "draft": true,
        "template_id": null,
        "push_ref": push_ref,
        "created_display": "01/10/2025, 10:02 am",
        "confirm_duplicate": false,
    })
}

/// The push references tests use (valid alphabet, distinct).
pub fn push_ref(i: usize) -> String {
    const A: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut n = i + 7919;
    (0..6)
        .map(|_| {
            let c = A[n % A.len()] as char;
            n /= A.len();
            c
        })
        .collect()
}
