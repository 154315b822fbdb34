//! Phone search as a paged scan: one pure step per page, so the popup can show progress and Cancel.
//!
//! Cliniko cannot filter by phone (maintainer, issue #343), so the patient list is read 100 at a
//! time (the maximum page) and numbers are compared client-side. Pages are addressed by number
//! (not by following `links.next`) so each step is independent and can be resumed or cancelled.

use super::phone::PhoneDigits;
use super::query::Query;
use super::rank::{Candidate, PatientSummary, Tier, summarise, tier};
use crate::cliniko::key::ClinikoKey;
use crate::cliniko::requests::{Filter, ListParams, MAX_PER_PAGE, list_patients};
use crate::cliniko::types::{Page, Patient};
use crate::http::ApiRequest;
use serde::Serialize;

/// Oldest first (Cliniko's documented default, stated explicitly) so that pages stay stable
/// while scanning: new patients land on the last page, not in the middle.
pub const SCAN_SORT: &str = "created_at";

/// The request for page `page` (1-based) of the scan.
pub fn scan_request(key: &ClinikoKey, page: u32, include_archived: bool) -> ApiRequest {
    let filters = if include_archived {
        vec![Filter::any("archived_at")]
    } else {
        Vec::new()
    };
    list_patients(
        key,
        &ListParams {
            filters,
            sort: Some(SCAN_SORT.to_string()),
            per_page: Some(MAX_PER_PAGE),
            page: Some(page.max(1)),
        },
    )
}

/// One page's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanPage {
    /// Patients on this page whose numbers match (exact first).
    pub matches: Vec<PatientSummary>,
    /// The page just scanned.
    pub page: u32,
    /// The next page to scan, or `None` when this was the last.
    pub next_page: Option<u32>,
    /// Total pages, when Cliniko gave `total_entries` (for the progress bar).
    pub total_pages: Option<u32>,
}

/// Match one page of patients against the query digits.
pub fn scan_step(
    query: &PhoneDigits,
    page: u32,
    result: &Page<Patient>,
    include_archived: bool,
) -> ScanPage {
    let q = Query::Phone(query.clone());
    let mut matches: Vec<(Tier, PatientSummary)> = result
        .items
        .iter()
        .filter(|p| include_archived || !p.is_archived())
        .map(|p| Candidate::from(p.clone()))
        .map(|p| (tier(&q, &p), p))
        .filter(|(t, _)| *t != Tier::Other)
        .map(|(t, p)| (t, summarise(&p, t, Some(query))))
        .collect();
    matches.sort_by_key(|m| m.0);
    let total_pages = result
        .total_entries
        .map(|n| u32::try_from(n.div_ceil(u64::from(MAX_PER_PAGE))).unwrap_or(u32::MAX));
    let more_by_count = total_pages.is_some_and(|t| page < t);
    ScanPage {
        matches: matches.into_iter().map(|(_, s)| s).collect(),
        page,
        // `links.next` is the documented signal; a full page short of `total_entries` covers a
        // server that omits links.
        next_page: (result.next.is_some()
            || (more_by_count && result.items.len() == usize::from(MAX_PER_PAGE)))
        .then(|| page.saturating_add(1)),
        total_pages,
    }
}
