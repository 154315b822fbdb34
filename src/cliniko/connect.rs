//! Cliniko's who-am-I for a key (`ehr::connection` saves it or flags it) and its note templates.
//!
//! Storage keys are documented in `cliniko::store`; requests go out through `cliniko::client`.

use crate::Result;
use crate::cliniko::client::{self, On401};
use crate::cliniko::key::ClinikoKey;
use crate::cliniko::requests;
use crate::cliniko::store::{self, TemplateCache};
use crate::cliniko::types::{Page, Practitioner, PublicSettings, TreatmentNoteTemplate, User};
use crate::worker::Env;

pub use crate::cliniko::store::Connection;

/// Most template pages read (100 each); more than 1,000 templates is not a real clinic.
const MAX_TEMPLATE_PAGES: usize = 10;

/// How long the template cache is used without asking Cliniko again (1 hour).
pub const TEMPLATE_CACHE_MS: i64 = 60 * 60 * 1000;

/// Check a key without saving it: `GET /user` → `GET /practitioners?q[]=user_id:=…` →
/// `GET /settings/public`. A user who is not a practitioner is a warning (`not_practitioner`),
/// not an error. A 401 here flags nothing (the caller decides).
pub async fn verify_key<P: Env>(p: &P, key: &ClinikoKey) -> Result<Connection> {
    let user: User = client::fetch_with(p, &requests::get_user(key), On401::Ignore).await?;
    let practitioners: Page<Practitioner> = client::fetch_with(
        p,
        &requests::find_practitioner_for_user(key, &user.id),
        On401::Ignore,
    )
    .await?;
    // The filter should return only this user's practitioner; check `user_id` when the body
    // carries it, in case a server ignores the filter.
    let practitioner = practitioners
        .items
        .into_iter()
        .find(|pr| pr.user_id.as_ref().is_none_or(|u| *u == user.id));
    let settings: PublicSettings =
        client::fetch_with(p, &requests::get_public_settings(key), On401::Ignore).await?;
    let user_name = format!("{} {}", user.first_name.trim(), user.last_name.trim())
        .trim()
        .to_string();
    Ok(Connection {
        user_name,
        user_id: user.id.to_string(),
        role: user.role,
        not_practitioner: practitioner.is_none(),
        practitioner_id: practitioner.map(|pr| pr.id.to_string()),
        account_name: settings.account.name,
        subdomain: settings.account.subdomain,
        shard: key.shard().to_string(),
        patient_term: settings
            .terminology
            .patient
            .unwrap_or_else(|| "patient".to_string()),
        key_hint: key.hint(),
        verified_at_ms: p.now_ms(),
    })
}

/// The account's treatment-note templates (not archived), from the cache when it is fresh and
/// `refresh` is false, otherwise from Cliniko (all pages, following `links.next` on the API).
pub async fn list_templates<P: Env>(p: &P, refresh: bool) -> Result<Vec<TreatmentNoteTemplate>> {
    let (key, conn) = store::STORE.active(p).await?;
    if !refresh
        && let Some(cache) = store::load_templates(p).await?
        && cache.key_hint == conn.key_hint
        && p.now_ms().saturating_sub(cache.fetched_at_ms) < TEMPLATE_CACHE_MS
    {
        return Ok(cache.templates);
    }
    let mut templates = Vec::new();
    let mut req = requests::list_templates(&key, None);
    for _ in 0..MAX_TEMPLATE_PAGES {
        let page: Page<TreatmentNoteTemplate> = client::fetch(p, &req).await?;
        templates.extend(page.items.into_iter().filter(|t| t.archived_at.is_none()));
        match page.next {
            Some(next) => req = requests::follow_next(&key, &next)?,
            None => break,
        }
    }
    templates.sort_by_key(|t| t.name.to_lowercase());
    store::save_templates(
        p,
        &TemplateCache {
            fetched_at_ms: p.now_ms(),
            key_hint: conn.key_hint,
            templates: templates.clone(),
        },
    )
    .await?;
    Ok(templates)
}
