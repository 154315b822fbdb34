//! The background's message protocol: one typed request per message, one dispatcher.
//!
//! Pages send `{type: "…", …}` (see `extension/lib/messages.js`, the JS twin of [`Request`]);
//! the background checks the sender and hands the message here. Replies are always
//! `{ok: true, value}` or `{ok: false, error: {kind, params, transient}}`.

mod cliniko;
mod destination;
mod nookal;
mod nookal_push;
mod note;
mod preselect;
pub mod push;
mod search;
mod settings;

use crate::error::{Error, ErrorReply};
use crate::platform::Platform;
use crate::wire::{self, Flat};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Every request the background understands.
///
/// On the wire the variant is the `type` field; [`parse`] moves it outside (see [`crate::wire`])
/// so serde decodes the enum without buffering, which is why "no fields" variants are `Name {}`.
#[derive(Debug, Deserialize)]
#[non_exhaustive]
pub enum Request {
    /// Version and build of the core.
    #[serde(rename = "core/info")]
    CoreInfo {},
    /// Parse and render a note read from the page.
    #[serde(rename = "note/prepare")]
    NotePrepare(note::PrepareRequest),
    /// Note defaults.
    #[serde(rename = "settings/get")]
    SettingsGet {},
    /// Save note defaults.
    #[serde(rename = "settings/set")]
    SettingsSet {
        /// The new settings.
        settings: crate::settings::Settings,
    },
    /// The Cliniko connection state.
    #[serde(rename = "cliniko/status")]
    ClinikoStatus {},
    /// Verify a pasted key, then save it.
    #[serde(rename = "cliniko/connect")]
    ClinikoConnect {
        /// The key as pasted.
        key: String,
    },
    /// Verify the saved key again.
    #[serde(rename = "cliniko/verify")]
    ClinikoVerify {},
    /// Replace the key after a 401 and resume.
    #[serde(rename = "cliniko/reconnect")]
    ClinikoReconnect {
        /// The new key as pasted.
        key: String,
    },
    /// Turn the integration on or off (the key is kept).
    #[serde(rename = "cliniko/set-enabled")]
    ClinikoSetEnabled {
        /// On or off.
        enabled: bool,
    },
    /// Forget the key.
    #[serde(rename = "cliniko/remove")]
    ClinikoRemove {},
    /// The clinic's treatment-note templates (cached).
    #[serde(rename = "cliniko/templates")]
    ClinikoTemplates {
        /// Bypass the cache.
        #[serde(default)]
        refresh: bool,
    },
    /// How many template choices were learned (Settings shows it).
    #[serde(rename = "templates/learned")]
    TemplatesLearned {},
    /// Forget every learned template choice.
    #[serde(rename = "templates/forget")]
    TemplatesForget {},
    /// Search patients.
    #[serde(rename = "patients/search")]
    PatientsSearch(Flat<SearchQuery, search::SearchOptions>),
    /// One page of a phone-number scan.
    #[serde(rename = "patients/scan-phone")]
    PatientsScanPhone(Flat<ScanQuery, search::SearchOptions>),
    /// Does the chosen patient match the one the Motics page names?
    #[serde(rename = "patients/match")]
    PatientsMatch {
        /// Name shown on the page.
        page_name: String,
        /// DOB shown on the page, if any.
        #[serde(default)]
        page_dob: Option<String>,
        /// The chosen patient.
        patient: crate::search::rank::PatientSummary,
    },
    /// The patient pre-selected for a Motics session.
    #[serde(rename = "preselect/get")]
    PreselectGet {
        /// Session / tab scope.
        scope: preselect::Scope,
    },
    /// Pre-select a patient for a Motics session.
    #[serde(rename = "preselect/set")]
    PreselectSet {
        /// Session / tab scope.
        scope: preselect::Scope,
        /// The patient.
        patient: crate::search::rank::PatientSummary,
    },
    /// Forget a pre-selection.
    #[serde(rename = "preselect/clear")]
    PreselectClear {
        /// Session / tab scope.
        scope: preselect::Scope,
    },
    /// Cliniko's duplicate-title check, ahead of the click (its "no" is remembered briefly).
    #[serde(rename = "push/preflight")]
    PushPreflight {
        /// The chosen patient.
        patient: crate::search::rank::PatientSummary,
        /// The title as shown.
        title: String,
    },
    /// Push one note to Cliniko (first attempt inline).
    #[serde(rename = "push/start")]
    PushStart(Box<crate::push::run::NewPush>),
    /// Queue many pushes (sent by the tick, paced).
    #[serde(rename = "push/queue")]
    PushQueue {
        /// One push per note and patient.
        items: Vec<crate::push::run::NewPush>,
    },
    /// One job, without note text.
    #[serde(rename = "jobs/get")]
    JobsGet {
        /// Job id.
        id: String,
    },
    /// Every job, without note text.
    #[serde(rename = "jobs/list")]
    JobsList {},
    /// Try a job again now.
    #[serde(rename = "jobs/retry")]
    JobsRetry {
        /// Job id.
        id: String,
    },
    /// Forget a job.
    #[serde(rename = "jobs/discard")]
    JobsDiscard {
        /// Job id.
        id: String,
    },
    /// Run every due job (the `motics-outbox` alarm).
    #[serde(rename = "jobs/tick")]
    JobsTick {},
    /// Recent pushes.
    #[serde(rename = "receipts/list")]
    ReceiptsList {},
    /// Forget one EHR's push history (offered after "Remove key").
    #[serde(rename = "receipts/clear")]
    ReceiptsClear {
        /// `"cliniko"` or `"nookal"`.
        ehr: crate::error::Ehr,
    },
    /// The Nookal connection state, summary and choices.
    #[serde(rename = "nookal/status")]
    NookalStatus {},
    /// Verify a pasted Nookal key (verify, locations, practitioners), then save it.
    #[serde(rename = "nookal/connect")]
    NookalConnect {
        /// The key as pasted.
        key: String,
    },
    /// Verify the saved Nookal key again and refresh its lists.
    #[serde(rename = "nookal/verify")]
    NookalVerify {},
    /// Turn Nookal on or off (the key is kept).
    #[serde(rename = "nookal/set-enabled")]
    NookalSetEnabled {
        /// On or off.
        enabled: bool,
    },
    /// Forget the Nookal key.
    #[serde(rename = "nookal/remove")]
    NookalRemove {},
    /// The practitioner Nookal notes are filed under.
    #[serde(rename = "nookal/set-practitioner")]
    NookalSetPractitioner {
        /// Practitioner id (string).
        practitioner_id: String,
    },
    /// The default Nookal location (`null` clears it).
    #[serde(rename = "nookal/set-location")]
    NookalSetLocation {
        /// Location id (string), or none.
        #[serde(default)]
        location_id: Option<String>,
    },
    /// Search Nookal patients.
    #[serde(rename = "nookal/search")]
    NookalSearch {
        /// What was typed.
        query: String,
    },
    /// A Nookal patient's cases and the default one.
    #[serde(rename = "nookal/cases")]
    NookalCases {
        /// Patient id (string).
        patient_id: String,
    },
    /// Create a case for a Nookal patient.
    #[serde(rename = "nookal/add-case")]
    NookalAddCase {
        /// Patient id (string).
        patient_id: String,
        /// Case title.
        title: String,
        /// Clinic-local date (`YYYY-MM-DD…`), the case's start date.
        #[serde(default)]
        local_date: Option<String>,
    },
    /// Push one note to Nookal (inline), with the duplicate guard and a receipt.
    #[serde(rename = "nookal/push")]
    NookalPush(Box<nookal_push::PushRequest>),
    /// Is this note already in Nookal? (reconcile before a retry)
    #[serde(rename = "nookal/find-note")]
    NookalFindNote {
        /// Patient id (string).
        patient_id: String,
        /// Clinic-local date-time the push used.
        since_local: String,
        /// The text that was sent.
        notes: String,
    },
    /// Where this Motics session pushes when both EHRs are on (the last choice).
    #[serde(rename = "destination/get")]
    DestinationGet {
        /// Session / tab scope.
        scope: preselect::Scope,
    },
    /// Remember where this Motics session pushes.
    #[serde(rename = "destination/set")]
    DestinationSet {
        /// Session / tab scope.
        scope: preselect::Scope,
        /// `"cliniko"` or `"nookal"`.
        ehr: crate::error::Ehr,
    },
}

