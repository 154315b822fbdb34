//! The connection part of the EHR interface: verify and save a key (who-am-I), status, switch,
//! removal, the practitioner and location choices, note templates and cases.
//!
//! Every operation answers the same [`ConnectionStatus`] for both EHRs, so the options page and
//! the popup render one connection card (fields an EHR lacks are absent).

use super::Ehr;
use crate::Result;
use crate::cliniko::connect as cliniko;
use crate::cliniko::store as cliniko_store;
use crate::error::Error;
use crate::integration::{ConnectionState, Store};
use crate::nookal::cases::{self, CaseList, CaseRow};
use crate::nookal::connect as nookal;
use crate::nookal::store as nookal_store;
use crate::worker::Env;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A practitioner or location as a picker shows it (ids are strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Id (string).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// The one connection reply (`connection/*`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionStatus {
    /// Which EHR.
    pub ehr: Ehr,
    /// `not_set_up | connected | disabled | needs_reconnect`.
    pub state: ConnectionState,
    /// The EHR's own summary as stored (kept for the views that still read it).
    pub connection: Option<Value>,
    /// Who the key belongs to, when the EHR says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The clinic, when the EHR says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// The key's last four characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_key: Option<String>,
    /// Practitioners the clinician chooses from (EHRs whose key is not one practitioner's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practitioners: Option<Vec<Choice>>,
    /// The practitioner notes are filed under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practitioner_id: Option<String>,
    /// Locations the key covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<Choice>>,
    /// The default location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Set up, but a practitioner must be chosen before pushing.
    pub needs_practitioner: bool,
    /// The EHR has locations to choose from.
    pub has_locations: bool,
}

impl ConnectionStatus {
    fn bare(ehr: Ehr, state: ConnectionState, connection: Option<Value>) -> Self {
        ConnectionStatus {
            ehr,
            state,
            connection,
            user_name: None,
            account_name: None,
            masked_key: None,
            practitioners: None,
            practitioner_id: None,
            locations: None,
            location_id: None,
            needs_practitioner: false,
            has_locations: false,
        }
    }
}

fn value<T: Serialize>(v: &T) -> Option<Value> {
    serde_json::to_value(v).ok()
}

fn from_cliniko(state: ConnectionState, c: Option<cliniko::Connection>) -> ConnectionStatus {
    let mut out = ConnectionStatus::bare(Ehr::Cliniko, state, c.as_ref().and_then(value));
    if let Some(c) = c {
        out.user_name = Some(c.user_name);
        out.account_name = c.account_name;
        out.masked_key = Some(c.key_hint);
        out.practitioner_id = c.practitioner_id;
    }
    out
}

fn from_nookal(state: ConnectionState, c: Option<nookal_store::Connection>) -> ConnectionStatus {
    let mut out = ConnectionStatus::bare(Ehr::Nookal, state, c.as_ref().and_then(value));
    // Set up, but notes cannot be filed until a practitioner is chosen.
    out.needs_practitioner = c.as_ref().is_some_and(|c| c.practitioner().is_none());
    if let Some(c) = c {
        out.masked_key = Some(c.key_hint);
        out.has_locations = !c.locations.is_empty();
        out.practitioners = Some(
            c.practitioners
                .iter()
                .map(|p| Choice {
                    id: p.id.to_string(),
                    name: p.display_name(),
                })
                .collect(),
        );
        out.locations = Some(
            c.locations
                .iter()
                .map(|l| Choice {
                    id: l.id.to_string(),
                    name: l.name.clone(),
                })
                .collect(),
        );
        out.practitioner_id = c.practitioner_id.map(|x| x.to_string());
        out.location_id = c.location_id.map(|x| x.to_string());
    }
    out
}

/// The connection's state and summary.
pub async fn status<P: Env>(p: &P, ehr: Ehr) -> Result<ConnectionStatus> {
    Ok(match ehr {
        Ehr::Cliniko => {
            let (state, c) = cliniko_store::STORE.state(p).await?;
            from_cliniko(state, c)
        }
        Ehr::Nookal => {
            let (state, c) = nookal_store::STORE.state(p).await?;
            from_nookal(state, c)
        }
    })
}

/// Verify a pasted key (who is it?) and save it only if that worked (enabled, no reconnect
/// needed). A key that fails is never saved and leaves any saved connection as it was.
pub async fn connect<P: Env>(p: &P, ehr: Ehr, key: &str) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => save_checked(p, &cliniko_store::STORE, key, cliniko::verify_key).await?,
        Ehr::Nookal => save_checked(p, &nookal_store::STORE, key, nookal::verify_key).await?,
    }
    status(p, ehr).await
}

/// [`connect`] over one EHR's key store, with its who-am-I `check`.
async fn save_checked<P: Env, K, C: Serialize + DeserializeOwned>(
    p: &P,
    store: &Store<K, C>,
    raw: &str,
    check: impl AsyncFnOnce(&P, &K) -> Result<C>,
) -> Result<()> {
    let key = (store.parse_key)(raw)?;
    let conn = check(p, &key).await?;
    store.save_connection(p, &key, &conn).await
}

