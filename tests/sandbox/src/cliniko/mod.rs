//! The sandbox's Cliniko API (`api.<shard>.cliniko.com/v1`) and web pages (`<subdomain>.<shard>.cliniko.com`).

pub mod auth;
pub mod diary;
pub mod filter;
pub mod listing;
pub mod model;
pub mod notes;
pub mod rate;
pub mod sanitize;
pub mod web;

use serde_json::{Value as Json, json};

use crate::config::Config;
use crate::http::{HttpRequest, HttpResponse};
use filter::{Kind, Value};
use model::{Account, Note, Patient, Practitioner, Template};

/// Every Cliniko shard the sandbox answers on (cliniko-api.md §2).
pub const SHARDS: &[&str] = &[
    "au1", "au2", "au3", "au4", "ca1", "uk1", "uk2", "uk3", "eu1",
];

/// An API key: stored without its shard suffix (the key "may be sent either with or without" it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key without `-<shard>`.
    pub base: String,
    /// The owning user.
    pub user_id: u64,
    /// Revoked keys answer 401.
    pub revoked: bool,
}

impl ApiKey {
    /// A key record from the full key text.
    pub fn new(key: &str, user_id: u64, revoked: bool) -> Self {
        let base = auth::split_key(key).map_or_else(|| key.to_string(), |(b, _)| b);
        ApiKey {
            base,
            user_id,
            revoked,
        }
    }
}

/// All Cliniko state.
#[derive(Debug, Clone)]
pub struct Cliniko {
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Keys.
    pub keys: Vec<ApiKey>,
    /// Per-user request counts.
    pub rate: rate::RateLimiter,
}

/// Undocumented error bodies (401/403/404/406/429…): the spec lists none, so the sandbox sends a
/// small JSON `{"message": …}`; clients must not depend on the body of these statuses.
pub fn error(status: u16, message: &str) -> HttpResponse {
    HttpResponse::json(status, &json!({ "message": message }))
}

/// The authenticated caller: account index and user id.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// Index into `Cliniko::accounts`.
    pub account: usize,
    /// The key's user.
    pub user_id: u64,
}

const PATIENT_FIELDS: &[(&str, Kind)] = &[
    ("accepted_privacy_policy", Kind::Bool),
    ("archived_at", Kind::Time),
    ("created_at", Kind::Time),
    ("date_of_birth", Kind::Date),
    ("email", Kind::Str),
    ("first_name", Kind::Str),
    ("id", Kind::Int),
    ("last_name", Kind::Str),
    ("old_reference_id", Kind::Str),
    ("preferred_first_name", Kind::Str),
    ("updated_at", Kind::Time),
];

const PRACTITIONER_FIELDS: &[(&str, Kind)] = &[
    ("active", Kind::Bool),
    ("created_at", Kind::Time),
    ("first_name", Kind::Str),
    ("id", Kind::Int),
    ("last_name", Kind::Str),
    ("updated_at", Kind::Time),
    ("user_id", Kind::Int),
];

const TEMPLATE_FIELDS: &[(&str, Kind)] = &[
    ("archived_at", Kind::Time),
    ("created_at", Kind::Time),
    ("deleted_at", Kind::Time),
    ("id", Kind::Int),
    ("updated_at", Kind::Time),
];

/// Treatment-note filters (cliniko-api.md §8). `patient_id` is dropped for the per-patient list.
pub const NOTE_FIELDS: &[(&str, Kind)] = &[
    ("archived_at", Kind::Time),
    ("attendee_id", Kind::Int),
    ("booking_id", Kind::Int),
    ("created_at", Kind::Time),
    ("deleted_at", Kind::Time),
    ("draft", Kind::Bool),
    ("id", Kind::Int),
    ("patient_id", Kind::Int),
    ("practitioner_id", Kind::Int),
    ("treatment_note_template_id", Kind::Int),
    ("updated_at", Kind::Time),
];

fn patient_field(p: &Patient, f: &str) -> Value {
    match f {
        "accepted_privacy_policy" => Value::Bool(p.accepted_privacy_policy),
        "archived_at" => Value::Time(p.archived_ms),
        "created_at" => Value::Time(Some(p.created_ms)),
        "updated_at" => Value::Time(Some(p.updated_ms)),
        "date_of_birth" => Value::Date(p.date_of_birth.clone()),
        "email" => Value::Str(p.email.clone()),
        "first_name" => Value::Str(Some(p.first_name.clone())),
        "last_name" => Value::Str(Some(p.last_name.clone())),
        "old_reference_id" => Value::Str(p.old_reference_id.clone()),
        "preferred_first_name" => Value::Str(p.preferred_first_name.clone()),
        "id" => Value::Int(Some(p.id)),
        _ => Value::Str(None),
    }
}