/// `patients/search`'s own field; the search options sit beside it in the same object.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// What was typed.
    pub query: String,
}

/// `patients/scan-phone`'s own fields; the search options sit beside them in the same object.
#[derive(Debug, Deserialize)]
pub struct ScanQuery {
    /// The phone number as typed.
    pub query: String,
    /// 1-based page.
    pub page: u32,
}

/// What `core/info` answers.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CoreInfo {
    /// Crate version (equals the manifest version).
    pub version: &'static str,
    /// Build id baked in at build time.
    pub build: &'static str,
}

/// Handle one message and produce the reply envelope. Never fails: errors become `{ok: false}`.
pub async fn handle<P: Platform>(platform: &P, message: Value) -> Value {
    let reply = match parse(message) {
        Ok(req) => dispatch(platform, req).await,
        Err(e) => Err(Error::InvalidInput(format!(
            "unknown or malformed message: {e}"
        ))),
    };
    match reply {
        Ok(value) => json!({ "ok": true, "value": value }),
        Err(e) => json!({ "ok": false, "error": ErrorReply::from(&e) }),
    }
}

/// A message as a [`Request`]: `{type, …fields}` read as the externally tagged enum.
pub fn parse(message: Value) -> Result<Request, String> {
    let tagged = wire::retag(message, "type")?;
    serde_json::from_value(tagged).map_err(|e| e.to_string())
}

