//! Message handlers for patient search (the workflows live in `search::run`).
//!
//! Each is `async fn(p: &P, …) -> crate::Result<T>` with a serialisable `T`.

// The dispatcher wires a subset at a time; the rest stay available to it.
#[allow(unused_imports)]
pub use crate::search::{
    matching::{MatchVerdict, names_match},
    run::{SearchOptions, SearchResult, scan_phone_page, search},
    scan::ScanPage,
};
