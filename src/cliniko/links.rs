//! Links into the Cliniko web app for the clinician to open (receipts, search results).
//!
//! Host form `https://{subdomain}.{shard}.cliniko.com` (reference §10, official sharding guide).
//! Receipts should link to the **patient page**: it is the best-attested shape (several
//! independent codebases). The treatment-notes list URL follows the same pattern but is
//! UNCONFIRMED, and the note URL is attested only with `/edit` from one third party, so the
//! receipt offers those as secondary links at most.

use super::id::ClinikoId;
use super::key::Shard;
use super::types::is_dns_label;
use crate::{Error, Result};

/// The clinic's web origin, `https://{subdomain}.{shard}.cliniko.com`.
pub fn web_origin(subdomain: &str, shard: &Shard) -> Result<String> {
    let sub = subdomain.to_ascii_lowercase();
    if !is_dns_label(&sub) {
        return Err(Error::InvalidInput("not a Cliniko subdomain".into()));
    }
    Ok(format!("https://{sub}.{shard}.cliniko.com"))
}

/// The patient's page (best attested; use this for receipts).
pub fn patient_page(subdomain: &str, shard: &Shard, patient: &ClinikoId) -> Result<String> {
    Ok(format!(
        "{}/patients/{patient}",
        web_origin(subdomain, shard)?
    ))
}

/// The patient's treatment-notes list (UNCONFIRMED shape; same pattern as the patient page).
pub fn treatment_notes_page(subdomain: &str, shard: &Shard, patient: &ClinikoId) -> Result<String> {
    Ok(format!(
        "{}/treatment_notes",
        patient_page(subdomain, shard, patient)?
    ))
}

/// One treatment note (`/patients/{pid}/treatment_notes/{nid}`; only `…/{nid}/edit` is attested,
/// by one third party).
pub fn treatment_note_page(
    subdomain: &str,
    shard: &Shard,
    patient: &ClinikoId,
    note: &ClinikoId,
) -> Result<String> {
    Ok(format!(
        "{}/{note}",
        treatment_notes_page(subdomain, shard, patient)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_documented_host_form() {
        let shard = Shard::parse("au3").unwrap();
        let p = ClinikoId::parse("1805465202989210063").unwrap();
        let n = ClinikoId::parse("42").unwrap();
        assert_eq!(
            patient_page("good-healthy-times", &shard, &p).unwrap(),
            "https://good-healthy-times.au3.cliniko.com/patients/1805465202989210063"
        );
        assert_eq!(
            treatment_notes_page("good-healthy-times", &shard, &p).unwrap(),
            "https://good-healthy-times.au3.cliniko.com/patients/1805465202989210063/treatment_notes"
        );
        assert_eq!(
            treatment_note_page("Clinic", &shard, &p, &n).unwrap(),
            "https://clinic.au3.cliniko.com/patients/1805465202989210063/treatment_notes/42"
        );
        assert!(patient_page("evil.test/x", &shard, &p).is_err());
    }
}
