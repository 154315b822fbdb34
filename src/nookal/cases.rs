//! A patient's cases: listing, the default choice (most recent open case), and creating one.
//!
//! Every Nookal treatment note belongs to a case, so a patient without one needs `addCase`
//! before the first note (reference §3).

use super::client::{On401, call, list_all};
use super::id::NookalId;
use super::read::as_text;
use super::requests::{self, NewCase};
use super::store;
use super::types::Case;
use crate::error::Ehr;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Longest case title we send.
pub const MAX_TITLE_CHARS: usize = 200;

/// Case statuses that mean the case is finished. UNCONFIRMED: v2's vocabulary is undocumented
/// (reference §3 lists `status` only), so anything not in this list — including no status at
/// all, `active`, `open`, `1` — counts as open.
const CLOSED: &[&str] = &[
    "closed",
    "close",
    "archived",
    "deleted",
    "inactive",
    "discharged",
    "completed",
    "complete",
    "finished",
    "cancelled",
    "canceled",
    "0",
    "false",
];

/// Whether a case is open (see [`CLOSED`]).
pub fn is_open(c: &Case) -> bool {
    c.status
        .as_deref()
        .is_none_or(|s| !CLOSED.contains(&s.trim().to_ascii_lowercase().as_str()))
}

/// Newer-than ordering: by date when both cases have one and they differ, else by id (ids grow
/// with time in every example; v2 documents no case date field).
fn recency(a: &Case, b: &Case) -> Ordering {
    if let (Some(da), Some(db)) = (&a.date, &b.date)
        && da != db
    {
        return da.cmp(db);
    }
    a.id.numeric()
        .cmp(&b.id.numeric())
        .then_with(|| a.id.as_str().cmp(b.id.as_str()))
}

/// The case a new note goes into by default: the most recent open case, if any.
pub fn default_case(cases: &[Case]) -> Option<&Case> {
    cases
        .iter()
        .filter(|c| is_open(c))
        .max_by(|a, b| recency(a, b))
}

/// `cases` reply: the patient's cases (most recent first) and the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseList {
    /// Cases, newest first.
    pub cases: Vec<CaseRow>,
    /// The default choice; `None` → the UI offers to create a case.
    pub default_case_id: Option<String>,
}

/// One case as the popup shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    /// Case id (string).
    pub id: String,
    /// Title.
    pub title: String,
    /// Open (not closed/archived).
    pub open: bool,
    /// Start/creation date, when known.
    pub date: Option<String>,
}

/// Every case of the patient (deleted ones included; the caller filters with [`is_open`]).
pub async fn fetch_cases<P: Env>(
    p: &P,
    key: &super::NookalKey,
    patient_id: &NookalId,
) -> Result<Vec<Case>> {
    list_all(p, "cases", On401::MarkNeedsReconnect, |pg| {
        requests::get_cases(key, patient_id, pg)
    })
    .await
}

/// List a patient's cases with the default choice.
pub async fn list_cases<P: Env>(p: &P, patient_id: &str) -> Result<CaseList> {
    let id = NookalId::parse(patient_id)?;
    let (key, _) = store::STORE.active(p).await?;
    let mut cases = fetch_cases(p, &key, &id).await?;
    let default_case_id = default_case(&cases).map(|c| c.id.to_string());
    cases.sort_by(|a, b| recency(b, a));
    Ok(CaseList {
        cases: cases
            .into_iter()
            .map(|c| CaseRow {
                open: is_open(&c),
                id: c.id.to_string(),
                title: c.title,
                date: c.date,
            })
            .collect(),
        default_case_id,
    })
}

/// Create a case for the patient (`addCase`), with the chosen practitioner as its primary
/// provider and `start_date` from the clinic-local date (`YYYY-MM-DD…`) when given.
///
/// The id of the new case is read from `results` under `case_id` (by analogy with `note_id` /
/// `patient_id`; UNCONFIRMED) or `caseID`/`ID`/`id`; if none is there, the case list is read
/// back and the newest open case with this title is taken, so either answer works.
pub async fn add_case<P: Env>(
    p: &P,
    patient_id: &str,
    title: &str,
    local_date: Option<&str>,
) -> Result<Case> {
    let patient_id = NookalId::parse(patient_id)?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::InvalidInput(format!(
            "the case title must be 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    let (key, conn) = store::STORE.active(p).await?;
    let start_date = local_date
        .map(str::trim)
        .and_then(|d| d.get(..10))
        .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
        .map(str::to_string);
    let new = NewCase {
        patient_id: patient_id.clone(),
        title: title.clone(),
        start_date: start_date.clone(),
        primary_provider_id: conn.practitioner_id.clone(),
    };
    let env = call(p, &requests::add_case(&key, &new)).await?;
    let id = ["case_id", "caseID", "ID", "id"]
        .iter()
        .find_map(|k| env.value(k).and_then(as_text).flatten())
        .and_then(|t| NookalId::parse(&t).ok());
    if let Some(id) = id {
        return Ok(Case {
            id,
            title,
            status: None,
            date: start_date,
        });
    }
    let cases = fetch_cases(p, &key, &patient_id).await?;
    cases
        .iter()
        .filter(|c| is_open(c) && c.title == title)
        .max_by(|a, b| recency(a, b))
        .cloned()
        .ok_or_else(|| Error::UnexpectedBody {
            ehr: Ehr::Nookal,
            detail: "addCase said success but the new case is not in the patient's cases".into(),
        })
}
