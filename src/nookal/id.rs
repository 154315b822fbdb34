//! `NookalId`: a Nookal record id (`"ID": "1"`, reference §1: ids come back as strings; some
//! clients see numbers), kept as text ([`crate::ehr::id`]).

use crate::ehr::Ehr;
use crate::ehr::id::{Dialect, Id};

/// Nookal's records (its id rule: `Ehr::id_byte`; `"0"` is PHP's "none").
pub enum Nookal {}

impl Dialect for Nookal {
    const EHR: Ehr = Ehr::Nookal;
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
