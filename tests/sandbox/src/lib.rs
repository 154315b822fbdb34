//! The sandbox's pure model of Cliniko, Nookal and the Motics pages: `Sandbox::handle` turns one
//! request into an [`Outcome`]; the HTTPS server (feature `server`) is a thin layer over it.
//!
//! Without default features this crate is plain Rust (serde only, no I/O, no OS entropy), so the
//! core's native tests drive it in-process and it also builds for wasm32.

// The Cliniko Patient JSON literal is large; serde_json's `json!` needs a deeper macro recursion limit.
#![recursion_limit = "256"]

pub mod admin;
pub mod cliniko;
pub mod clock;
pub mod codec;
pub mod config;
pub mod faults;
pub mod http;
pub mod motics;
pub mod nookal;
pub mod privacy;
pub mod private_words;
pub mod prng;
pub mod seed;
#[cfg(feature = "server")]
pub mod server;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value as Json, json};

pub use config::{Config, ConfigPatch, RateLimit};
pub use faults::{FaultKind, FaultSpec};
pub use http::{HttpRequest, HttpResponse, Outcome};
pub use seed::cliniko::DemoKeys;

/// The admin API's host name.
pub const ADMIN_HOST: &str = "admin.sandbox.test";
/// The Motics web app's host name.
pub const MOTICS_HOST: &str = "app.motics.ai";
/// Nookal's API host name.
pub const NOOKAL_HOST: &str = "api.nookal.com";

/// One request as recorded by `GET /requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// Method.
    pub method: String,
    /// Host without port.
    pub host: String,
    /// Path (percent-encoded, without query).
    pub path: String,
    /// Raw query string (without `?`).
    pub query: String,
    /// Headers, lower-case names (repeated headers joined with ", ").
    pub headers: BTreeMap<String, String>,
    /// Body text.
    pub body: String,
    /// Arrival time, unix ms.
    pub at_ms: u64,
    /// The status answered (none when the connection was dropped or the reply is delayed).
    pub status: Option<u16>,
}

/// A Cliniko note as `GET /notes` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteRecord {
    /// Note id.
    pub id: String,
    /// Account subdomain.
    pub account: String,
    /// Patient id.
    pub patient_id: String,
    /// Practitioner id.
    pub practitioner_id: String,
    /// Template id.
    pub treatment_note_template_id: Option<String>,
    /// The appointment (individual or group) it is linked to.
    pub booking_id: Option<String>,
    /// The group-appointment attendee it is linked to.
    pub attendee_id: Option<String>,
    /// Title.
    pub title: String,
    /// Draft flag.
    pub draft: Option<bool>,
    /// Stored (sanitised) content.
    pub content: Json,
    /// ISO time or null.
    pub archived_at: Option<String>,
    /// ISO time.
    pub created_at: String,
    /// Author.
    pub author_name: String,
}

/// A Nookal note as `GET /nookal/notes` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NookalNoteRecord {
    /// Note id.
    pub id: String,
    /// Patient id.
    pub patient_id: String,
    /// Case id.
    pub case_id: String,
    /// Practitioner id.
    pub practitioner_id: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub date: String,
    /// Stored text (double-encoded when that quirk is on).
    pub notes: String,
    /// ISO time the sandbox received it.
    pub created_at: String,
    /// The appointment it is linked to (`appt_id`).
    pub appt_id: Option<String>,
}

/// A seeded account, as printed on start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountInfo {
    /// Shard.
    pub shard: String,
    /// Subdomain.
    pub subdomain: String,
    /// Clinic name.
    pub name: String,
}

