//! The search part of the EHR interface: patients for a typed query (each EHR parses and plans
//! its own requests; ranking and matching are shared in `search::rank` / `search::matching`), and
//! Cliniko's phone scan.

use super::Ehr;
use crate::Result;
pub use crate::search::matching::names_match;
use crate::search::run;
pub use crate::search::run::{SearchOptions, SearchResult};
use crate::search::scan::ScanPage;
use crate::worker::Env;

/// Ranked patients for what was typed (one reply shape for every EHR).
pub async fn search<P: Env>(
    p: &P,
    ehr: Ehr,
    query: &str,
    options: &SearchOptions,
) -> Result<SearchResult> {
    match ehr {
        Ehr::Cliniko => run::search(p, query, options).await,
        Ehr::Nookal => crate::nookal::search::search(p, query, options).await,
    }
}

/// One page of the phone scan (Cliniko cannot filter by phone). Nookal's search takes the phone
/// number beside a name, so it has no scan.
pub async fn scan_phone_page<P: Env>(
    p: &P,
    ehr: Ehr,
    query: &str,
    page: u32,
    options: &SearchOptions,
) -> Result<ScanPage> {
    match ehr {
        Ehr::Cliniko => run::scan_phone_page(p, query, page, options).await,
        Ehr::Nookal => Err(crate::Error::Unsupported(ehr)),
    }
}
