//! The one key store every EHR uses, over its storage slots in `storage.local`: the API key, the
//! connection summary, the on/off switch and "needs reconnect" flag, caches dropped with the key,
//! and the state the UI shows. Each EHR names its slots and its key and connection types
//! (`cliniko::store::STORE`, `nookal::store::STORE`); the code is written once here.

use crate::error::Ehr;
use crate::join::join2;
use crate::platform::StorageArea;
use crate::store;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::marker::PhantomData;

/// Where integrations keep their settings (persistent; never note text or patient data).
const AREA: StorageArea = StorageArea::Local;

/// Switches kept beside the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    /// The clinician can switch the integration off without removing the key.
    pub enabled: bool,
    /// A request failed authentication in use: the key must be pasted again.
    pub needs_reconnect: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            enabled: true,
            needs_reconnect: false,
        }
    }
}

/// The connection's state as the options page and popup show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// No key saved.
    NotSetUp,
    /// Key saved, enabled, working.
    Connected,
    /// Key saved but switched off.
    Disabled,
    /// Key failed in use; paste a new one.
    NeedsReconnect,
}

impl ConnectionState {
    /// The state for a saved key + connection (or not) and its flags.
    pub fn of(set_up: bool, flags: Flags) -> ConnectionState {
        match () {
            _ if !set_up => ConnectionState::NotSetUp,
            _ if !flags.enabled => ConnectionState::Disabled,
            _ if flags.needs_reconnect => ConnectionState::NeedsReconnect,
            _ => ConnectionState::Connected,
        }
    }
}

/// One integration's storage slots, typed by its key `K` and connection summary `C`.
#[derive(Debug)]
pub struct Store<K, C> {
    /// Which EHR (for error messages).
    pub ehr: Ehr,
    /// The API key (a string).
    pub secret: &'static str,
    /// The connection summary.
    pub connection: &'static str,
    /// The [`Flags`].
    pub flags: &'static str,
    /// Anything else removed with the key, or when another key is saved (caches).
    pub extra: &'static [&'static str],
    /// Reads a saved key back (one that no longer parses is absent): the EHR's key check.
    pub parse_key: fn(&str) -> Result<K>,
    /// The key's text, only for storing and for the EHR's requests.
    pub key_text: fn(&K) -> &str,
    /// The connection type (no data).
    pub types: PhantomData<fn() -> C>,
}

impl<K, C> Store<K, C> {
    /// `ehr`'s slots: `<ehr>.key`, `<ehr>.connection`, `<ehr>.flags`, and `extra`; its keys are
    /// read with `parse_key` and stored as `key_text` gives them.
    pub const fn new(
        ehr: Ehr,
        parse_key: fn(&str) -> Result<K>,
        key_text: fn(&K) -> &str,
        extra: &'static [&'static str],
    ) -> Self {
        let (secret, connection, flags) = match ehr {
            Ehr::Cliniko => ("cliniko.key", "cliniko.connection", "cliniko.flags"),
            Ehr::Nookal => ("nookal.key", "nookal.connection", "nookal.flags"),
        };
        Store {
            ehr,
            secret,
            connection,
            flags,
            extra,
            parse_key,
            key_text,
            types: PhantomData,
        }
    }
}

impl<K, C: Serialize + DeserializeOwned> Store<K, C> {
    /// The slots every request reads ([`Store::active`]): key, connection, flags.
    pub fn request_slots(&self) -> [(StorageArea, &'static str); 3] {
        [
            (AREA, self.secret),
            (AREA, self.connection),
            (AREA, self.flags),
        ]
    }

    /// A stored value; one we cannot read (older format, tampering) counts as absent, not a crash.
    pub async fn load_as<P: Env, T: DeserializeOwned>(
        &self,
        p: &P,
        key: &str,
    ) -> Result<Option<T>> {
        match store::load(p, AREA, key).await? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(serde_json::from_value(v).ok()),
        }
    }

    /// Store a value.
    pub async fn save_as<P: Env, T: Serialize>(&self, p: &P, key: &str, value: &T) -> Result<()> {
        let v = serde_json::to_value(value).map_err(|e| Error::Storage(e.to_string()))?;
        store::save(p, AREA, key, v).await
    }

    /// The saved flags (defaults when absent).
    pub async fn flags<P: Env>(&self, p: &P) -> Result<Flags> {
        Ok(self.load_as(p, self.flags).await?.unwrap_or_default())
    }

    /// Switch the integration on or off (the key is kept).
    pub async fn set_enabled<P: Env>(&self, p: &P, enabled: bool) -> Result<()> {
        let flags = Flags {
            enabled,
            ..self.flags(p).await?
        };
        self.save_as(p, self.flags, &flags).await
    }

    /// Flag the saved key as needing a reconnect (after a failure in use). No-op when not set up.
    pub async fn mark_needs_reconnect<P: Env>(&self, p: &P) -> Result<()> {
        if store::load(p, AREA, self.connection).await?.is_none() {
            return Ok(());
        }
        let flags = Flags {
            needs_reconnect: true,
            ..self.flags(p).await?
        };
        self.save_as(p, self.flags, &flags).await
    }

