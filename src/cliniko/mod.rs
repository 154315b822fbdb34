//! Cliniko API v1: key parsing, request builders, response parsing, note content.
//!
//! Pure: [`key`], [`id`], [`requests`], [`responses`], [`types`], [`links`].
//! Effects only through the worker's `Env`: [`client`] (the one place requests go out) and
//! [`store`] (Cliniko's slots in the one key store, `integration::Store`).

pub mod appointments;
pub mod base64;
pub mod client;
pub mod connect;
pub mod content;
pub mod decode;
pub mod diary;
pub mod id;
pub mod key;
pub mod links;
pub mod push;
pub mod requests;
pub mod responses;
pub mod store;
pub mod types;
pub mod url;

pub use id::ClinikoId;
pub use key::{ClinikoKey, Shard};
