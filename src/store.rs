//! Storage slots read once per click: a push's click reads every slot it needs at once (one
//! join), and later reads of those slots while it runs are answered from that read.
//!
//! Why this is never stale: every write in this worker to a slot that can be kept here goes
//! through [`save`] / [`remove`], which forget the slot before the write is issued (browser storage
//! runs calls in the order they are made, so a read issued later sees the write), and a read that
//! was in flight while any such write was issued is not kept. Only the background writes these
//! slots (the key store's, the outbox, the receipts). The reads are kept while a [`Held`] lives
//! (one click) and dropped with the last one, so another message never sees them afterwards.

use crate::Result;
use crate::platform::StorageArea;
use crate::worker::Env;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// The worker's kept reads.
#[derive(Debug, Default)]
pub struct Kept {
    /// The slots read at the click, by area and key (`None`: absent from storage).
    values: RefCell<HashMap<(StorageArea, String), Option<Value>>>,
    /// Bumped by every write through this module: a read in flight across one is not kept.
    writes: Cell<u64>,
    /// How many [`Held`] are alive.
    holders: Cell<u32>,
}

/// Reads kept for a click; all of them dropped with the last one.
#[must_use = "the reads are kept only while this lives"]
pub struct Held<'w>(&'w Kept);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let left = self.0.holders.get().saturating_sub(1);
        self.0.holders.set(left);
        if left == 0 {
            self.0.values.borrow_mut().clear();
        }
    }
}

/// Read `slots` at once (one round trip) and keep them for [`load`] while the result lives.
pub async fn read_at_once<'p, P: Env>(p: &'p P, slots: &[(StorageArea, &str)]) -> Held<'p> {
    let kept = &p.worker().kept;
    kept.holders.set(kept.holders.get() + 1);
    let held = Held(kept);
    let writes = kept.writes.get();
    let reads = slots.iter().map(|(area, key)| p.load(*area, key)).collect();
    let values = crate::join::join_all(reads).await;
    if kept.writes.get() == writes {
        let mut map = kept.values.borrow_mut();
        for ((area, key), v) in slots.iter().zip(values) {
            // A failed read is not kept: the next read tries storage again and reports it.
            if let Ok(v) = v {
                map.insert((*area, (*key).to_string()), v);
            }
        }
    }
    held
}

/// One slot: as read at the running click, else from storage.
pub async fn load<P: Env>(p: &P, area: StorageArea, key: &str) -> Result<Option<Value>> {
    let kept = p
        .worker()
        .kept
        .values
        .borrow()
        .get(&(area, key.to_string()))
        .cloned();
    match kept {
        Some(v) => Ok(v),
        None => p.load(area, key).await,
    }
}

/// Forget what is kept of a slot about to be written.
fn forget<P: Env>(p: &P, area: StorageArea, key: &str) {
    let kept = &p.worker().kept;
    kept.writes.set(kept.writes.get().wrapping_add(1));
    kept.values.borrow_mut().remove(&(area, key.to_string()));
}

/// Write a slot that a click may keep.
pub async fn save<P: Env>(p: &P, area: StorageArea, key: &str, value: Value) -> Result<()> {
    forget(p, area, key);
    p.save(area, key, value).await
}

/// Remove a slot that a click may keep.
pub async fn remove<P: Env>(p: &P, area: StorageArea, key: &str) -> Result<()> {
    forget(p, area, key);
    p.remove(area, key).await
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::testing::FakePlatform;
    use pollster::block_on;
    use serde_json::json;

    const A: (StorageArea, &str) = (StorageArea::Local, "a");

    #[test]
    fn a_kept_read_follows_writes_and_ends_with_the_click() {
        let p = FakePlatform::new();
        block_on(p.save(A.0, A.1, json!(1))).unwrap();
        let held = block_on(read_at_once(&p, &[A]));
        // Changed behind the module's back (only a test can): the kept read answers.
        block_on(p.save(A.0, A.1, json!(2))).unwrap();
        assert_eq!(block_on(load(&p, A.0, A.1)).unwrap(), Some(json!(1)));
        // A write through the module is read back at once.
        block_on(save(&p, A.0, A.1, json!(3))).unwrap();
        assert_eq!(block_on(load(&p, A.0, A.1)).unwrap(), Some(json!(3)));
        block_on(remove(&p, A.0, A.1)).unwrap();
        assert_eq!(block_on(load(&p, A.0, A.1)).unwrap(), None);
        drop(held);
        block_on(p.save(A.0, A.1, json!(4))).unwrap();
        assert_eq!(block_on(load(&p, A.0, A.1)).unwrap(), Some(json!(4)));
    }
}