    /// Save a verified key and its connection: enabled, not needing a reconnect; caches made with
    /// another key are dropped.
    pub async fn save_connection<P: Env>(&self, p: &P, key: &K, conn: &C) -> Result<()> {
        store::save(
            p,
            AREA,
            self.secret,
            Value::String((self.key_text)(key).to_string()),
        )
        .await?;
        self.save_as(p, self.connection, conn).await?;
        self.save_as(p, self.flags, &Flags::default()).await?;
        for k in self.extra {
            store::remove(p, AREA, k).await?;
        }
        Ok(())
    }

    /// Save a connection re-checked with the saved key ("Test connection"): the key works, so a
    /// needs-reconnect flag clears; the on/off switch stays as the clinician set it (a check never
    /// switches an integration back on).
    pub async fn save_verified<P: Env>(&self, p: &P, conn: &C) -> Result<()> {
        self.update_connection(p, conn).await?;
        let flags = Flags {
            needs_reconnect: false,
            ..self.flags(p).await?
        };
        self.save_as(p, self.flags, &flags).await
    }

    /// Replace the connection summary (choices, refreshed lists); key and flags untouched.
    pub async fn update_connection<P: Env>(&self, p: &P, conn: &C) -> Result<()> {
        self.save_as(p, self.connection, conn).await
    }

    /// The saved connection summary, if any.
    pub async fn load_connection<P: Env>(&self, p: &P) -> Result<Option<C>> {
        self.load_as(p, self.connection).await
    }

    /// The saved key, if any and still valid.
    pub async fn load_key<P: Env>(&self, p: &P) -> Result<Option<K>> {
        Ok(self
            .load_as::<P, String>(p, self.secret)
            .await?
            .and_then(|s| (self.parse_key)(&s).ok()))
    }

    /// The key, the connection and the flags, read at once: one storage round trip, not three
    /// (the popup's first status on a cold worker waits for these; bench/README.md, cold start).
    async fn load_all<P: Env>(&self, p: &P) -> Result<(Option<K>, Option<C>, Flags)> {
        let ((key, conn), flags) = join2(
            join2(self.load_key(p), self.load_connection(p)),
            self.flags(p),
        )
        .await;
        Ok((key?, conn?, flags?))
    }

    /// The state the UI shows, with the summary when set up.
    pub async fn state<P: Env>(&self, p: &P) -> Result<(ConnectionState, Option<C>)> {
        let (key, connection, flags) = self.load_all(p).await?;
        let state = ConnectionState::of(key.is_some() && connection.is_some(), flags);
        Ok((
            state,
            connection.filter(|_| state != ConnectionState::NotSetUp),
        ))
    }

    /// The key and connection to use for a request now: `NotConnected` when not set up,
    /// `Disabled` when switched off, `Unauthorized` when the key already failed in use.
    pub async fn active<P: Env>(&self, p: &P) -> Result<(K, C)> {
        let (key, conn, flags) = self.load_all(p).await?;
        self.usable(key.is_some() && conn.is_some(), flags)?;
        match (key, conn) {
            (Some(key), Some(conn)) => Ok((key, conn)),
            _ => Err(Error::NotConnected(self.ehr)),
        }
    }

    /// Forget everything this integration stored: key, connection, flags, caches.
    pub async fn remove_all<P: Env>(&self, p: &P) -> Result<()> {
        for k in [self.secret, self.connection, self.flags]
            .into_iter()
            .chain(self.extra.iter().copied())
        {
            store::remove(p, AREA, k).await?;
        }
        Ok(())
    }

    /// Whether a request may go out now: `NotConnected` when not set up, `Disabled` when switched
    /// off, `Unauthorized` when the key already failed in use (reconnect first).
    pub fn usable(&self, set_up: bool, flags: Flags) -> Result<()> {
        match ConnectionState::of(set_up, flags) {
            ConnectionState::NotSetUp => Err(Error::NotConnected(self.ehr)),
            ConnectionState::Disabled => Err(Error::Disabled(self.ehr)),
            ConnectionState::NeedsReconnect => Err(Error::Unauthorized(self.ehr)),
            ConnectionState::Connected => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_follows_setup_then_switch_then_reconnect() {
        let on = Flags::default();
        let off = Flags {
            enabled: false,
            ..on
        };
        let stale = Flags {
            needs_reconnect: true,
            ..on
        };
        assert_eq!(ConnectionState::of(false, off), ConnectionState::NotSetUp);
        assert_eq!(ConnectionState::of(true, off), ConnectionState::Disabled);
        assert_eq!(
            ConnectionState::of(true, stale),
            ConnectionState::NeedsReconnect
        );
        assert_eq!(ConnectionState::of(true, on), ConnectionState::Connected);
        use crate::nookal::NookalKey;
        let slots: Store<NookalKey, ()> =
            Store::new(Ehr::Nookal, NookalKey::parse, NookalKey::expose_secret, &[]);
        assert_eq!(
            slots.usable(true, stale),
            Err(Error::Unauthorized(Ehr::Nookal))
        );
        assert_eq!(
            slots.usable(false, on),
            Err(Error::NotConnected(Ehr::Nookal))
        );
    }
}
