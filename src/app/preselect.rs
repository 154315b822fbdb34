//! Pre-selection: the patient chosen on a Motics session before its note exists, kept in
//! `storage.session` (memory only) against that session, and never carried to another one nor
//! to another EHR (a patient id belongs to the EHR it was found in).

use crate::ehr::Ehr;
use crate::platform::StorageArea;
use crate::search::rank::PatientSummary;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const STORAGE_KEY: &str = "preselect";

/// Where a pre-selection belongs: the page's origin and Motics session id, or (for pages without
/// one) the tab and URL. The origin is part of the key so that another site that copies a Motics
/// session id gets nothing filled in (issue 15 §5).
#[derive(Debug, Clone, Deserialize)]
pub struct Scope {
    /// The page's origin (`https://app.motics.ai`); a session id without one is not trusted.
    #[serde(default)]
    pub origin: Option<String>,
    /// The Motics session id, when the page has one.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The browser tab (fallback scope).
    #[serde(default)]
    pub tab_id: Option<i64>,
    /// The page URL (fallback scope, with the tab).
    #[serde(default)]
    pub url: Option<String>,
}

impl Scope {
    /// The storage key for this scope; `None` when there is nothing to tie a choice to.
    fn key(&self) -> Option<String> {
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let (Some(origin), Some(id)) = (nonempty(&self.origin), nonempty(&self.session_id)) {
            return Some(format!("session:{}:{id}", origin.to_ascii_lowercase()));
        }
        match (self.tab_id, self.url.as_deref()) {
            (Some(tab), Some(url)) if !url.is_empty() => Some(format!("tab:{tab}:{url}")),
            _ => None,
        }
    }
}

/// A stored pre-selection.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    ehr: Ehr,
    patient: PatientSummary,
    at_ms: i64,
}

async fn load_all<P: Env>(p: &P) -> Result<Map<String, Value>> {
    Ok(match p.load(StorageArea::Session, STORAGE_KEY).await? {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    })
}

/// The patient pre-selected for this scope in `ehr`, if any.
pub async fn get<P: Env>(p: &P, scope: &Scope, ehr: Ehr) -> Result<Option<PatientSummary>> {
    let Some(key) = scope.key() else {
        return Ok(None);
    };
    let all = load_all(p).await?;
    Ok(all
        .get(&key)
        .and_then(|v| serde_json::from_value::<Entry>(v.clone()).ok())
        .filter(|e| e.ehr == ehr)
        .map(|e| e.patient))
}

/// Remember `patient` (found in `ehr`) for this scope.
pub async fn set<P: Env>(p: &P, scope: &Scope, ehr: Ehr, patient: PatientSummary) -> Result<()> {
    let key = scope.key().ok_or_else(|| {
        Error::InvalidInput("this page has no Motics session to remember a patient for".into())
    })?;
    let mut all = load_all(p).await?;
    let entry = Entry {
        ehr,
        patient,
        at_ms: p.now_ms(),
    };
    all.insert(
        key,
        serde_json::to_value(entry).map_err(|e| Error::Storage(e.to_string()))?,
    );
    p.save(StorageArea::Session, STORAGE_KEY, Value::Object(all))
        .await
}

/// Forget the pre-selection for this scope (after a successful push, or "Change").
pub async fn clear<P: Env>(p: &P, scope: &Scope) -> Result<()> {
    let Some(key) = scope.key() else {
        return Ok(());
    };
    let mut all = load_all(p).await?;
    if all.remove(&key).is_some() {
        p.save(StorageArea::Session, STORAGE_KEY, Value::Object(all))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(v: serde_json::Value) -> Scope {
        serde_json::from_value(v).expect("a scope")
    }

    #[test]
    fn a_session_id_is_only_the_same_session_on_the_same_origin() {
        let motics = scope(json!({"origin": "https://app.motics.ai", "session_id": "s-1001"}));
        let copy = scope(json!({"origin": "https://copy.example", "session_id": "s-1001"}));
        assert!(motics.key().is_some());
        assert_ne!(motics.key(), copy.key());
        // A session id with no origin is not a session: nothing to tie a choice to.
        assert_eq!(scope(json!({"session_id": "s-1001"})).key(), None);
    }
}