async fn dispatch<P: Platform>(p: &P, req: Request) -> crate::Result<Value> {
    match req {
        Request::CoreInfo {} => to_value(&core_info()),
        Request::NotePrepare(r) => to_value(&note::prepare(p, r).await?),
        Request::SettingsGet {} => to_value(&settings::get(p).await?),
        Request::SettingsSet { settings } => to_value(&settings::set(p, settings).await?),
        Request::ClinikoStatus {} => to_value(&cliniko::status(p).await?),
        Request::ClinikoConnect { key } => to_value(&cliniko::connect(p, &key).await?),
        Request::ClinikoVerify {} => to_value(&cliniko::verify_saved(p).await?),
        Request::ClinikoReconnect { key } => {
            let status = cliniko::reconnect(p, &key).await?;
            // Pushes parked on the 401 go out again now, not at the next alarm.
            push::resume_after_reconnect(p).await?;
            to_value(&status)
        }
        Request::ClinikoSetEnabled { enabled } => {
            to_value(&cliniko::set_enabled(p, enabled).await?)
        }
        Request::ClinikoRemove {} => to_value(&cliniko::remove(p).await?),
        Request::ClinikoTemplates { refresh } => {
            let templates = cliniko::list_templates(p, refresh).await?;
            let list: Vec<Value> = templates
                .iter()
                .map(|t| json!({ "id": t.id, "name": t.name }))
                .collect();
            Ok(Value::Array(list))
        }
        Request::TemplatesLearned {} => to_value(&crate::templates::habit::count(p).await?),
        Request::TemplatesForget {} => to_value(&crate::templates::habit::forget_all(p).await?),
        Request::PatientsSearch(Flat(SearchQuery { query }, options)) => {
            to_value(&search::search(p, &query, &options).await?)
        }
        Request::PatientsScanPhone(Flat(ScanQuery { query, page }, options)) => {
            to_value(&search::scan_phone_page(p, &query, page, &options).await?)
        }
        Request::PatientsMatch {
            page_name,
            page_dob,
            patient,
        } => {
            let patient = summary_as_patient(&patient)?;
            to_value(&search::names_match(
                &page_name,
                page_dob.as_deref(),
                &patient,
            ))
        }
        Request::PreselectGet { scope } => to_value(&preselect::get(p, &scope).await?),
        Request::PreselectSet { scope, patient } => {
            to_value(&preselect::set(p, &scope, patient).await?)
        }
        Request::PreselectClear { scope } => to_value(&preselect::clear(p, &scope).await?),
        Request::PushPreflight { patient, title } => {
            to_value(&push::preflight(p, &patient.id, &title).await?)
        }
        Request::PushStart(req) => to_value(&push::start(p, *req).await?),
        Request::PushQueue { items } => to_value(&push::queue(p, items).await?),
        Request::JobsGet { id } => to_value(&push::get(p, &id).await?),
        Request::JobsList {} => to_value(&push::list(p).await?),
        Request::JobsRetry { id } => to_value(&push::retry(p, &id).await?),
        Request::JobsDiscard { id } => to_value(&push::discard(p, &id).await?),
        Request::JobsTick {} => to_value(&push::tick(p).await?),
        Request::ReceiptsList {} => to_value(&push::receipts(p).await?),
        Request::ReceiptsClear { ehr } => to_value(&crate::push::receipts::clear(p, ehr).await?),
        Request::NookalStatus {} => to_value(&nookal::status(p).await?),
        Request::NookalConnect { key } => to_value(&nookal::connect(p, &key).await?),
        Request::NookalVerify {} => to_value(&nookal::verify(p).await?),
        Request::NookalSetEnabled { enabled } => to_value(&nookal::set_enabled(p, enabled).await?),
        Request::NookalRemove {} => to_value(&nookal::remove(p).await?),
        Request::NookalSetPractitioner { practitioner_id } => {
            to_value(&nookal::set_practitioner(p, &practitioner_id).await?)
        }
        Request::NookalSetLocation { location_id } => {
            to_value(&nookal::set_location(p, location_id.as_deref()).await?)
        }
        Request::NookalSearch { query } => to_value(&nookal::search(p, &query).await?),
        Request::NookalCases { patient_id } => to_value(&nookal::cases(p, &patient_id).await?),
        Request::NookalAddCase {
            patient_id,
            title,
            local_date,
        } => to_value(&nookal::add_case(p, &patient_id, &title, local_date.as_deref()).await?),
        Request::NookalPush(req) => to_value(&nookal_push::push(p, &req).await?),
        Request::NookalFindNote {
            patient_id,
            since_local,
            notes,
        } => to_value(&nookal::find_note(p, &patient_id, &since_local, &notes).await?),
        Request::DestinationGet { scope } => to_value(&destination::get(p, &scope).await?),
        Request::DestinationSet { scope, ehr } => {
            to_value(&destination::set(p, &scope, ehr).await?)
        }
    }
}

/// The matching rules read a Cliniko patient; the popup holds the summary it was shown.
fn summary_as_patient(
    s: &crate::search::rank::PatientSummary,
) -> crate::Result<crate::cliniko::types::Patient> {
    serde_json::from_value(json!({
        "id": s.id,
        "first_name": s.first_name,
        "last_name": s.last_name,
        "preferred_first_name": s.preferred_first_name,
        "date_of_birth": s.date_of_birth,
        "email": s.email,
        "patient_phone_numbers": [],
        "archived_at": null,
        "created_at": null,
    }))
    .map_err(|e| Error::InvalidInput(e.to_string()))
}

/// The core's version and build id.
pub fn core_info() -> CoreInfo {
    CoreInfo {
        version: crate::VERSION,
        build: crate::BUILD_ID,
    }
}

fn to_value<T: Serialize>(v: &T) -> crate::Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::InvalidInput(e.to_string()))
}
