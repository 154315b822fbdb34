//! The search workflows: one-shot patient search and the paged phone scan.
//!
//! Every request goes through `cliniko::client::send`, so a failure is a real error (offline,
//! 401, 429…), never an empty "no match".

use crate::cliniko::client;
use crate::cliniko::responses::parse_body;
use crate::cliniko::store;
use crate::cliniko::types::{Page, Patient};
use crate::search::date::{Date, DateOrder};
use crate::search::plan::plan_requests;
use crate::search::query::{Query, QueryKind, parse_query};
use crate::search::rank::{Candidate, PatientSummary, merge_and_rank};
use crate::search::scan::{ScanPage, scan_request, scan_step};
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Options from the popup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SearchOptions {
    /// Include archived patients (flagged in results).
    pub include_archived: bool,
    /// How the browser's locale writes numeric dates.
    pub date_order: DateOrder,
    /// The clinician's local date, `YYYY-MM-DD` (defaults to today in UTC).
    pub today: Option<String>,
}

impl SearchOptions {
    /// The clinician's local date (today in UTC when the popup sent none).
    pub fn today<P: Env>(&self, p: &P) -> Result<Date> {
        match &self.today {
            Some(t) => Date::parse_iso(t)
                .ok_or_else(|| Error::InvalidInput("today must be YYYY-MM-DD".into())),
            None => Ok(Date::from_unix_ms(p.now_ms())),
        }
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    /// How the query was read.
    pub kind: QueryKind,
    /// Ranked, de-duplicated patients.
    pub patients: Vec<PatientSummary>,
    /// Requests sent to Cliniko.
    pub requests_made: u32,
    /// Some request had more matches than one page: ask the clinician to narrow the search.
    pub more_available: bool,
    /// The query is (or may be) a phone number: the popup should offer or start the phone scan.
    pub phone_scan_suggested: bool,
}

/// Search by name, email, date of birth or id. A phone query returns no patients and
/// `phone_scan_suggested`: the popup then drives [`scan_phone_page`].
pub async fn search<P: Env>(p: &P, query: &str, opts: &SearchOptions) -> Result<SearchResult> {
    let parsed = parse_query(query, opts.date_order, opts.today(p)?)?;
    let phone_scan_suggested = matches!(
        parsed,
        Query::Phone(_)
            | Query::Id {
                maybe_phone: true,
                ..
            }
    );
    let mut result = SearchResult {
        kind: parsed.kind(),
        patients: Vec::new(),
        requests_made: 0,
        more_available: false,
        phone_scan_suggested,
    };
    if matches!(parsed, Query::Empty | Query::Phone(_)) {
        return Ok(result);
    }
    let (key, _) = store::STORE.active(p).await?;
    let mut lists = Vec::new();
    for req in plan_requests(&key, &parsed, opts.include_archived) {
        let resp = client::send(p, &req).await?;
        result.requests_made += 1;
        let page: Page<Patient> = parse_body(&resp.body)?;
        let shown = page.items.len() as u64;
        result.more_available |=
            page.next.is_some() || page.total_entries.is_some_and(|t| t > shown);
        lists.push(page.items.into_iter().map(Candidate::from).collect());
    }
    result.patients = merge_and_rank(&parsed, lists, opts.include_archived);
    Ok(result)
}

/// Scan page `page` (1-based) of the patient list for a phone number.
pub async fn scan_phone_page<P: Env>(
    p: &P,
    query: &str,
    page: u32,
    opts: &SearchOptions,
) -> Result<ScanPage> {
    let digits = match parse_query(query, opts.date_order, opts.today(p)?)? {
        Query::Phone(d) => d,
        // Bare digits that might be a phone number are scanned as written.
        Query::Id {
            id,
            maybe_phone: true,
        } => crate::search::phone::normalise(id.as_str())
            .ok_or_else(|| Error::InvalidInput("not a phone number".into()))?,
        _ => return Err(Error::InvalidInput("not a phone number".into())),
    };
    let (key, _) = store::STORE.active(p).await?;
    let page = page.max(1);
    let resp = client::send(p, &scan_request(&key, page, opts.include_archived)).await?;
    let result: Page<Patient> = parse_body(&resp.body)?;
    Ok(scan_step(&digits, page, &result, opts.include_archived))
}
