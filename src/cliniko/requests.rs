//! Pure builders for every Cliniko request the extension makes (sans-IO `ApiRequest` values).
//!
//! Each conforms to `cliniko-openapi.yaml`: paths under `https://api.<shard>.cliniko.com/v1`,
//! filters as repeated `q[]=<field>:<op><value>`, `sort`, `per_page` (1–100), `page`.

use super::content::Content;
use super::id::ClinikoId;
use super::key::ClinikoKey;
use super::url::{check_same_api, query_string};
use crate::Result;
use crate::http::{ApiRequest, Method};
use serde::Serialize;

/// Contact address in the User-Agent, which Cliniko requires to contain "a name and valid contact
/// email" (reference §1). Set `MOTICS_CONTACT_EMAIL` at build time to change it.
pub const CONTACT_EMAIL: &str = match option_env!("MOTICS_CONTACT_EMAIL") {
    Some(e) => e,
    None => "support@motics.ai",
};

/// The largest page Cliniko serves ("up to 100", reference §4).
pub const MAX_PER_PAGE: u8 = 100;

/// `Motics Push (<contact>)`. Chrome drops a User-Agent set from `fetch`, so a
/// declarativeNetRequest rule sets the same value there; Firefox honours this header.
pub fn user_agent() -> String {
    format!("Motics Push ({CONTACT_EMAIL})")
}

/// One `q[]` filter, `<field>:<op><value>` (operators from the docs' filtering table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(String);

impl Filter {
    /// `field:=value` (equals; for ids also a comma list).
    pub fn eq(field: &str, value: &str) -> Filter {
        Filter(format!("{field}:={value}"))
    }
    /// `field:~value` (string contains; same as `~~%value%`).
    pub fn contains(field: &str, value: &str) -> Filter {
        Filter(format!("{field}:~{value}"))
    }
    /// `field:>value` (after, for dates and date-times).
    pub fn gt(field: &str, value: &str) -> Filter {
        Filter(format!("{field}:>{value}"))
    }
    /// `field:<value` (before).
    pub fn lt(field: &str, value: &str) -> Filter {
        Filter(format!("{field}:<{value}"))
    }
    /// `field:!?` (null: e.g. not cancelled, not deleted).
    pub fn null(field: &str) -> Filter {
        Filter(format!("{field}:!?"))
    }
    /// `field:*` (DateTime "any value": includes records normally excluded, e.g. archived).
    pub fn any(field: &str) -> Filter {
        Filter(format!("{field}:*"))
    }
    /// The filter text as sent (before percent-encoding).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Query parameters of a list request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// `q[]` filters, ANDed by Cliniko (there is no OR).
    pub filters: Vec<Filter>,
    /// `sort`, e.g. `created_at:desc`.
    pub sort: Option<String>,
    /// `per_page`, clamped to 1–100.
    pub per_page: Option<u8>,
    /// `page`, 1-based.
    pub page: Option<u32>,
}

impl ListParams {
    /// The query string (`q%5B%5D=…&sort=…&per_page=…&page=…`).
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> =
            self.filters.iter().map(|f| ("q[]", f.0.clone())).collect();
        if let Some(s) = &self.sort {
            pairs.push(("sort", s.clone()));
        }
        if let Some(n) = self.per_page {
            pairs.push(("per_page", n.clamp(1, MAX_PER_PAGE).to_string()));
        }
        if let Some(p) = self.page {
            pairs.push(("page", p.max(1).to_string()));
        }
        query_string(&pairs)
    }
}

pub(crate) fn get(key: &ClinikoKey, path: &str, query: &str) -> ApiRequest {
    let mut url = format!("{}{path}", key.shard().api_base());
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    ApiRequest {
        method: Method::Get,
        url,
        headers: headers(key, false),
        body: None,
    }
}

pub(crate) fn post(key: &ClinikoKey, path: &str, body: Option<String>) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        url: format!("{}{path}", key.shard().api_base()),
        headers: headers(key, body.is_some()),
        body,
    }
}

/// Authorization, Accept and User-Agent on every request; Content-Type only with a body.
fn headers(key: &ClinikoKey, has_body: bool) -> Vec<(String, String)> {
    let mut h = vec![
        ("Authorization".to_string(), key.authorization()),
        ("Accept".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), user_agent()),
    ];
    if has_body {
        h.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    h
}

