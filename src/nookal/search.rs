//! Patient search against Nookal: run the planned `searchPatients` calls, check and rank.

use super::client::{OnAuthFailure, list_page};
use super::query::{parse, plan};
use super::rank::{passes, rank};
use super::requests::search_patients;
use super::store;
use super::types::Patient;
use crate::Result;
use crate::search::PatientSummary;
use crate::worker::Env;
use serde::Serialize;

/// The search reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    /// Matching patients, best first.
    pub patients: Vec<PatientSummary>,
    /// Nookal had more candidates than the first page: ask the clinician to type more.
    pub more: bool,
}

/// Search with the saved key. Calls run in plan order and stop at the first that yields a
/// candidate passing the checks; only the first page of each is read (a fuzzy name search
/// with more than a page of hits needs more typing, which `more` says).
pub async fn search<P: Env>(p: &P, text: &str) -> Result<SearchResult> {
    let q = parse(text)?;
    let pl = plan(&q)?;
    let (key, _) = store::active(p).await?;
    let mut candidates: Vec<Patient> = Vec::new();
    let mut more = false;
    for s in &pl.searches {
        let req = search_patients(&key, s, 1);
        let (found, paging) =
            list_page::<P, Patient>(p, &req, "patients", OnAuthFailure::MarkNeedsReconnect).await?;
        let hit = found.iter().any(|c| passes(c, &pl.checks));
        more |= hit && paging.next_page.is_some();
        candidates.extend(found);
        if hit {
            break;
        }
    }
    Ok(SearchResult {
        patients: rank(candidates, &q, &pl.checks),
        more,
    })
}
