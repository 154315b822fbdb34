//! Push receipts in `storage.local` ("Recent pushes"): when, where, which note — never note text
//! or names.

use crate::Result;
use crate::error::{Ehr, Error};
use crate::nookal::push::NookalReceipt;
use crate::platform::StorageArea;
use crate::store;
use crate::worker::Env;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// storage.local key of the receipt list (newest first).
pub const STORAGE_KEY: &str = "push.receipts";
/// How many receipts are kept.
pub const MAX_RECEIPTS: usize = 50;
/// How long a receipt is kept: 30 days (README → Privacy). Older ones are dropped when read.
pub const RECEIPT_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// One landed push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The job it came from (receipts are replaced, not duplicated, when a job is verified).
    pub job_id: String,
    /// When the note landed (ms).
    pub at_ms: i64,
    /// Which EHR.
    pub ehr: Ehr,
    /// The patient's id in the EHR.
    pub patient_id: String,
    /// The note's id in the EHR.
    pub note_id: String,
    /// "Open in Cliniko": the patient's page (see `push::attempt::links` for why this shape).
    pub link: Option<String>,
    /// The note itself (`/patients/{p}/treatment_notes/{n}`): a less attested shape, offered second.
    pub note_link: Option<String>,
    /// The push reference in the note's footer.
    pub push_ref: String,
    /// The content fingerprint (a 64-bit hash, not text) for the duplicate guard.
    pub fingerprint: String,
    /// Extra copies of the same push (a browser's own resend of the POST), one rule for every
    /// EHR: archived where the EHR can ([`Receipt::copies_archived`], `Ehr::can_archive`), else
    /// named for the clinician to delete.
    #[serde(default, alias = "archived_copies")]
    pub extra_copies: Vec<String>,
    /// Whether [`Receipt::extra_copies`] were archived (Cliniko) or only named (Nookal v2 can't).
    #[serde(default)]
    pub copies_archived: bool,
    /// Whether the check for extra copies has run.
    #[serde(default)]
    pub verified: bool,
    /// The note was found in the EHR after the browser closed (or the extension was reloaded)
    /// before its reply was seen: "Pushed to … before the browser closed".
    #[serde(default)]
    pub before_close: bool,
    /// Nookal only: did the note land, which characters came back double-encoded (ids and
    /// characters only, never note text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nookal: Option<NookalReceipt>,
    /// The appointment the note was linked to ("Linked to the 10:30 appointment (Initial
    /// consult)"): ids, time and type name only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<crate::diary::Link>,
}

/// All receipts younger than [`RECEIPT_TTL_MS`], newest first (unreadable entries are skipped).
pub async fn list<P: Env>(p: &P) -> Result<Vec<Receipt>> {
    let oldest = p.now_ms().saturating_sub(RECEIPT_TTL_MS);
    Ok(
        match store::load(p, StorageArea::Local, STORAGE_KEY).await? {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|v| serde_json::from_value::<Receipt>(v).ok())
                .filter(|r| r.at_ms >= oldest)
                .collect(),
            _ => Vec::new(),
        },
    )
}

/// Forget one EHR's push history ("Remove key" offers it); the other EHR's receipts stay.
pub async fn clear<P: Env>(p: &P, ehr: Ehr) -> Result<()> {
    // A click's landing not yet saved would bring its receipt back afterwards: saved first.
    super::landing::flush(p).await?;
    let _lock = super::outbox::WriteLock::acquire(p).await;
    let mut all = list(p).await?;
    all.retain(|r| r.ehr != ehr);
    let v = serde_json::to_value(&all).map_err(|e| Error::Storage(e.to_string()))?;
    store::save(p, StorageArea::Local, STORAGE_KEY, v).await
}

/// Add or replace (same job) a receipt at the front; keep the newest [`MAX_RECEIPTS`].
pub async fn record<P: Env>(p: &P, receipt: &Receipt) -> Result<()> {
    // Two pushes can land at once (a popup's push and the alarm's tick): one read-change-write.
    let _lock = super::outbox::WriteLock::acquire(p).await;
    let mut all = list(p).await?;
    all.retain(|r| r.job_id != receipt.job_id);
    all.insert(0, receipt.clone());
    all.truncate(MAX_RECEIPTS);
    let v = serde_json::to_value(&all).map_err(|e| Error::Storage(e.to_string()))?;
    store::save(p, StorageArea::Local, STORAGE_KEY, v).await
}
