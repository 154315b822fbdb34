//! `settings/get` and `settings/set`: note defaults in `storage.local`.

use crate::platform::StorageArea;
use crate::settings::{STORAGE_KEY, Settings};
use crate::worker::Env;
use crate::{Error, Result};

/// The saved settings, or the defaults.
pub async fn get<P: Env>(p: &P) -> Result<Settings> {
    crate::settings::load(p).await
}

/// Validate and save; returns what was saved.
pub async fn set<P: Env>(p: &P, settings: Settings) -> Result<Settings> {
    let settings = settings.validated()?;
    let value = serde_json::to_value(&settings).map_err(|e| Error::Storage(e.to_string()))?;
    p.save(StorageArea::Local, STORAGE_KEY, value).await?;
    Ok(settings)
}
