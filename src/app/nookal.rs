//! Message handlers for Nookal (the workflows live in `nookal::{connect, search, cases, push}`).
//!
//! Each is `async fn(p: &P, …) -> crate::Result<T>` with a serialisable `T`; ids are strings.

use crate::Result;
use crate::error::Ehr;
use crate::nookal::cases::{CaseList, CaseRow};
use crate::nookal::readback::{self, fingerprint};
use crate::nookal::search::SearchResult;
use crate::nookal::store::{self, Status};
use crate::nookal::{cases, connect as conn, search as searching};
use crate::platform::Platform;
use serde::Serialize;

/// `nookal/status`: state (not_set_up / connected / disabled / needs_reconnect), summary, choices.
pub async fn status<P: Platform>(p: &P) -> Result<Status> {
    store::status(p).await
}

/// `nookal/connect`: verify a pasted key (`verify`, `getLocations`, `getPractitioners`) and save
/// it only if that worked. Nookal pushes parked on a 401 then go out again at once (as after
/// "Reconnect Cliniko"), not at the next alarm.
pub async fn connect<P: Platform>(p: &P, api_key: &str) -> Result<Status> {
    let status = conn::connect(p, api_key).await?;
    resume_parked(p).await?;
    Ok(status)
}

/// Nookal jobs parked on a 401 go out again, once a key and a practitioner are both set (a job
/// resumed without a practitioner would only fail again, and for good).
async fn resume_parked<P: Platform>(p: &P) -> Result<()> {
    if let Ok((_, c)) = store::active(p).await
        && c.practitioner().is_some()
    {
        crate::push::run::resume_ehr(p, Ehr::Nookal).await?;
    }
    Ok(())
}

/// `nookal/verify`: re-check the saved key and refresh the locations and practitioners.
pub async fn verify<P: Platform>(p: &P) -> Result<Status> {
    conn::verify_saved(p).await
}

/// `nookal/set_enabled`: switch Nookal on or off, keeping the key.
pub async fn set_enabled<P: Platform>(p: &P, enabled: bool) -> Result<Status> {
    store::set_enabled(p, enabled).await?;
    store::status(p).await
}

/// `nookal/remove`: forget the key and everything saved with it.
pub async fn remove<P: Platform>(p: &P) -> Result<Status> {
    store::remove_all(p).await?;
    store::status(p).await
}

/// `nookal/set_practitioner`: the practitioner notes are filed under (required before pushing).
pub async fn set_practitioner<P: Platform>(p: &P, practitioner_id: &str) -> Result<Status> {
    let status = conn::set_practitioner(p, practitioner_id).await?;
    resume_parked(p).await?;
    Ok(status)
}

/// `nookal/set_location`: the default location (`None` clears it).
pub async fn set_location<P: Platform>(p: &P, location_id: Option<&str>) -> Result<Status> {
    conn::set_location(p, location_id).await
}

/// `nookal/search`: patients matching the typed text, best first.
pub async fn search<P: Platform>(p: &P, query: &str) -> Result<SearchResult> {
    searching::search(p, query).await
}

/// `nookal/cases`: the patient's cases and the default (most recent open) one.
pub async fn cases<P: Platform>(p: &P, patient_id: &str) -> Result<CaseList> {
    cases::list_cases(p, patient_id).await
}

/// `nookal/add_case`: create a case for a patient who has none (or needs a new one).
/// `local_date` (`YYYY-MM-DD…`, optional) becomes the case's start date.
pub async fn add_case<P: Platform>(
    p: &P,
    patient_id: &str,
    title: &str,
    local_date: Option<&str>,
) -> Result<CaseRow> {
    let c = cases::add_case(p, patient_id, title, local_date).await?;
    Ok(CaseRow {
        open: cases::is_open(&c),
        id: c.id.to_string(),
        title: c.title,
        date: c.date,
    })
}

/// `nookal/find_note` reply: an existing copy of a note, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundNote {
    /// Whether a note with this text exists (dated on or after `since_local`'s day).
    pub found: bool,
    /// Its id.
    pub note_id: Option<String>,
    /// Its case.
    pub case_id: Option<String>,
}

/// `nookal/find_note`: before retrying an ambiguous push, look for the note (by the text's
/// [`fingerprint`]) so the retry never creates a second one.
pub async fn find_note<P: Platform>(
    p: &P,
    patient_id: &str,
    since_local: &str,
    notes: &str,
) -> Result<FoundNote> {
    let found = readback::find_note(p, patient_id, since_local, &fingerprint(notes)).await?;
    Ok(FoundNote {
        found: found.is_some(),
        note_id: found.as_ref().map(|n| n.id.to_string()),
        case_id: found.and_then(|n| n.case_id.map(|c| c.to_string())),
    })
}
