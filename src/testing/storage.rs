//! Extension storage in memory, by (area, key): the storage of every native test host.

use crate::platform::StorageArea;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;

/// `storage.local` and `storage.session` as one map; the map itself is open to tests.
#[derive(Debug, Default)]
pub struct MemoryStorage(RefCell<HashMap<(String, String), Value>>);

impl Deref for MemoryStorage {
    type Target = RefCell<HashMap<(String, String), Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

fn slot(area: StorageArea, key: &str) -> (String, String) {
    (area.as_str().to_string(), key.to_string())
}

impl MemoryStorage {
    /// A stored value.
    pub fn get(&self, area: StorageArea, key: &str) -> Option<Value> {
        self.borrow().get(&slot(area, key)).cloned()
    }

    /// Store a value.
    pub fn set(&self, area: StorageArea, key: &str, value: Value) {
        self.borrow_mut().insert(slot(area, key), value);
    }

    /// Remove a value.
    pub fn remove(&self, area: StorageArea, key: &str) {
        self.borrow_mut().remove(&slot(area, key));
    }
}
