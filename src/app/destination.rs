//! Where the popup pushes when both EHRs are on: the last choice, remembered per Motics session.
//!
//! Kept in `storage.session` (memory only: it is a convenience, not a setting) under the same
//! scope as a pre-selection (`preselect::Scope`: the Motics session id, else tab + URL), so a new
//! session starts from the default again and never inherits another session's choice.

use super::preselect::Scope;
use crate::error::Ehr;
use crate::platform::StorageArea;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One remembered choice.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    ehr: Ehr,
    /// When it was chosen: the oldest entries are dropped past [`MAX_ENTRIES`].
    at_ms: i64,
}

/// storage.session key of the `{scope key: {ehr: "cliniko" | "nookal", at_ms}}` map.
pub const STORAGE_KEY: &str = "destination";

/// Most sessions kept: a clinician opens a few dozen a day; the oldest entries go first.
pub const MAX_ENTRIES: usize = 200;

/// The scope's storage key; the same rule as a pre-selection's (session id first, then tab + URL),
/// written here because `preselect` keeps its rule private.
fn scope_key(s: &Scope) -> Option<String> {
    if let Some(id) = s
        .session_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        return Some(format!("session:{id}"));
    }
    match (s.tab_id, s.url.as_deref()) {
        (Some(tab), Some(url)) if !url.is_empty() => Some(format!("tab:{tab}:{url}")),
        _ => None,
    }
}

async fn load_all<P: Env>(p: &P) -> Result<Map<String, Value>> {
    Ok(match p.load(StorageArea::Session, STORAGE_KEY).await? {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    })
}

/// The destination last chosen for this scope, if any (an unreadable entry counts as none).
pub async fn get<P: Env>(p: &P, scope: &Scope) -> Result<Option<Ehr>> {
    let Some(key) = scope_key(scope) else {
        return Ok(None);
    };
    Ok(load_all(p)
        .await?
        .get(&key)
        .and_then(|v| serde_json::from_value::<Entry>(v.clone()).ok())
        .map(|e| e.ehr))
}

/// Remember `ehr` for this scope. A page with no session and no tab has nothing to remember it
/// against: that is not an error (the popup simply asks again next time).
pub async fn set<P: Env>(p: &P, scope: &Scope, ehr: Ehr) -> Result<Option<Ehr>> {
    let Some(key) = scope_key(scope) else {
        return Ok(None);
    };
    let mut all = load_all(p).await?;
    let entry = Entry {
        ehr,
        at_ms: p.now_ms(),
    };
    all.insert(
        key,
        serde_json::to_value(entry).map_err(|e| Error::Storage(e.to_string()))?,
    );
    while all.len() > MAX_ENTRIES {
        // Unreadable entries sort first (time 0), then the least recently chosen.
        let oldest = all
            .iter()
            .min_by_key(|(_, v)| v.get("at_ms").and_then(Value::as_i64).unwrap_or(0))
            .map(|(k, _)| k.clone());
        let Some(oldest) = oldest else { break };
        all.remove(&oldest);
    }
    p.save(StorageArea::Session, STORAGE_KEY, Value::Object(all))
        .await?;
    Ok(Some(ehr))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::testing::FakePlatform;
    use pollster::block_on;

    fn session(id: &str) -> Scope {
        Scope {
            origin: Some("https://app.motics.ai".into()),
            session_id: Some(id.into()),
            tab_id: Some(7),
            url: Some("https://app.motics.ai/sessions/x".into()),
        }
    }

    #[test]
    fn remembers_the_choice_per_session_only() {
        let p = FakePlatform::new();
        assert_eq!(block_on(get(&p, &session("s-1"))).unwrap(), None);
        block_on(set(&p, &session("s-1"), Ehr::Nookal)).unwrap();
        assert_eq!(
            block_on(get(&p, &session("s-1"))).unwrap(),
            Some(Ehr::Nookal)
        );
        // Another session (same tab) does not inherit it.
        assert_eq!(block_on(get(&p, &session("s-2"))).unwrap(), None);
        block_on(set(&p, &session("s-1"), Ehr::Cliniko)).unwrap();
        assert_eq!(
            block_on(get(&p, &session("s-1"))).unwrap(),
            Some(Ehr::Cliniko)
        );
        // Memory only: storage.session, never storage.local.
        assert!(p.stored(StorageArea::Session, STORAGE_KEY).is_some());
        assert!(p.stored(StorageArea::Local, STORAGE_KEY).is_none());
    }

    #[test]
    fn pages_without_a_session_fall_back_to_tab_and_url_or_remember_nothing() {
        let p = FakePlatform::new();
        let tab = Scope {
            origin: Some("https://app.motics.ai".into()),
            session_id: Some("  ".into()),
            tab_id: Some(3),
            url: Some("https://app.motics.ai/variants/quill".into()),
        };
        block_on(set(&p, &tab, Ehr::Nookal)).unwrap();
        assert_eq!(block_on(get(&p, &tab)).unwrap(), Some(Ehr::Nookal));
        let nothing = Scope {
            origin: None,
            session_id: None,
            tab_id: None,
            url: None,
        };
        assert_eq!(block_on(set(&p, &nothing, Ehr::Nookal)).unwrap(), None);
        assert_eq!(block_on(get(&p, &nothing)).unwrap(), None);
    }

    #[test]
    fn keeps_only_the_most_recent_sessions() {
        let p = FakePlatform::new();
        for i in 0..=MAX_ENTRIES {
            p.now.set(p.now.get() + 1000);
            block_on(set(&p, &session(&format!("s-{i}")), Ehr::Nookal)).unwrap();
        }
        assert_eq!(block_on(get(&p, &session("s-0"))).unwrap(), None);
        let last = format!("s-{MAX_ENTRIES}");
        assert_eq!(
            block_on(get(&p, &session(&last))).unwrap(),
            Some(Ehr::Nookal)
        );
        match p.stored(StorageArea::Session, STORAGE_KEY) {
            Some(Value::Object(m)) => assert_eq!(m.len(), MAX_ENTRIES),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unreadable_entry_counts_as_no_choice() {
        let p = FakePlatform::new();
        block_on(p.save(
            StorageArea::Session,
            STORAGE_KEY,
            serde_json::json!({"session:s-1": {"ehr": "athena", "at_ms": 1}}),
        ))
        .unwrap();
        assert_eq!(block_on(get(&p, &session("s-1"))).unwrap(), None);
    }
}
