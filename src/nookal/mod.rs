//! Nookal API v2: form-encoded requests, the HTTP-200 failure envelope, patients, cases, notes.
//!
//! The same shape as `cliniko/`. Pure: [`form`], [`key`], [`id`], [`requests`], [`responses`],
//! [`read`], [`types`], [`query`], [`rank`], [`cases`], [`mojibake`], [`readback`].
//! Effects only through the worker's `Env`: [`client`] (the one place requests go out), [`store`]
//! (Nookal's slots in the one key store, `integration::Store`), and the workflows [`connect`],
//! [`search`], [`push`]. Pacing is the shared `pacing::Pacer`; ranking is `search::rank`'s.

pub mod appointments;
pub mod cases;
pub mod client;
pub mod connect;
pub mod diary;
pub mod form;
pub mod id;
pub mod key;
pub mod mojibake;
pub mod push;
pub mod query;
pub mod rank;
pub mod read;
pub mod readback;
pub mod requests;
pub mod responses;
pub mod search;
pub mod store;
pub mod types;

pub use id::NookalId;
pub use key::NookalKey;