fn practitioner_field(p: &Practitioner, f: &str) -> Value {
    match f {
        "active" => Value::Bool(Some(p.active)),
        "created_at" | "updated_at" => Value::Time(Some(p.created_ms)),
        "first_name" => Value::Str(Some(p.first_name.clone())),
        "last_name" => Value::Str(Some(p.last_name.clone())),
        "id" => Value::Int(Some(p.id)),
        "user_id" => Value::Int(Some(p.user_id)),
        _ => Value::Time(None),
    }
}

fn template_field(t: &Template, f: &str) -> Value {
    match f {
        "archived_at" => Value::Time(t.archived_ms),
        "created_at" | "updated_at" => Value::Time(Some(t.created_ms)),
        "id" => Value::Int(Some(t.id)),
        _ => Value::Time(None),
    }
}

/// A note's filterable/sortable field.
pub fn note_field(n: &Note, f: &str) -> Value {
    match f {
        "archived_at" => Value::Time(n.archived_ms),
        "created_at" => Value::Time(Some(n.created_ms)),
        "updated_at" => Value::Time(Some(n.updated_ms)),
        "draft" => Value::Bool(n.draft),
        "id" => Value::Int(Some(n.id)),
        "patient_id" => Value::Int(Some(n.patient_id)),
        "practitioner_id" => Value::Int(Some(n.practitioner_id)),
        "treatment_note_template_id" => Value::Int(n.template_id),
        "booking_id" => Value::Int(n.booking_id),
        "attendee_id" => Value::Int(n.attendee_id),
        _ => Value::Time(None),
    }
}

/// `GET` by id honours `q[]=archived_at:*` (cliniko-api.md §8: archived notes 404 without it).
fn wants_archived(pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .any(|(k, v)| (k == "q[]" || k == "q") && v.starts_with("archived_at:"))
}

impl Cliniko {
    /// Build from seed data.
    pub fn new(accounts: Vec<Account>, keys: Vec<ApiKey>) -> Self {
        Cliniko {
            accounts,
            keys,
            rate: rate::RateLimiter::default(),
        }
    }

