//! Message handlers for the Cliniko connection (the workflows live in `cliniko::connect`).
//!
//! Each is `async fn(p: &P, …) -> crate::Result<T>` with a serialisable `T`.

// The dispatcher wires a subset at a time; the rest stay available to it.
#[allow(unused_imports)]
pub use crate::cliniko::connect::{
    Connection, ConnectionState, Status, connect, list_templates, mark_needs_reconnect, reconnect,
    remove, set_enabled, status, verify,
};
