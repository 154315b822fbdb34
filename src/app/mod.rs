//! The background's message protocol: one typed request per message, one dispatcher.
//!
//! Pages send `{type: "…", …}` (see `extension/lib/messages.js`, the JS twin of [`Request`]);
//! the background checks the sender and hands the message here. Replies are always
//! `{ok: true, value}` or `{ok: false, error: {kind, params, transient}}`.

mod destination;
mod note;
mod preselect;
pub mod push;
mod settings;

use crate::ehr::{self, Ehr, connection, search};
use crate::error::{Error, ErrorReply};
use crate::platform::Platform;
use crate::wire::{self, Flat};
use crate::worker::{Env, Running, Worker};
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
    /// Fill a title template (the one fill the options page's hint and the popup use).
    #[serde(rename = "title/fill")]
    TitleFill {
        /// The template, e.g. `"Session Summary – {date}"`.
        template: String,
        /// The session date as the browser formats it (fills `{date}`).
        #[serde(default)]
        date_display: Option<String>,
        /// The patient's name (fills `{patient}`).
        #[serde(default)]
        patient_name: Option<String>,
    },
    /// An EHR's connection state.
    #[serde(rename = "connection/status")]
    ConnectionStatus {
        /// Which EHR.
        ehr: Ehr,
    },
    /// Verify a pasted key, then save it; that EHR's pushes parked on a 401 resume at once.
    #[serde(rename = "connection/connect")]
    ConnectionConnect {
        /// Which EHR.
        ehr: Ehr,
        /// The key as pasted.
        key: String,
    },
    /// Verify the saved key again.
    #[serde(rename = "connection/verify")]
    ConnectionVerify {
        /// Which EHR.
        ehr: Ehr,
    },
    /// Turn the integration on or off (the key is kept).
    #[serde(rename = "connection/set-enabled")]
    ConnectionSetEnabled {
        /// Which EHR.
        ehr: Ehr,
        /// On or off.
        enabled: bool,
    },
    /// Forget the key.
    #[serde(rename = "connection/remove")]
    ConnectionRemove {
        /// Which EHR.
        ehr: Ehr,
    },
    /// The practitioner notes are filed under.
    #[serde(rename = "connection/set-practitioner")]
    ConnectionSetPractitioner {
        /// Which EHR.
        ehr: Ehr,
        /// Practitioner id (string).
        practitioner_id: String,
    },
    /// The default location (`null` clears it).
    #[serde(rename = "connection/set-location")]
    ConnectionSetLocation {
        /// Which EHR.
        ehr: Ehr,
        /// Location id (string), or none.
        #[serde(default)]
        location_id: Option<String>,
    },
    /// The EHR's note templates (cached; Nookal has none).
    #[serde(rename = "templates/list")]
    TemplatesList {
        /// Which EHR.
        ehr: Ehr,
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
        /// The EHR the popup pushes to (another EHR's pre-selection is not this one's patient).
        ehr: Ehr,
    },
    /// Pre-select a patient for a Motics session.
    #[serde(rename = "preselect/set")]
    PreselectSet {
        /// Session / tab scope.
        scope: preselect::Scope,
        /// The EHR the patient was found in.
        ehr: Ehr,
        /// The patient.
        patient: crate::search::rank::PatientSummary,
    },
    /// Forget a pre-selection.
    #[serde(rename = "preselect/clear")]
    PreselectClear {
        /// Session / tab scope.
        scope: preselect::Scope,
    },
    /// The EHR's duplicate-title check, ahead of the click (its "no" is remembered briefly).
    #[serde(rename = "push/preflight")]
    PushPreflight {
        /// Which EHR.
        ehr: Ehr,
        /// The chosen patient.
        patient: crate::search::rank::PatientSummary,
        /// The title as shown.
        title: String,
        /// The appointment the note will link to, if any (its note status is asked about too).
        #[serde(default)]
        appointment: Option<ehr::appointments::AppointmentRef>,
        /// The browser's offset at the session's time (minutes east of UTC).
        #[serde(default)]
        utc_offset_min: Option<i32>,
    },
    /// Push one note (first attempt inline).
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
    /// Try a job again now (the one retry, every EHR).
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
    /// Forget one EHR's push history (the connection card offers it with "Remove key").
    #[serde(rename = "receipts/clear")]
    ReceiptsClear {
        /// Which EHR.
        ehr: Ehr,
    },
    /// A patient's cases and the default one.
    #[serde(rename = "cases/list")]
    CasesList {
        /// Which EHR.
        ehr: Ehr,
        /// Patient id (string).
        patient_id: String,
    },
    /// Create a case for a patient.
    #[serde(rename = "cases/add")]
    CasesAdd {
        /// Which EHR.
        ehr: Ehr,
        /// Patient id (string).
        patient_id: String,
        /// Case title.
        title: String,
        /// Clinic-local date (`YYYY-MM-DD…`), the case's start date.
        #[serde(default)]
        local_date: Option<String>,
    },
    /// The practitioner's appointments around a session (issue 14).
    #[serde(rename = "appointments/list")]
    AppointmentsList(Flat<EhrField, ehr::appointments::ListRequest>),
    /// "Link to the 10:30 appointment" for a patient chosen by search.
    #[serde(rename = "appointments/offer")]
    AppointmentsOffer(Flat<OfferFields, ehr::appointments::ListRequest>),
    /// Pair historical sessions with the appointment at their time.
    #[serde(rename = "appointments/match")]
    AppointmentsMatch {
        /// Which EHR.
        ehr: Ehr,
        /// Practitioner id (string); as for `appointments/list` when absent.
        #[serde(default)]
        practitioner_id: Option<String>,
        /// The sessions.
        sessions: Vec<ehr::appointments::SessionAt>,
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
        ehr: Ehr,
    },
}

