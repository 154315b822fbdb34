//! `patients/search` and `patients/scan-phone`: the EHR is a field; the workflows live in
//! `search::run` (Cliniko) and `nookal::search`.

use crate::Result;
use crate::error::Ehr;
pub use crate::search::matching::names_match;
use crate::search::run;
pub use crate::search::run::SearchOptions;
use crate::worker::Env;
use serde_json::Value;

/// `patients/search`: ranked patients for what was typed (one reply shape for every EHR).
pub async fn search<P: Env>(
    p: &P,
    ehr: Ehr,
    query: &str,
    options: &SearchOptions,
) -> Result<Value> {
    super::to_value(&match ehr {
        Ehr::Cliniko => run::search(p, query, options).await?,
        Ehr::Nookal => crate::nookal::search::search(p, query, options).await?,
    })
}

/// `patients/scan-phone`: one page of the phone scan (Cliniko cannot filter by phone). Nookal's
/// search takes the phone number itself, so it has no scan.
pub async fn scan_phone_page<P: Env>(
    p: &P,
    ehr: Ehr,
    query: &str,
    page: u32,
    options: &SearchOptions,
) -> Result<Value> {
    match ehr {
        Ehr::Cliniko => super::to_value(&run::scan_phone_page(p, query, page, options).await?),
        Ehr::Nookal => Err(crate::Error::Unsupported(ehr)),
    }
}