/// The whole sandbox state.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// Cliniko accounts and keys.
    pub cliniko: cliniko::Cliniko,
    /// The Nookal clinic.
    pub nookal: nookal::model::Nookal,
    /// Behaviour switches.
    pub config: Config,
    faults: Vec<FaultSpec>,
    log: Vec<LoggedRequest>,
    demo: DemoKeys,
    /// Kept across `reset`: it covers a whole run.
    audit: privacy::Audit,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A freshly seeded sandbox (deterministic: the same data and keys every time).
    pub fn new() -> Self {
        let c = seed::cliniko::seed();
        let nookal = seed::nookal::seed();
        let mut demo = c.demo;
        demo.nookal = nookal.key.clone();
        let mut sb = Sandbox {
            cliniko: cliniko::Cliniko::new(c.accounts, c.keys),
            nookal,
            config: Config::default(),
            faults: Vec::new(),
            log: Vec::new(),
            demo,
            audit: privacy::Audit::default(),
        };
        for day in seed::diary::session_days() {
            sb.seed_diary_day(day);
        }
        sb
    }

    /// Seed both EHRs' diaries for `day` (days since the epoch; idempotent).
    pub fn seed_diary_day(&mut self, day: i64) {
        cliniko::diary::seed_first_account(&mut self.cliniko.accounts, day);
        self.nookal.seed_day(day);
    }

    /// Today's diary, relative to the clock of the request being handled: seeded before any
    /// request (admin ones too, so a test's "before" snapshot already holds it) and after a reset.
    fn seed_today(&mut self, now_ms: u64) {
        self.seed_diary_day((now_ms / 86_400_000) as i64);
    }

    /// Handle one request at time `now_ms` (unix ms).
    pub fn handle(&mut self, req: &HttpRequest, now_ms: u64) -> Outcome {
        let host = req.host_name();
        self.seed_today(now_ms);
        if host == ADMIN_HOST {
            let out = Outcome::Respond(admin::handle(self, req));
            self.seed_today(now_ms);
            return out;
        }
        if !self.serves(&host) {
            // Not in the request log (which is what reached Cliniko, Nookal or Motics): in the
            // whole-run audit, which fails the E2E suite at its end (issue 15 §11).
            self.audit.unknown_host(&host);
            return Outcome::Respond(HttpResponse::text(
                421,
                "Misdirected Request: the sandbox does not serve this host",
            ));
        }
        // Logged as it arrived, before any route parses or sanitises it (issue 15 §10).
        self.log.push(log_entry(req, &host, now_ms));
        let out = self.handle_logged(req, &host, now_ms);
        if let (Outcome::Respond(resp), Some(entry)) = (&out, self.log.last_mut()) {
            entry.status = Some(resp.status);
        }
        out
    }

    fn handle_logged(&mut self, req: &HttpRequest, host: &str, now_ms: u64) -> Outcome {
        let mut audit = std::mem::take(&mut self.audit);
        audit.check(self, req, host);
        self.audit = audit;
        let method = req.method.to_ascii_uppercase();
        let fault = self
            .faults
            .iter_mut()
            .find(|f| f.matches(&method, host, req.path()))
            .map(|f| {
                f.count -= 1;
                f.clone()
            });
        self.faults.retain(|f| f.count > 0);
        if fault.is_none() && self.config.diary_fails && config::is_diary_path(req.path()) {
            return Outcome::Respond(HttpResponse::json(
                500,
                &json!({ "message": "Injected fault: the diary is down (diary_fails)" }),
            ));
        }
        let Some(fault) = fault else {
            return Outcome::Respond(self.route(req, host, now_ms));
        };
        match fault.kind {
            FaultKind::Status => Outcome::Respond(HttpResponse::json(
                fault.status,
                &json!({ "message": "Injected fault" }),
            )),
            FaultKind::HtmlError => Outcome::Respond(HttpResponse::html(
                fault.status,
                format!(
                    "<!doctype html><html><head><title>{s} Error</title></head><body><h1>We're sorry, but something went wrong ({s}).</h1></body></html>",
                    s = fault.status
                ),
            )),
            FaultKind::StatusAfter => {
                self.route(req, host, now_ms);
                Outcome::Respond(HttpResponse::json(
                    fault.status,
                    &json!({ "message": "Injected fault after processing" }),
                ))
            }
            FaultKind::DropBefore => Outcome::DropBeforeProcessing,
            FaultKind::DropAfter => {
                self.route(req, host, now_ms);
                Outcome::DropAfterProcessing
            }
            FaultKind::Delay => Outcome::Delay {
                ms: fault.delay_ms,
                then: Box::new(Outcome::Respond(self.route(req, host, now_ms))),
            },
            FaultKind::MalformedJson => {
                let mut resp = self.route(req, host, now_ms);
                let body = if resp.body.len() > 2 {
                    resp.body.clone()
                } else {
                    "{\"treatment_notes\":[{\"id\":\"1\"}]}".into()
                };
                let mut cut = body.len() / 2;
                while !body.is_char_boundary(cut) {
                    cut -= 1;
                }
                resp.status = 200;
                resp.body = body[..cut].to_string();
                resp.headers = vec![(
                    "content-type".into(),
                    "application/json; charset=utf-8".into(),
                )];
                Outcome::Respond(resp)
            }
        }
    }

    fn route(&mut self, req: &HttpRequest, host: &str, now_ms: u64) -> HttpResponse {
        if host == MOTICS_HOST {
            if let Some(resp) = motics::today::handle(req, now_ms) {
                return resp;
            }
            return motics::handle(req);
        }
        if host == NOOKAL_HOST {
            return self.nookal.handle(req, &self.config, now_ms);
        }
        if let Some(prefix) = host.strip_suffix(".cliniko.com") {
            if let Some((sub, shard)) = prefix.split_once('.') {
                if sub == "api" && cliniko::SHARDS.contains(&shard) {
                    let cfg = self.config;
                    return self.cliniko.handle_api(req, shard, &cfg, now_ms);
                }
                if let Some(i) = self.cliniko.account_by_subdomain(sub, shard) {
                    // A site that isn't Motics but that the extension can read: Motics markup
                    // pasted elsewhere (issue 15 §12 hostile fixtures, see motics::copied).
                    if let Some(resp) = motics::copied(req) {
                        return resp;
                    }
                    return cliniko::web::handle(&self.cliniko.accounts[i], req);
                }
            }
            return HttpResponse::text(404, "Not Found");
        }
        HttpResponse::text(
            421,
            "Misdirected Request: the sandbox does not serve this host",
        )
    }

    /// Whether `host` is one the sandbox serves (anything else is recorded as unknown). Every
    /// `*.cliniko.com` name is Cliniko's (an unknown clinic answers 404, as Cliniko does).
    pub fn serves(&self, host: &str) -> bool {
        host.to_ascii_lowercase().ends_with(".cliniko.com")
            || self.hosts().iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Forget one unknown host from the audit (see [`privacy::Audit::forgive_host`]).
    pub fn forgive_host(&mut self, host: &str) -> bool {
        self.audit.forgive_host(host)
    }

    /// Re-seed everything and clear faults, the request log and config (the key audit stays).
    pub fn reset(&mut self) {
        let audit = std::mem::take(&mut self.audit);
        *self = Sandbox::new();
        self.audit = audit;
    }

    /// The whole-run key audit (see [`privacy`]).
    pub fn audit(&self) -> &privacy::Audit {
        &self.audit
    }

    /// Every host name served (for the start-up line and the certificate).
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = cliniko::SHARDS
            .iter()
            .map(|s| format!("api.{s}.cliniko.com"))
            .collect();
        hosts.extend(
            self.cliniko
                .accounts
                .iter()
                .map(|a| format!("{}.{}.cliniko.com", a.subdomain, a.shard)),
        );
        hosts.extend([
            NOOKAL_HOST.to_string(),
            MOTICS_HOST.to_string(),
            ADMIN_HOST.to_string(),
        ]);
        hosts
    }

    /// The demo keys.
    pub fn demo_keys(&self) -> &DemoKeys {
        &self.demo
    }

    /// The seeded Cliniko accounts.
    pub fn accounts(&self) -> Vec<AccountInfo> {
        self.cliniko
            .accounts
            .iter()
            .map(|a| AccountInfo {
                shard: a.shard.clone(),
                subdomain: a.subdomain.clone(),
                name: a.name.clone(),
            })
            .collect()
    }

    /// Logged requests, optionally filtered by exact host and path prefix.
    pub fn requests(&self, host: Option<&str>, path_prefix: Option<&str>) -> Vec<LoggedRequest> {
        self.log
            .iter()
            .filter(|r| host.is_none_or(|h| r.host.eq_ignore_ascii_case(h)))
            .filter(|r| path_prefix.is_none_or(|p| r.path.starts_with(p)))
            .cloned()
            .collect()
    }

    /// Clear the request log.
    pub fn clear_requests(&mut self) {
        self.log.clear();
    }

    /// Add a fault rule.
    pub fn add_fault(&mut self, fault: FaultSpec) {
        self.faults.push(fault);
    }

    /// Remove all fault rules.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Add an API key for an existing Cliniko user (id as a string).
    pub fn add_key(&mut self, key: &str, user_id: &str) -> Result<(), String> {
        let uid: u64 = user_id
            .trim()
            .parse()
            .map_err(|_| "user_id must be a numeric string".to_string())?;
        if self.cliniko.account_of_user(uid).is_none() {
            return Err(format!("no user {uid}"));
        }
        if cliniko::auth::split_key(key).is_none() {
            return Err("invalid key format".into());
        }
        self.cliniko
            .keys
            .push(cliniko::ApiKey::new(key, uid, false));
        Ok(())
    }

    /// Revoke a key (with or without suffix): it answers 401 from now on. False if unknown.
    pub fn revoke_key(&mut self, key: &str) -> bool {
        let base = cliniko::ApiKey::new(key, 0, false).base;
        let mut found = false;
        for k in self.cliniko.keys.iter_mut().filter(|k| k.base == base) {
            k.revoked = true;
            found = true;
        }
        found
    }

    /// Every Cliniko note ever created (archived included), all accounts.
    pub fn cliniko_notes(&self) -> Vec<NoteRecord> {
        self.cliniko
            .accounts
            .iter()
            .flat_map(|a| {
                a.notes.iter().map(move |n| NoteRecord {
                    id: n.id.to_string(),
                    account: a.subdomain.clone(),
                    patient_id: n.patient_id.to_string(),
                    practitioner_id: n.practitioner_id.to_string(),
                    treatment_note_template_id: n.template_id.map(|t| t.to_string()),
                    booking_id: n.booking_id.map(|b| b.to_string()),
                    attendee_id: n.attendee_id.map(|a| a.to_string()),
                    title: n.title.clone(),
                    draft: n.draft,
                    content: n.content.clone(),
                    archived_at: n.archived_ms.map(clock::iso),
                    created_at: clock::iso(n.created_ms),
                    author_name: n.author_name.clone(),
                })
            })
            .collect()
    }

    /// Every Nookal note.
    pub fn nookal_notes(&self) -> Vec<NookalNoteRecord> {
        self.nookal
            .notes
            .iter()
            .map(|n| NookalNoteRecord {
                id: n.id.to_string(),
                patient_id: n.patient_id.to_string(),
                case_id: n.case_id.to_string(),
                practitioner_id: n.practitioner_id.to_string(),
                date: n.date.clone(),
                notes: n.text.clone(),
                created_at: clock::iso(n.created_ms),
                appt_id: n.appt_id.map(|a| a.to_string()),
            })
            .collect()
    }

    /// Apply a config patch.
    pub fn set_config(&mut self, patch: &ConfigPatch) {
        self.config.apply(patch);
    }

    /// Add a Cliniko patient (`{"account": subdomain, first_name, last_name, …}`); returns its JSON.
    pub fn add_patient(&mut self, body: &Json, now_ms: u64) -> Result<Json, String> {
        admin::add_patient(self, body, now_ms)
    }

    /// A small summary: counts per account, Nookal counts, config.
    pub fn state(&self) -> Json {
        let accounts: Vec<Json> = self.cliniko.accounts.iter().map(|a| json!({
            "shard": a.shard, "subdomain": a.subdomain, "name": a.name,
            "patients": a.patients.len(),
            "archived_patients": a.patients.iter().filter(|p| p.archived_ms.is_some()).count(),
            "practitioners": a.practitioners.len(), "users": a.users.len(),
            "templates": a.templates.len(), "treatment_notes": a.notes.len(),
        })).collect();
        json!({
            "accounts": accounts,
            "nookal": { "patients": self.nookal.patients.len(), "practitioners": self.nookal.practitioners.len(), "cases": self.nookal.cases.len(), "notes": self.nookal.notes.len() },
            "config": self.config,
            "faults": self.faults,
            "requests": self.log.len(),
        })
    }
}

fn log_entry(req: &HttpRequest, host: &str, now_ms: u64) -> LoggedRequest {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in &req.headers {
        headers
            .entry(k.to_ascii_lowercase())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    LoggedRequest {
        method: req.method.to_ascii_uppercase(),
        host: host.to_string(),
        path: req.path().to_string(),
        query: req.query().to_string(),
        headers,
        body: req.body.clone(),
        at_ms: now_ms,
        status: None,
    }
}
