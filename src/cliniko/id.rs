//! `ClinikoId`: a Cliniko record id (`type: string, format: int64` in the OpenAPI description):
//! 1–20 ASCII digits, kept as text ([`crate::ehr::id`]).

use crate::ehr::Ehr;
use crate::ehr::id::{Dialect, Id};

/// Cliniko's records (see [`Dialect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cliniko {}

impl Dialect for Cliniko {
    const EHR: Ehr = Ehr::Cliniko;
    const NOT_AN_ID: &'static str = "not a Cliniko id (expected digits only)";
    const ID_EXPECTED: &'static str = "expected an id of digits";
    fn id_byte(b: u8) -> bool {
        b.is_ascii_digit()
    }
}

/// A Cliniko id (`836447129235883061`: above 2^53, so never a number).
pub type ClinikoId = Id<Cliniko>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_above_2_pow_53_stay_exact() {
        let id = ClinikoId::parse("1805465202989210063").unwrap();
        assert_eq!(id.as_str(), "1805465202989210063");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"1805465202989210063\""
        );
    }

    #[test]
    fn non_digit_ids_are_refused() {
        for bad in ["", "12a", "../1", "-1", "1.5", "123456789012345678901"] {
            assert!(ClinikoId::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ClinikoId>("\"../x\"").is_err());
    }
}
