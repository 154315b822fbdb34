//! Regression: two handlers changing the outbox at the same time must both be kept. The background
//! interleaves message handlers and the alarm tick at every storage await; a queued job once
//! vanished because one handler's save overwrote another's (found by the 40-note queue benchmark).
#![cfg(not(target_arch = "wasm32"))]

use motics_push::http::{ApiRequest, ApiResponse, TransportError};
use motics_push::platform::{Platform, StorageArea};
use motics_push::push::job::Job;
use motics_push::push::outbox;
use motics_push::testing::FakePlatform;
use motics_push::worker::{Env, Worker};
use serde_json::{Value, json};
use std::future::Future;
use std::task::Poll;

/// A platform whose storage calls yield to the executor first, as `browser.storage` does.
struct Yielding(FakePlatform);

async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

impl Platform for Yielding {
    async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.0.send(req).await
    }
    async fn load(&self, area: StorageArea, key: &str) -> motics_push::Result<Option<Value>> {
        yield_now().await;
        self.0.load(area, key).await
    }
    async fn save(&self, area: StorageArea, key: &str, value: Value) -> motics_push::Result<()> {
        yield_now().await;
        self.0.save(area, key, value).await
    }
    async fn remove(&self, area: StorageArea, key: &str) -> motics_push::Result<()> {
        yield_now().await;
        self.0.remove(area, key).await
    }
    fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }
    fn random_u64(&self) -> u64 {
        self.0.random_u64()
    }
    async fn sleep(&self, _ms: u32) {
        yield_now().await;
    }
}

impl Env for Yielding {
    fn worker(&self) -> &Worker {
        self.0.worker()
    }
}

/// Drive two futures on one thread, interleaved at every await (like the background's handlers).
fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    pollster::block_on(motics_push::join::join2(a, b))
}

fn job(id: &str) -> Job {
    serde_json::from_value(json!({
        "id": id, "push_ref": "7K2P9Q", "state": "queued",
        "patient": {"id": "1805465202989210063", "first_name": "Jane", "last_name": "Citizen",
                    "preferred_first_name": null, "date_of_birth": null, "email": null, "phone": null,
                    "archived": false},
        "title": "Session Summary", "fingerprint": "f", "created_at_ms": 0, "updated_at_ms": 0,
        "attempts": 0, "next_at_ms": null, "error": null, "maybe_sent": false, "note_id": null,
        "verify_due": false, "archived_copies": [], "receipt": null, "scope": null,
        "payload": {"cliniko": {"source": null, "created_display": null, "template_id": null, "draft": true, "content": null}}
    }))
    .expect("a job")
}

#[test]
fn concurrent_puts_keep_both_jobs() {
    let p = Yielding(FakePlatform::new());
    let (a, b) = join2(outbox::put(&p, &job("a")), outbox::put(&p, &job("b")));
    a.expect("put a");
    b.expect("put b");
    let ids: Vec<String> = pollster::block_on(outbox::load(&p))
        .expect("load")
        .jobs
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids, ["a", "b"], "neither handler's change may be lost");
}

#[test]
fn a_pause_and_a_put_at_the_same_time_are_both_kept() {
    let p = Yielding(FakePlatform::new());
    let (a, b) = join2(outbox::pause_until(&p, 5_000), outbox::put(&p, &job("c")));
    a.expect("pause");
    b.expect("put");
    let ob = pollster::block_on(outbox::load(&p)).expect("load");
    assert_eq!(ob.paused_until_ms, 5_000);
    assert_eq!(ob.jobs.len(), 1);
}

#[test]
fn an_outbox_stored_by_an_older_version_reads_as_empty() {
    // Before the EHR-tagged payload: a Cliniko `payload` struct, Nookal beside it.
    let p = FakePlatform::new();
    let old = json!({"jobs": [{"id": "a", "ehr": "nookal", "payload": {"draft": true},
        "nookal": {"input": null}}], "paused_until_ms": 0});
    pollster::block_on(p.save(StorageArea::Session, outbox::STORAGE_KEY, old)).unwrap();
    assert_eq!(
        pollster::block_on(outbox::load(&Yielding(p))).unwrap(),
        outbox::Outbox::default()
    );
}

#[test]
fn the_outbox_is_stored_as_one_json_text_and_an_object_still_reads() {
    // One string: storage copies it whole, where an object of ~20 done jobs is converted field by
    // field on every push's click (bench/README.md "Nookal click path").
    let p = FakePlatform::new();
    pollster::block_on(outbox::put(&p, &job("a"))).unwrap();
    let stored = p.stored(StorageArea::Session, outbox::STORAGE_KEY);
    let Some(Value::String(text)) = stored else {
        panic!("expected a JSON text, got {stored:?}");
    };
    let as_object: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(as_object["jobs"][0]["id"], json!("a"));
    // The same outbox as an object (what builds before this one stored) reads the same.
    pollster::block_on(p.save(StorageArea::Session, outbox::STORAGE_KEY, as_object)).unwrap();
    let ob = pollster::block_on(outbox::load(&p)).unwrap();
    assert_eq!(ob.jobs.len(), 1);
    assert_eq!(ob.jobs[0].id, "a");
}