/// `patients/search`'s own fields; the search options sit beside them in the same object.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// Which EHR.
    pub ehr: Ehr,
    /// What was typed.
    pub query: String,
}

/// The `ehr` field of a message whose other fields sit beside it.
#[derive(Debug, Deserialize)]
pub struct EhrField {
    /// Which EHR.
    pub ehr: Ehr,
}

/// `appointments/offer`'s own fields; the list options sit beside them.
#[derive(Debug, Deserialize)]
pub struct OfferFields {
    /// Which EHR.
    pub ehr: Ehr,
    /// The patient chosen by search.
    pub patient_id: String,
}

/// `patients/scan-phone`'s own fields; the search options sit beside them in the same object.
#[derive(Debug, Deserialize)]
pub struct ScanQuery {
    /// Which EHR.
    pub ehr: Ehr,
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
    /// The largest note the core accepts, in bytes of UTF-8 (what the page reader caps at).
    pub note_max_bytes: usize,
    /// The EHRs this build pushes to.
    pub ehrs: [Ehr; 2],
}

/// Handle one message and produce the reply envelope. Never fails: errors become `{ok: false}`.
/// `worker` is this background's memory between messages (see [`crate::worker`]).
pub async fn handle<P: Platform>(platform: &P, worker: &Worker, message: Value) -> Value {
    let env = Running::new(platform, worker);
    let reply = match parse(message) {
        Ok(req) => dispatch(&env, req).await,
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

async fn dispatch<P: Env>(p: &P, req: Request) -> crate::Result<Value> {
    match req {
        Request::CoreInfo {} => to_value(&core_info()),
        Request::NotePrepare(r) => to_value(&note::prepare(p, r).await?),
        Request::SettingsGet {} => to_value(&settings::get(p).await?),
        Request::SettingsSet { settings } => to_value(&settings::set(p, settings).await?),
        Request::TitleFill {
            template,
            date_display,
            patient_name,
        } => to_value(&crate::settings::fill_title(
            &template,
            date_display.as_deref().unwrap_or_default(),
            patient_name.as_deref().unwrap_or_default(),
        )),
        Request::ConnectionStatus { ehr } => to_value(&connection::status(p, ehr).await?),
        Request::ConnectionConnect { ehr, key } => {
            connection::connect(p, ehr, &key).await?;
            p.worker().diary.borrow_mut().forget(ehr);
            // That EHR's pushes parked on a 401 go out again now (options page and popup alike),
            // not at the next alarm.
            push::resume_parked(p, ehr).await?;
            to_value(&connection::status(p, ehr).await?)
        }
        Request::ConnectionVerify { ehr } => to_value(&connection::verify(p, ehr).await?),
        Request::ConnectionSetEnabled { ehr, enabled } => {
            to_value(&connection::set_enabled(p, ehr, enabled).await?)
        }
        Request::ConnectionRemove { ehr } => {
            p.worker().diary.borrow_mut().forget(ehr);
            ehr::appointments::forget_practitioner(p, ehr).await?;
            to_value(&connection::remove(p, ehr).await?)
        }
        Request::ConnectionSetPractitioner {
            ehr,
            practitioner_id,
        } => {
            connection::set_practitioner(p, ehr, &practitioner_id).await?;
            // Jobs parked for want of a working setup may go now (a practitioner completes it).
            push::resume_parked(p, ehr).await?;
            to_value(&connection::status(p, ehr).await?)
        }
        Request::ConnectionSetLocation { ehr, location_id } => {
            to_value(&connection::set_location(p, ehr, location_id.as_deref()).await?)
        }
        Request::TemplatesList { ehr, refresh } => connection::templates(p, ehr, refresh).await,
        Request::TemplatesLearned {} => to_value(&crate::templates::habit::count(p).await?),
        Request::TemplatesForget {} => to_value(&crate::templates::habit::forget_all(p).await?),
        Request::PatientsSearch(Flat(SearchQuery { ehr, query }, options)) => {
            to_value(&search::search(p, ehr, &query, &options).await?)
        }
        Request::PatientsScanPhone(Flat(ScanQuery { ehr, query, page }, options)) => {
            to_value(&search::scan_phone_page(p, ehr, &query, page, &options).await?)
        }
        Request::PatientsMatch {
            page_name,
            page_dob,
            patient,
        } => to_value(&search::names_match(
            &page_name,
            page_dob.as_deref(),
            &patient,
        )),
        Request::PreselectGet { scope, ehr } => to_value(&preselect::get(p, &scope, ehr).await?),
        Request::PreselectSet {
            scope,
            ehr,
            patient,
        } => to_value(&preselect::set(p, &scope, ehr, patient).await?),
        Request::PreselectClear { scope } => to_value(&preselect::clear(p, &scope).await?),
        Request::PushPreflight {
            ehr,
            patient,
            title,
            appointment,
            utc_offset_min,
        } => {
            if let Some(r) = appointment
                && let Some(c) = push::appointment_preflight(
                    p,
                    ehr,
                    &patient.id,
                    &r,
                    utc_offset_min.unwrap_or(0),
                )
                .await?
            {
                return to_value(&c);
            }
            to_value(&push::preflight(p, ehr, &patient.id, &title).await?)
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
        Request::CasesList { ehr, patient_id } => {
            to_value(&connection::cases(p, ehr, &patient_id).await?)
        }
        Request::CasesAdd {
            ehr,
            patient_id,
            title,
            local_date,
        } => to_value(
            &connection::add_case(p, ehr, &patient_id, &title, local_date.as_deref()).await?,
        ),
        Request::AppointmentsList(Flat(EhrField { ehr }, req)) => {
            to_value(&ehr::appointments::list(p, ehr, &req).await?)
        }
        Request::AppointmentsOffer(Flat(OfferFields { ehr, patient_id }, req)) => {
            to_value(&ehr::appointments::offer(p, ehr, &patient_id, &req).await?)
        }
        Request::AppointmentsMatch {
            ehr,
            practitioner_id,
            sessions,
        } => to_value(
            &ehr::appointments::match_sessions(p, ehr, practitioner_id.as_deref(), &sessions)
                .await?,
        ),
        Request::DestinationGet { scope } => to_value(&destination::get(p, &scope).await?),
        Request::DestinationSet { scope, ehr } => {
            to_value(&destination::set(p, &scope, ehr).await?)
        }
    }
}

/// The core's version and build id.
pub fn core_info() -> CoreInfo {
    CoreInfo {
        version: crate::VERSION,
        build: crate::BUILD_ID,
        note_max_bytes: crate::note::MAX_NOTE_BYTES,
        ehrs: [Ehr::Cliniko, Ehr::Nookal],
    }
}

/// A reply value (serialising our own types fails only on a bug; reported, never a panic).
pub(crate) fn to_value<T: Serialize>(v: &T) -> crate::Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::InvalidInput(e.to_string()))
}
