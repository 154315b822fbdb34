//! The one interface every EHR implements: what the workflow needs of an EHR, whichever it is.
//!
//! - connect: verify a key and say who it is; status, switch, removal, choices ([`connection`]);
//! - search patients for a typed query; ranking and matching are shared ([`search`]);
//! - list a practitioner's appointments in a time window ([`appointments`], issue 14);
//! - create a note, find it again by its push reference, read it back, archive an extra copy
//!   where the EHR can ([`Ehr::can_archive`]) ([`note`]): the steps of one push job, driven the
//!   same way for every EHR by `push::attempt`.
//!
//! **An enum that dispatches, not a trait with associated types.** The EHR is data that arrives
//! in every message (`{ehr: "cliniko" | "nookal"}`) and is stored in every job, so the code needs
//! a value to branch on anyway. A `trait Ehr { type Key; type Id; … }` would make every generic
//! caller — the message handlers, the outbox, the tick, the attempt — monomorphise once per EHR
//! (and again per `Platform`), doubling the shared workflow's code in a wasm binary whose size
//! we measure (`./build.sh bench`), and it would still need an enum to pick the instantiation at
//! runtime. With the enum, the shared workflow compiles once and only the leaves differ: one
//! `match` per operation here. Keys, ids and connection details stay each EHR's own types inside
//! `cliniko::` and `nookal::` (the trait's "associated types"); across this interface ids are
//! strings, as everywhere else.

pub mod appointments;
pub mod connection;
pub mod id;
pub mod key;
pub mod note;
pub mod search;

use serde::{Deserialize, Serialize};

/// The EHRs Motics Push pushes to; every workflow takes one as a value (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ehr {
    /// Cliniko
    Cliniko,
    /// Nookal
    Nookal,
}

impl Ehr {
    /// The EHR's product name, as clinicians know it.
    pub fn name(self) -> &'static str {
        match self {
            Ehr::Cliniko => "Cliniko",
            Ehr::Nookal => "Nookal",
        }
    }
}

impl Ehr {
    /// Whether the EHR's API can archive (hide) an extra copy of a note. Cliniko can; Nookal v2
    /// cannot delete or archive a note, so the receipt names the copy for the clinician instead.
    pub fn can_archive(self) -> bool {
        match self {
            Ehr::Cliniko => true,
            Ehr::Nookal => false,
        }
    }
}