/// Check the saved key again, the same way for every EHR: the connection is refreshed, a
/// needs-reconnect flag clears, and the on/off switch stays as it was. A 401 means the key
/// stopped working in use (deleted, or the clinic migrated): flagged "needs reconnect".
pub async fn verify<P: Env>(p: &P, ehr: Ehr) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => recheck(p, &cliniko_store::STORE, cliniko::verify_key).await?,
        Ehr::Nookal => recheck(p, &nookal_store::STORE, nookal::verify_key).await?,
    }
    status(p, ehr).await
}

/// [`verify`] over one EHR's key store, with its who-am-I `check`.
async fn recheck<P: Env, K, C: Serialize + DeserializeOwned>(
    p: &P,
    store: &Store<K, C>,
    check: impl AsyncFnOnce(&P, &K) -> Result<C>,
) -> Result<()> {
    let Some(key) = store.load_key(p).await? else {
        return Err(Error::NotConnected(store.ehr));
    };
    match check(p, &key).await {
        Ok(conn) => store.save_verified(p, &conn).await,
        Err(e @ Error::Unauthorized(_)) => {
            store.mark_needs_reconnect(p).await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Switch an EHR on or off, keeping the key.
pub async fn set_enabled<P: Env>(p: &P, ehr: Ehr, enabled: bool) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => cliniko_store::STORE.set_enabled(p, enabled).await?,
        Ehr::Nookal => nookal_store::STORE.set_enabled(p, enabled).await?,
    }
    status(p, ehr).await
}

/// Forget the key and everything saved with it.
pub async fn remove<P: Env>(p: &P, ehr: Ehr) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => cliniko_store::STORE.remove_all(p).await?,
        Ehr::Nookal => nookal_store::STORE.remove_all(p).await?,
    }
    status(p, ehr).await
}

/// The practitioner notes are filed under. Cliniko files notes
/// under the key's own practitioner, so it has nothing to choose.
pub async fn set_practitioner<P: Env>(
    p: &P,
    ehr: Ehr,
    practitioner_id: &str,
) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => return Err(Error::Unsupported(ehr)),
        Ehr::Nookal => nookal::set_practitioner(p, practitioner_id).await?,
    };
    status(p, ehr).await
}

/// The default location (`None` clears it).
pub async fn set_location<P: Env>(
    p: &P,
    ehr: Ehr,
    location_id: Option<&str>,
) -> Result<ConnectionStatus> {
    match ehr {
        Ehr::Cliniko => return Err(Error::Unsupported(ehr)),
        Ehr::Nookal => nookal::set_location(p, location_id).await?,
    };
    status(p, ehr).await
}

/// The EHR's note templates as `[{id, name}]`. Nookal v2 has no note templates: always empty.
pub async fn templates<P: Env>(p: &P, ehr: Ehr, refresh: bool) -> Result<Value> {
    Ok(match ehr {
        Ehr::Cliniko => Value::Array(
            cliniko::list_templates(p, refresh)
                .await?
                .iter()
                .map(|t| json!({ "id": t.id, "name": t.name }))
                .collect(),
        ),
        Ehr::Nookal => Value::Array(Vec::new()),
    })
}

/// How a note fits the EHR's note templates and what "Automatic" picks for it (issue 17; shown in
/// the preview). Nookal v2 has no note templates: always `None`.
pub async fn template_advice<P: Env>(
    p: &P,
    ehr: Ehr,
    note: &crate::note::Note,
) -> Result<Option<crate::templates::Advice>> {
    match ehr {
        Ehr::Cliniko => crate::templates::advise(p, note).await.map(Some),
        Ehr::Nookal => Ok(None),
    }
}

/// The patient's cases and the default one. Cliniko files notes without cases
/// here: no cases, no default.
pub async fn cases<P: Env>(p: &P, ehr: Ehr, patient_id: &str) -> Result<CaseList> {
    match ehr {
        Ehr::Cliniko => Ok(CaseList {
            cases: Vec::new(),
            default_case_id: None,
        }),
        Ehr::Nookal => cases::list_cases(p, patient_id).await,
    }
}

/// Create a case (Nookal); `local_date` (`YYYY-MM-DD…`) is its start date.
pub async fn add_case<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    title: &str,
    local_date: Option<&str>,
) -> Result<CaseRow> {
    if ehr == Ehr::Cliniko {
        return Err(Error::Unsupported(ehr));
    }
    let c = cases::add_case(p, patient_id, title, local_date).await?;
    Ok(CaseRow {
        open: cases::is_open(&c),
        id: c.id.to_string(),
        title: c.title,
        date: c.date,
    })
}

/// The footer's author: the page's (`None`) on Motics; for a note from another site, which may
/// not name anyone (issue 15 §4), the connected EHR user, who is the one pushing it (Cliniko:
/// the key's user; Nookal: the practitioner notes are filed under).
pub async fn footer_author<P: Env>(
    p: &P,
    ehr: Ehr,
    note: &crate::note::Note,
) -> Result<Option<String>> {
    if note.meta.site.is_none() {
        return Ok(None);
    }
    Ok(match ehr {
        Ehr::Cliniko => cliniko_store::STORE
            .load_connection(p)
            .await?
            .map(|c| c.user_name),
        Ehr::Nookal => nookal_store::STORE.load_connection(p).await?.and_then(|c| {
            c.practitioner()
                .map(|x| format!("{} {}", x.first_name, x.last_name))
        }),
    }
    .map(|n| n.trim().to_string())
    .filter(|n| !n.is_empty()))
}
