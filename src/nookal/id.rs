//! `NookalId`: a Nookal record id (`"ID": "1"`, reference §1: ids come back as strings; some
//! clients see numbers), kept as text ([`crate::ehr::id`]).

use crate::ehr::Ehr;
use crate::ehr::id::{Dialect, Id};

/// Nookal's records (see [`Dialect`]).
///
/// Every source shows decimal ids, but none documents their format, so an id is "1–20 ASCII
/// letters, digits, `-` or `_`": that accepts every id seen while keeping ids safe to log and
/// to compare. UNCONFIRMED: if Nookal ever used other characters, widen [`Dialect::id_byte`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nookal {}

impl Dialect for Nookal {
    const EHR: Ehr = Ehr::Nookal;
    const NOT_AN_ID: &'static str = "not a Nookal id";
    const ID_EXPECTED: &'static str = "expected an id";
    fn id_byte(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
    }
    /// PHP writes "none" as `"0"`.
    fn no_id(text: &str) -> bool {
        text.is_empty() || text == "0"
    }
}

/// A Nookal id.
pub type NookalId = Id<Nookal>;

impl NookalId {
    /// The id as a number when it is all digits (only for ordering: newer records get larger
    /// ids in every example seen; never sent anywhere as a number).
    pub fn numeric(&self) -> Option<u128> {
        self.as_str().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ids_stay_exact_and_bad_ones_are_refused() {
        let id = NookalId::parse(" 9007199254740993 ").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"9007199254740993\"");
        for bad in ["", "1 2", "../1", "1&x=2", "123456789012345678901"] {
            assert!(NookalId::parse(bad).is_err(), "{bad}");
        }
    }
}
