//! Pure builders for every Nookal v2 request the extension makes (sans-IO `ApiRequest` values).
//!
//! Every call is `POST https://api.nookal.com/production/v2/<method>` with a form body that
//! starts with `api_key` (reference §1: SDK `Request.php` and `prepareConfig`). The key is never
//! put in the URL, where it would end up in logs and history.

use super::form::encode;
use super::id::NookalId;
use super::key::NookalKey;
use crate::http::{ApiRequest, Method};
use crate::{Error, Result};

/// The v2 base URL (one host, no regional shards: reference §1).
pub const API_BASE: &str = "https://api.nookal.com/production/v2";

/// The body's content type. `charset=UTF-8` must be sent: notes posted with other charsets were
/// silently dropped (reference §3).
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// Records per page we ask for (default 100, documented maximum 200: reference §1).
pub const PAGE_LENGTH: u32 = 100;

fn post(key: &NookalKey, method: &str, params: &[(&str, &str)]) -> ApiRequest {
    let mut pairs = vec![("api_key", key.expose_secret())];
    pairs.extend_from_slice(params);
    ApiRequest {
        method: Method::Post,
        url: format!("{API_BASE}/{method}"),
        headers: vec![
            ("Content-Type".to_string(), CONTENT_TYPE.to_string()),
            ("Accept".to_string(), "application/json".to_string()),
        ],
        body: Some(encode(&pairs)),
    }
}

pub(crate) fn paged(
    key: &NookalKey,
    method: &str,
    params: &[(&str, &str)],
    page: u32,
) -> ApiRequest {
    let page = page.max(1).to_string();
    let len = PAGE_LENGTH.to_string();
    let mut all = params.to_vec();
    all.push(("page", &page));
    all.push(("page_length", &len));
    post(key, method, &all)
}

/// `verify`: checks the key, no side effects (reference §4).
pub fn verify(key: &NookalKey) -> ApiRequest {
    post(key, "verify", &[])
}

/// `getLocations`: the locations the key covers.
pub fn get_locations(key: &NookalKey, page: u32) -> ApiRequest {
    paged(key, "getLocations", &[], page)
}

/// `getPractitioners`: who a note can be filed under (the key is not tied to one).
pub fn get_practitioners(key: &NookalKey, page: u32) -> ApiRequest {
    paged(key, "getPractitioners", &[], page)
}

/// One `searchPatients` query (reference §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientSearch {
    /// `patient_id=<id>`.
    ById(NookalId),
    /// `fuzzy_search=true&last_name=…[&first_name=…]`.
    Fuzzy {
        /// Last name (required by the fuzzy search).
        last_name: String,
        /// First name, when two words were typed.
        first_name: Option<String>,
    },
    /// Exact `first_name` + `last_name` + `date_of_birth` (`YYYY-MM-DD`).
    Exact {
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// `YYYY-MM-DD`.
        date_of_birth: String,
    },
    /// `email=<address>`. UNCONFIRMED whether Nookal honours `email` alone (reference §2); the
    /// results are always filtered by email on our side, so this works whether the server
    /// filters, or ignores the parameter (as v2 does with names it does not know).
    Email(String),
}

/// `searchPatients` with one query, first `page` of [`PAGE_LENGTH`].
pub fn search_patients(key: &NookalKey, q: &PatientSearch, page: u32) -> ApiRequest {
    let params: Vec<(&str, &str)> = match q {
        PatientSearch::ById(id) => vec![("patient_id", id.as_str())],
        PatientSearch::Fuzzy {
            last_name,
            first_name,
        } => {
            let mut p = vec![("fuzzy_search", "true"), ("last_name", last_name.as_str())];
            if let Some(f) = first_name {
                p.push(("first_name", f.as_str()));
            }
            p
        }
        PatientSearch::Exact {
            first_name,
            last_name,
            date_of_birth,
        } => vec![
            ("first_name", first_name.as_str()),
            ("last_name", last_name.as_str()),
            ("date_of_birth", date_of_birth.as_str()),
        ],
        PatientSearch::Email(e) => vec![("email", e.as_str())],
    };
    paged(key, "searchPatients", &params, page)
}