    /// Which account a user belongs to.
    pub fn account_of_user(&self, user_id: u64) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.users.iter().any(|u| u.id == user_id))
    }

    /// Index of the account with this subdomain and shard.
    pub fn account_by_subdomain(&self, subdomain: &str, shard: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.subdomain == subdomain && a.shard == shard)
    }

    /// Check UA, key, shard and Accept: the caller, or the error response.
    pub fn authenticate(&self, req: &HttpRequest, shard: &str) -> Result<Caller, HttpResponse> {
        if !auth::user_agent_ok(req) {
            return Err(error(
                403,
                "A User-Agent header with your application name and contact email is required, e.g. \"Really helpful app (devs@helpfulapp.com)\"",
            ));
        }
        let unauthorized = || {
            error(
                401,
                "Unauthorized: missing or invalid API key for this shard",
            )
        };
        let key = auth::basic_key(req).ok_or_else(unauthorized)?;
        let (base, suffix) = auth::split_key(&key).ok_or_else(unauthorized)?;
        // A suffixed key sent to another shard's host fails; so does an account on another shard.
        if suffix.as_deref().is_some_and(|s| s != shard) {
            return Err(unauthorized());
        }
        let record = self
            .keys
            .iter()
            .find(|k| k.base == base && !k.revoked)
            .ok_or_else(unauthorized)?;
        let account = self
            .account_of_user(record.user_id)
            .ok_or_else(unauthorized)?;
        if self.accounts[account].shard != shard {
            return Err(unauthorized());
        }
        if !auth::accepts_json(req) {
            return Err(error(406, "Not Acceptable: send Accept: application/json"));
        }
        Ok(Caller {
            account,
            user_id: record.user_id,
        })
    }

    /// Handle one API request on `api.<shard>.cliniko.com`.
    pub fn handle_api(
        &mut self,
        req: &HttpRequest,
        shard: &str,
        cfg: &Config,
        now_ms: u64,
    ) -> HttpResponse {
        let caller = match self.authenticate(req, shard) {
            Ok(c) => c,
            Err(resp) => return resp,
        };
        if let Err(reset) = self.rate.hit(caller.user_id, now_ms, cfg.rate_limit) {
            return error(429, "Too Many Requests: rate limit exceeded")
                .with_header("X-RateLimit-Reset", &reset.to_string());
        }
        let path = req.path().trim_end_matches('/').to_string();
        let Some(rest) = path.strip_prefix("/v1/") else {
            return error(404, "Not Found");
        };
        let segs: Vec<&str> = rest.split('/').collect();
        let pairs = req.query_pairs();
        let method = req.method.to_ascii_uppercase();
        let base = self.accounts[caller.account].api_base();
        let url = format!("{base}/{rest}");
        let acc = &self.accounts[caller.account];
        let list = |q: Result<listing::ListQuery, String>| q.map_err(|m| error(400, &m));
        let result: Result<HttpResponse, HttpResponse> = match (method.as_str(), segs.as_slice()) {
            ("GET", ["user"]) => match acc.users.iter().find(|u| u.id == caller.user_id) {
                Some(u) => Ok(HttpResponse::json(200, &u.to_json(&base))),
                None => Err(error(404, "Not Found")),
            },
            ("GET", ["settings", "public"]) => Ok(HttpResponse::json(200, &public_settings(acc))),
            ("GET", ["practitioners"]) => {
                list(listing::parse(&pairs, PRACTITIONER_FIELDS)).map(|q| {
                    let items = acc.practitioners.iter().filter(|p| p.active).collect();
                    HttpResponse::json(
                        200,
                        &listing::respond(
                            items,
                            &q,
                            practitioner_field,
                            |p| p.to_json(&base),
                            "practitioners",
                            &url,
                            &pairs,
                        ),
                    )
                })
            }
            ("GET", ["practitioners", id]) => {
                match acc.practitioners.iter().find(|p| p.id.to_string() == *id) {
                    Some(p) => Ok(HttpResponse::json(200, &p.to_json(&base))),
                    None => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["patients"]) => list(listing::parse(&pairs, PATIENT_FIELDS)).map(|q| {
                let cc = acc.country_code.clone();
                HttpResponse::json(
                    200,
                    &listing::respond(
                        acc.patients.iter().collect(),
                        &q,
                        patient_field,
                        |p| p.to_json(&base, &cc),
                        "patients",
                        &url,
                        &pairs,
                    ),
                )
            }),
            ("GET", ["patients", id]) => {
                match acc.patients.iter().find(|p| p.id.to_string() == *id) {
                    Some(p) if p.archived_ms.is_none() || wants_archived(&pairs) => Ok(
                        HttpResponse::json(200, &p.to_json(&base, &acc.country_code)),
                    ),
                    _ => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["patients", id, "treatment_notes"]) => {
                match acc.patients.iter().find(|p| p.id.to_string() == *id) {
                    None => Err(error(404, "Not Found")),
                    Some(p) => {
                        let fields: Vec<(&str, Kind)> = NOTE_FIELDS
                            .iter()
                            .copied()
                            .filter(|(f, _)| *f != "patient_id")
                            .collect();
                        list(listing::parse(&pairs, &fields)).map(|q| {
                            let items = acc.notes.iter().filter(|n| n.patient_id == p.id).collect();
                            HttpResponse::json(
                                200,
                                &listing::respond(
                                    items,
                                    &q,
                                    note_field,
                                    |n| n.to_json(&base),
                                    "treatment_notes",
                                    &url,
                                    &pairs,
                                ),
                            )
                        })
                    }
                }
            }
            ("GET", ["treatment_note_templates"]) => list(listing::parse(&pairs, TEMPLATE_FIELDS))
                .map(|q| {
                    HttpResponse::json(
                        200,
                        &listing::respond(
                            acc.templates.iter().collect(),
                            &q,
                            template_field,
                            |t| t.to_json(&base),
                            "treatment_note_templates",
                            &url,
                            &pairs,
                        ),
                    )
                }),
            ("GET", ["treatment_note_templates", id]) => {
                match acc.templates.iter().find(|t| t.id.to_string() == *id) {
                    Some(t) if t.archived_ms.is_none() || wants_archived(&pairs) => {
                        Ok(HttpResponse::json(200, &t.to_json(&base)))
                    }
                    _ => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["treatment_notes"]) => list(listing::parse(&pairs, NOTE_FIELDS)).map(|q| {
                HttpResponse::json(
                    200,
                    &listing::respond(
                        acc.notes.iter().collect(),
                        &q,
                        note_field,
                        |n| n.to_json(&base),
                        "treatment_notes",
                        &url,
                        &pairs,
                    ),
                )
            }),
            ("GET", ["treatment_notes", id]) => {
                match acc.notes.iter().find(|n| n.id.to_string() == *id) {
                    Some(n) if n.archived_ms.is_none() || wants_archived(&pairs) => {
                        Ok(HttpResponse::json(200, &n.to_json(&base)))
                    }
                    _ => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["individual_appointments"]) => {
                list(listing::parse(&pairs, diary::INDIVIDUAL_FIELDS)).map(|q| {
                    HttpResponse::json(200, &diary::list_individual(acc, &q, &url, &pairs))
                })
            }
            ("GET", ["individual_appointments", id]) => {
                match acc
                    .diary
                    .individual
                    .iter()
                    .find(|a| a.id.to_string() == *id)
                {
                    Some(a) => Ok(HttpResponse::json(200, &a.to_json(&base))),
                    None => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["group_appointments"]) => list(listing::parse(&pairs, diary::GROUP_FIELDS))
                .map(|q| HttpResponse::json(200, &diary::list_groups(acc, &q, &url, &pairs))),
            ("GET", ["group_appointments", id]) => {
                match acc.diary.groups.iter().find(|g| g.id.to_string() == *id) {
                    Some(g) => {
                        let ids = acc
                            .diary
                            .attendees
                            .iter()
                            .filter(|a| a.booking_id == g.id && a.cancelled_ms.is_none())
                            .map(|a| a.patient_id.to_string())
                            .collect();
                        Ok(HttpResponse::json(200, &g.to_json(&base, ids)))
                    }
                    None => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["group_appointments", id, "attendees"]) => {
                match acc.diary.groups.iter().find(|g| g.id.to_string() == *id) {
                    Some(g) => list(listing::parse(&pairs, diary::ATTENDEE_FIELDS)).map(|q| {
                        HttpResponse::json(
                            200,
                            &diary::list_attendees(acc, Some(g.id), &q, &url, &pairs),
                        )
                    }),
                    None => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["attendees"]) => {
                list(listing::parse(&pairs, diary::ATTENDEE_FIELDS)).map(|q| {
                    HttpResponse::json(200, &diary::list_attendees(acc, None, &q, &url, &pairs))
                })
            }
            ("GET", ["attendees", id]) => {
                match acc.diary.attendees.iter().find(|a| a.id.to_string() == *id) {
                    Some(a) => Ok(HttpResponse::json(200, &a.to_json(&base))),
                    None => Err(error(404, "Not Found")),
                }
            }
            ("GET", ["appointment_types"]) => list(listing::parse(&pairs, diary::TYPE_FIELDS))
                .map(|q| HttpResponse::json(200, &diary::list_types(acc, &q, &url, &pairs))),
            ("POST", ["treatment_notes"]) => notes::create(
                &mut self.accounts[caller.account],
                caller.user_id,
                &req.body,
                cfg,
                now_ms,
            ),
            ("POST", ["treatment_notes", id, "archive"]) | ("DELETE", ["treatment_notes", id]) => {
                notes::set_archived(
                    &mut self.accounts[caller.account],
                    caller.user_id,
                    id,
                    Some(now_ms),
                )
                .map(|_| HttpResponse::no_content())
            }
            ("POST", ["treatment_notes", id, "unarchive"]) => {
                notes::set_archived(&mut self.accounts[caller.account], caller.user_id, id, None)
                    .map(|n| HttpResponse::json(200, &n))
            }
            (
                _,
                [
                    "user"
                    | "practitioners"
                    | "patients"
                    | "treatment_notes"
                    | "treatment_note_templates"
                    | "individual_appointments"
                    | "group_appointments"
                    | "attendees"
                    | "appointment_types",
                    ..,
                ]
                | ["settings", "public"],
            ) => Err(error(405, "Method Not Allowed")),
            _ => Err(error(404, "Not Found")),
        };
        result.unwrap_or_else(|e| e)
    }
}

fn public_settings(acc: &Account) -> Json {
    json!({
        "account": {
            "id": acc.id.to_string(),
            "name": acc.name,
            "subdomain": acc.subdomain,
            "country": acc.country,
            "country_code": acc.country_code,
            "currency_symbol": if acc.country_code == "GB" { "£" } else { "$" },
            "has_time_travelers": false,
            "time_zone_support": false,
        },
        "terminology": { "patient": acc.terminology_patient },
    })
}
