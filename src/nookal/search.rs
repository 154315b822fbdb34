//! Patient search against Nookal: run the planned `searchPatients` calls, check and rank.

use super::client::{On401, list_page};
use super::query::{parse, plan};
use super::rank::{passes, rank};
use super::requests::search_patients;
use super::store;
use super::types::Patient;
use crate::Result;
use crate::search::query::QueryKind;
use crate::search::run::{SearchOptions, SearchResult};
use crate::worker::Env;

/// Search with the saved key; the reply is the shared [`SearchResult`]. Calls run in plan order
/// and stop at the first that yields a candidate passing the checks; only the first page of each
/// is read (a fuzzy name search with more than a page of hits needs more typing, which
/// `more_available` says). Phones are checked here, so no phone scan is ever suggested.
pub async fn search<P: Env>(p: &P, text: &str, opts: &SearchOptions) -> Result<SearchResult> {
    let q = parse(text, opts.date_order, opts.today(p)?)?;
    let pl = plan(&q)?;
    let (key, _) = store::STORE.active(p).await?;
    let mut candidates: Vec<Patient> = Vec::new();
    let mut more = false;
    let mut requests_made = 0;
    for s in &pl.searches {
        requests_made += 1;
        let req = search_patients(&key, s, 1);
        let (found, paging) =
            list_page::<P, Patient>(p, &req, "patients", On401::MarkNeedsReconnect).await?;
        let hit = found.iter().any(|c| passes(c, &pl.checks));
        more |= hit && paging.next_page.is_some();
        candidates.extend(found);
        if hit {
            break;
        }
    }
    let kind = match () {
        _ if q.id.is_some() => QueryKind::Id,
        _ if !q.names.is_empty() => QueryKind::Name,
        _ if q.email.is_some() => QueryKind::Email,
        _ if q.phone.is_some() => QueryKind::Phone,
        _ => QueryKind::Dob,
    };
    Ok(SearchResult {
        kind,
        patients: rank(candidates, &q, &pl.checks, opts.include_archived),
        requests_made,
        more_available: more,
        phone_scan_suggested: false,
    })
}
