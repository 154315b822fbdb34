//! A key's who-am-I: `verify`, then `getLocations` and `getPractitioners` (`ehr::connection`
//! saves it or flags it); the clinician's practitioner and default-location choices.

use super::client::{On401, call_with, list_all};
use super::id::NookalId;
use super::key::NookalKey;
use super::read::as_flag;
use super::requests;
use super::store::{self, Connection};
use super::types::{Location, Practitioner};
use crate::error::Ehr;
use crate::worker::Env;
use crate::{Error, Result};

/// What a verified key can see.
struct Discovery {
    locations: Vec<Location>,
    practitioners: Vec<Practitioner>,
}

/// A refusal flags nothing here: the caller decides (`ehr::connection::verify` flags the saved key).
async fn discover<P: Env>(p: &P, key: &NookalKey) -> Result<Discovery> {
    let env = call_with(p, &requests::verify(key), On401::Ignore).await?;
    // SDK `Nookal_Verify::isVerified()` reads `data.results.verify`; the Elixir client treats
    // any non-failure as verified. Only an explicit false is a refusal, so both readings work.
    if env.value("verify").and_then(as_flag) == Some(false) {
        return Err(Error::Unauthorized(Ehr::Nookal));
    }
    let locations = list_all(p, "locations", On401::Ignore, |pg| {
        requests::get_locations(key, pg)
    })
    .await?;
    let practitioners = list_all(p, "practitioners", On401::Ignore, |pg| {
        requests::get_practitioners(key, pg)
    })
    .await?;
    Ok(Discovery {
        locations,
        practitioners,
    })
}

/// Keep a previous choice while it is still listed; otherwise pick the only option, if there is
/// exactly one (a solo practitioner or a one-location clinic need not choose).
fn carry<T>(
    prev: Option<&NookalId>,
    items: &[T],
    id_of: impl Fn(&T) -> &NookalId,
) -> Option<NookalId> {
    if let Some(prev) = prev
        && items.iter().any(|i| id_of(i) == prev)
    {
        return Some(prev.clone());
    }
    match items {
        [only] => Some(id_of(only).clone()),
        _ => None,
    }
}

fn build(d: Discovery, key: &NookalKey, now_ms: i64, prev: Option<&Connection>) -> Connection {
    let practitioner_id = carry(
        prev.and_then(|c| c.practitioner_id.as_ref()),
        &d.practitioners,
        |p| &p.id,
    );
    let location_id = carry(
        prev.and_then(|c| c.location_id.as_ref()),
        &d.locations,
        |l| &l.id,
    );
    Connection {
        key_hint: key.hint(),
        verified_at_ms: now_ms,
        locations: d.locations,
        practitioners: d.practitioners,
        practitioner_id,
        location_id,
    }
}

/// What a key can see, with the previous choices carried over while still listed. Saves nothing.
pub async fn verify_key<P: Env>(p: &P, key: &NookalKey) -> Result<Connection> {
    let d = discover(p, key).await?;
    let prev = store::STORE.load_connection(p).await?;
    Ok(build(d, key, p.now_ms(), prev.as_ref()))
}

async fn saved<P: Env>(p: &P) -> Result<Connection> {
    store::STORE
        .load_connection(p)
        .await?
        .ok_or(Error::NotConnected(Ehr::Nookal))
}

/// Choose the practitioner notes are filed under (must be one the key can see).
pub async fn set_practitioner<P: Env>(p: &P, practitioner_id: &str) -> Result<Connection> {
    let id = NookalId::parse(practitioner_id)?;
    let mut conn = saved(p).await?;
    if !conn.practitioners.iter().any(|x| x.id == id) {
        return Err(Error::InvalidInput(
            "that practitioner is not in this Nookal account; test the connection to refresh the list".into(),
        ));
    }
    conn.practitioner_id = Some(id);
    store::STORE.update_connection(p, &conn).await?;
    Ok(conn)
}

/// Choose (or clear, with `None`) the default location.
pub async fn set_location<P: Env>(p: &P, location_id: Option<&str>) -> Result<Connection> {
    let id = location_id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(NookalId::parse)
        .transpose()?;
    let mut conn = saved(p).await?;
    if let Some(id) = &id
        && !conn.locations.iter().any(|l| &l.id == id)
    {
        return Err(Error::InvalidInput(
            "that location is not covered by this Nookal key".into(),
        ));
    }
    conn.location_id = id;
    store::STORE.update_connection(p, &conn).await?;
    Ok(conn)
}
