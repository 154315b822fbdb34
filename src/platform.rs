//! The effects the core needs from its host, as one trait: HTTP, extension storage, time, randomness.
//!
//! `wasm::platform` implements it with fetch and `browser.storage`; native tests implement it with an
//! in-process model of the EHRs (`motics-sandbox`), so whole workflows are tested without a browser.

use crate::Result;
use crate::http::{ApiRequest, ApiResponse, TransportError};
use serde_json::Value;

/// Which extension storage area a value lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageArea {
    /// `storage.local`: persistent (API keys, settings, receipts). Never note text.
    Local,
    /// `storage.session`: memory only, survives worker restarts (outbox, pre-selections).
    Session,
}

impl StorageArea {
    /// The area's name in the WebExtension API.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageArea::Local => "local",
            StorageArea::Session => "session",
        }
    }
}

/// Host effects. Single-threaded by design (wasm), so futures need not be `Send`.
#[allow(async_fn_in_trait)] // implemented only inside this crate and its tests; no Send bound wanted.
pub trait Platform {
    /// Send one request; `Err` only when no HTTP response arrived.
    async fn send(&self, req: &ApiRequest) -> std::result::Result<ApiResponse, TransportError>;
    /// Read one key from a storage area.
    async fn load(&self, area: StorageArea, key: &str) -> Result<Option<Value>>;
    /// Write one key to a storage area.
    async fn save(&self, area: StorageArea, key: &str, value: Value) -> Result<()>;
    /// Remove one key from a storage area.
    async fn remove(&self, area: StorageArea, key: &str) -> Result<()>;
    /// Wall-clock time, milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// A random 64-bit number (crypto-quality in the browser).
    fn random_u64(&self) -> u64;
    /// Wait this long (short waits only; long ones go through `alarms` in the background).
    async fn sleep(&self, ms: u32);
    /// Ask to be woken (a `jobs/tick`) at `at_ms`, even with no page open: the background sets the
    /// `motics-outbox` alarm (one alarm; a later call replaces the earlier time). Browsers may fire
    /// it later than asked (Chrome clamps alarms to ≥30 s for packed extensions), never earlier.
    /// Hosts without alarms (tests that drive ticks themselves) may ignore it.
    fn schedule_wakeup(&self, at_ms: i64) {
        let _ = at_ms;
    }
    /// Show `count` on the toolbar badge (jobs waiting, failed or needing a reconnect); 0 clears it.
    /// Hosts without a toolbar may ignore it.
    fn set_badge(&self, count: u32) {
        let _ = count;
    }
}
