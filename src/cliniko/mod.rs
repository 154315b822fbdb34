//! Cliniko API v1: key parsing, request builders, response parsing, note content.
//!
//! Pure: [`key`], [`id`], [`requests`], [`responses`], [`types`], [`links`], [`pacing`].
//! Effects only through `Platform`: [`client`] (the one place requests go out) and [`store`]
//! (the saved connection in storage.local).

pub mod appointments;
pub mod base64;
pub mod client;
pub mod connect;
pub mod content;
pub mod decode;
pub mod id;
pub mod key;
pub mod links;
pub mod pacing;
pub mod requests;
pub mod responses;
pub mod store;
pub mod types;
pub mod url;

/// A scripted Platform for native tests (not built for wasm).
#[cfg(not(target_arch = "wasm32"))]
pub mod fake_platform;

pub use id::ClinikoId;
pub use key::{ClinikoKey, Shard};
