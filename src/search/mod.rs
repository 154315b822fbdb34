//! Patient search: query parsing, request planning, phone normalisation, merging and ranking.

pub mod date;
pub mod fold;
pub mod matching;
pub mod phone;
pub mod plan;
pub mod query;
pub mod rank;
pub mod run;
pub mod scan;

pub use date::{Date, DateOrder};
pub use matching::{MatchVerdict, names_match};
pub use query::{Query, QueryKind, parse_query};
pub use rank::PatientSummary;
