//! The diary: the connected practitioner's appointments, EHR-neutral, and the pure rules that use them.
//!
//! Each EHR's parser (`cliniko::appointments`, `nookal::appointments`) turns its list answers into
//! [`Appointment`]s (UTC milliseconds; cancelled and deleted ones never get this far). Then:
//! [`window`] (which span of time to ask for and show first, from the session's time and the
//! browser's zone offset), [`nearest`] (the best match to highlight, never to choose), [`offer`]
//! (the "Link to the 10:30 appointment" checkbox for a patient found by search), [`queue`]
//! (pairing historical sessions with appointments) and [`link`] (a link must belong to the patient
//! it is sent with). No `Platform`, no I/O.

pub mod cache;
pub mod link;
pub mod model;
pub mod nearest;
pub mod offer;
pub mod queue;
pub mod rows;
pub mod window;

pub use link::{Link, LinkError, VerifiedLink, verify};
pub use model::{Appointment, Kind, NoteStatus, in_diary};
pub use nearest::{BestMatch, best_match, order};
pub use offer::{LinkOffer, offer_for_patient};
pub use queue::match_sessions;
pub use rows::{Listing, Row, RowNote, listing, upcoming};
pub use window::{DiaryWindow, WindowSettings, window};

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;
/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