/// `GET /user`: the key's own user (validates the key).
pub fn get_user(key: &ClinikoKey) -> ApiRequest {
    get(key, "/user", "")
}

/// `GET /practitioners?q[]=user_id:=<id>`: the key user's practitioner record, if any.
pub fn find_practitioner_for_user(key: &ClinikoKey, user_id: &ClinikoId) -> ApiRequest {
    let params = ListParams {
        filters: vec![Filter::eq("user_id", user_id.as_str())],
        ..ListParams::default()
    };
    get(key, "/practitioners", &params.query())
}

/// `GET /settings/public`: account name, subdomain, terminology (any authenticated user).
pub fn get_public_settings(key: &ClinikoKey) -> ApiRequest {
    get(key, "/settings/public", "")
}

/// `GET /patients` with filters, sort and paging.
pub fn list_patients(key: &ClinikoKey, params: &ListParams) -> ApiRequest {
    get(key, "/patients", &params.query())
}

/// `GET /treatment_note_templates?per_page=100[&page=N]`.
pub fn list_templates(key: &ClinikoKey, page: Option<u32>) -> ApiRequest {
    let params = ListParams {
        per_page: Some(MAX_PER_PAGE),
        page,
        ..ListParams::default()
    };
    get(key, "/treatment_note_templates", &params.query())
}

/// `GET /treatment_note_templates/{id}`.
pub fn get_template(key: &ClinikoKey, id: &ClinikoId) -> ApiRequest {
    get(key, &format!("/treatment_note_templates/{id}"), "")
}

/// `GET /patients/{id}/treatment_notes?q[]=practitioner_id:=…&q[]=created_at:>…&sort=created_at:desc&per_page=…`:
/// the practitioner's notes for a patient created after `created_after` (UTC ISO 8601), newest
/// first. Used to reconcile an uncertain push and to find a doubled POST.
pub fn list_recent_notes(
    key: &ClinikoKey,
    patient_id: &ClinikoId,
    practitioner_id: &ClinikoId,
    created_after: &str,
    per_page: u8,
) -> ApiRequest {
    let params = ListParams {
        filters: vec![
            Filter::eq("practitioner_id", practitioner_id.as_str()),
            Filter::gt("created_at", created_after),
        ],
        sort: Some("created_at:desc".to_string()),
        per_page: Some(per_page),
        page: None,
    };
    get(
        key,
        &format!("/patients/{patient_id}/treatment_notes"),
        &params.query(),
    )
}

/// The body of `POST /treatment_notes` (`requestBodies/TreatmentNote`): ids as strings,
/// `content` an object (never a JSON-encoded string).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTreatmentNote {
    /// The patient.
    pub patient_id: ClinikoId,
    /// The template the content follows (always sent; whether required is UNCONFIRMED).
    pub treatment_note_template_id: ClinikoId,
    /// Title shown in Cliniko.
    pub title: String,
    /// `true` creates a draft the clinician finalises in Cliniko.
    pub draft: bool,
    /// `{sections: [...]}`, or null when there are no sections (Cliniko rejects an empty list).
    pub content: Option<Content>,
}

/// `POST /treatment_notes` (201 → the note; 422 → field errors). The author is the key's
/// practitioner; the body has no practitioner id (reference §7).
pub fn create_treatment_note(key: &ClinikoKey, note: &NewTreatmentNote) -> Result<ApiRequest> {
    let body = serde_json::to_string(note)
        .map_err(|e| crate::Error::InvalidInput(format!("note body: {e}")))?;
    Ok(post(key, "/treatment_notes", Some(body)))
}

/// `POST /treatment_notes/{id}/archive` (204; the API cannot hard-delete).
pub fn archive_treatment_note(key: &ClinikoKey, id: &ClinikoId) -> ApiRequest {
    post(key, &format!("/treatment_notes/{id}/archive"), None)
}

/// A GET of a server-given `links.next`, only if it stays under this key's
/// `https://api.<shard>.cliniko.com/v1/` (so the key is never sent elsewhere).
pub fn follow_next(key: &ClinikoKey, next_url: &str) -> Result<ApiRequest> {
    check_same_api(key.shard(), next_url)?;
    Ok(ApiRequest {
        method: Method::Get,
        url: next_url.to_string(),
        headers: headers(key, false),
        body: None,
    })
}
