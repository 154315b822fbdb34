//! Test support shared by the unit tests and `tests/*.rs` (native only, not built for wasm).

pub mod fake_platform;
pub mod storage;

pub use fake_platform::FakePlatform;
pub use storage::MemoryStorage;