/// `getCases` for one patient.
pub fn get_cases(key: &NookalKey, patient_id: &NookalId, page: u32) -> ApiRequest {
    paged(
        key,
        "getCases",
        &[("patient_id", patient_id.as_str())],
        page,
    )
}

/// A case to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// The patient.
    pub patient_id: NookalId,
    /// Title shown in Nookal.
    pub title: String,
    /// `start_date`, `YYYY-MM-DD` (optional in the sources; sent when known).
    pub start_date: Option<String>,
    /// `primary_provider_id`: the chosen practitioner (optional).
    pub primary_provider_id: Option<NookalId>,
}

/// `addCase` (reference §3: `patient_id`, `title`, optional `start_date`, `primary_provider_id`).
pub fn add_case(key: &NookalKey, c: &NewCase) -> ApiRequest {
    let mut p = vec![
        ("patient_id", c.patient_id.as_str()),
        ("title", c.title.as_str()),
    ];
    if let Some(d) = &c.start_date {
        p.push(("start_date", d.as_str()));
    }
    if let Some(id) = &c.primary_provider_id {
        p.push(("primary_provider_id", id.as_str()));
    }
    post(key, "addCase", &p)
}

/// A clinic-local date-time, `YYYY-MM-DD HH:MM:SS`: the format to send `addTreatmentNote`'s
/// `date` in, and the one notes read back with (reference §3; the format is UNCONFIRMED, but
/// this is the one live tests saw accepted and read back).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime(String);

impl LocalDateTime {
    /// Accept `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM[:SS]` (what `<input type=datetime-local>`
    /// and `toISOString().slice(0, 19)` give), or `YYYY-MM-DD HH:MM`; normalise to the first.
    pub fn parse(text: &str) -> Result<LocalDateTime> {
        let t = text.trim();
        let bad = || Error::InvalidInput("the note date must look like 2025-03-01 10:30:00".into());
        let (date, time) = t.split_once([' ', 'T']).ok_or_else(bad)?;
        let time = match time.len() {
            5 => format!("{time}:00"),
            8 => time.to_string(),
            _ => return Err(bad()),
        };
        let d: Vec<&str> = date.split('-').collect();
        let tm: Vec<&str> = time.split(':').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let num = |s: &str| s.parse::<u32>().unwrap_or(99);
        let ok = d.len() == 3
            && tm.len() == 3
            && digits(d[0], 4)
            && digits(d[1], 2)
            && digits(d[2], 2)
            && tm.iter().all(|x| digits(x, 2))
            && (1..=12).contains(&num(d[1]))
            && (1..=31).contains(&num(d[2]))
            && num(tm[0]) < 24
            && num(tm[1]) < 60
            && num(tm[2]) < 60;
        if !ok {
            return Err(bad());
        }
        Ok(LocalDateTime(format!("{date} {time}")))
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A treatment note to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTreatmentNote {
    /// `patient_id`.
    pub patient_id: NookalId,
    /// `case_id` (required: a note lives in a case).
    pub case_id: NookalId,
    /// `practitioner_id` (required; chosen in the options page).
    pub practitioner_id: NookalId,
    /// `date`, clinic-local.
    pub date: LocalDateTime,
    /// `notes`: the plain-text rendering (`render::nookal_text`), `\n` line breaks.
    pub notes: String,
}

/// `addTreatmentNote`. The parameter names are exactly the documented ones: v2 ignores unknown
/// names and still says success (reference §1 "write caveat"), so a typo here would lose notes
/// silently — a request test pins every name, and the push reads the note back.
pub fn add_treatment_note(key: &NookalKey, n: &NewTreatmentNote) -> ApiRequest {
    post(
        key,
        "addTreatmentNote",
        &[
            ("patient_id", n.patient_id.as_str()),
            ("case_id", n.case_id.as_str()),
            ("practitioner_id", n.practitioner_id.as_str()),
            ("date", n.date.as_str()),
            ("notes", n.notes.as_str()),
        ],
    )
}

/// `getTreatmentNotes` for one patient (the read-back and the duplicate check).
pub fn get_treatment_notes(key: &NookalKey, patient_id: &NookalId, page: u32) -> ApiRequest {
    paged(
        key,
        "getTreatmentNotes",
        &[("patient_id", patient_id.as_str())],
        page,
    )
}
