//! Motics Push core: the pure logic of the extension (note model, rendering, EHR requests, search,
//! push workflow), compiled natively for tests and to WebAssembly for the browser.
//!
//! Everything here is free of browser APIs except `wasm`, the one module that may use
//! wasm-bindgen, web-sys, js-sys and gloo-net. Effects (HTTP, storage, time, randomness) reach the
//! pure code through the [`platform::Platform`] trait, and the worker's memory between messages is
//! one explicit [`worker::Worker`] passed next to it, so workflows run natively against an
//! in-process model of Cliniko and Nookal in `cargo test`. One workflow serves every EHR through
//! [`ehr`].

pub mod app;
pub mod cliniko;
pub mod diary;
pub mod ehr;
pub mod error;
pub mod http;
pub mod integration;
pub mod join;
pub mod json;
pub mod nookal;
pub mod note;
pub mod pacing;
pub mod platform;
pub mod push;
pub mod render;
pub mod search;
pub mod send;
pub mod settings;
pub mod store;
pub mod templates;
pub mod wire;
pub mod worker;

#[cfg(not(target_arch = "wasm32"))]
pub mod testing;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};

/// The core's version, from Cargo.toml (the manifest's version is derived from the same place).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A build identifier baked in by build.sh (`MOTICS_BUILD_ID`), or "dev" for local builds.
pub const BUILD_ID: &str = match option_env!("MOTICS_BUILD_ID") {
    Some(id) => id,
    None => "dev",
};
