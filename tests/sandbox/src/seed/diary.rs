//! The one diary layout both EHRs are seeded with, per day (issue 14 "Sandbox"): a normal day for the
//! demo practitioner around the Motics sessions' times, a double-booked slot, a group class of three,
//! a cancelled and a deleted appointment (never listed), a did-not-arrive, one that already has a
//! note, two same-name patients at different times, a 23:30 appointment (across midnight) and a few
//! appointments for a second practitioner. Times are UTC (the clinic's day is taken in UTC here).

use crate::clock::{days_from_civil, parse_iso};
use crate::motics::notes::SESSIONS;

/// Who an appointment is for; each EHR resolves these to its own patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The patient of Motics session `i` (`SESSIONS[i]`), when that EHR has them.
    Session(usize),
    /// One of two patients with the same name (0 or 1).
    SameName(usize),
    /// The n-th "other" patient (a quiet patient no test names).
    Other(usize),
}

/// What became of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Booked, no note yet.
    Booked,
    /// Cancelled: must never be suggested.
    Cancelled,
    /// Deleted: must never be suggested.
    Deleted,
    /// The patient did not arrive.
    DidNotArrive,
    /// Already has a (final) treatment note linked to it.
    HasNote,
}

/// One individual appointment of the layout.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// 0 = the demo practitioner, 1 = a second practitioner.
    pub practitioner: usize,
    /// Start, minutes after UTC midnight.
    pub start_min: u64,
    /// Length in minutes.
    pub minutes: u64,
    /// Patient.
    pub who: Who,
    /// Appointment type name.
    pub type_name: &'static str,
    /// State.
    pub state: State,
}

/// A group class of the layout (demo practitioner).
#[derive(Debug, Clone, Copy)]
pub struct Class {
    /// Start, minutes after UTC midnight.
    pub start_min: u64,
    /// Length in minutes.
    pub minutes: u64,
    /// Type name.
    pub type_name: &'static str,
    /// The attendees.
    pub attendees: [Who; 3],
}

const fn slot(
    practitioner: usize,
    h: u64,
    m: u64,
    who: Who,
    type_name: &'static str,
    state: State,
) -> Slot {
    Slot {
        practitioner,
        start_min: h * 60 + m,
        minutes: 30,
        who,
        type_name,
        state,
    }
}

/// Appointment type names (Cliniko's appointment types; Nookal's `appointmentType`).
pub const TYPES: &[&str] = &[
    "Initial consult",
    "Standard consultation",
    "Follow-up",
    "Pilates class",
];

/// The individual appointments of every seeded day. Session times: s-1001 09:41, s-1002 10:15,
/// s-1003 14:05, s-1004 08:30, s-1005 11:00 (recording); the "session at 10:32" case is
/// the 10:30 appointment, with a cancelled one at the very same time.
pub const SLOTS: &[Slot] = &[
    slot(
        0,
        8,
        0,
        Who::Other(0),
        "Standard consultation",
        State::DidNotArrive,
    ),
    slot(
        0,
        8,
        30,
        Who::Session(3),
        "Standard consultation",
        State::Booked,
    ),
    slot(0, 9, 30, Who::Session(0), "Follow-up", State::Booked),
    slot(0, 10, 0, Who::SameName(0), "Initial consult", State::Booked),
    slot(0, 10, 15, Who::Other(1), "Follow-up", State::Cancelled),
    slot(
        0,
        10,
        30,
        Who::SameName(1),
        "Initial consult",
        State::Booked,
    ),
    slot(0, 10, 30, Who::Other(2), "Follow-up", State::Cancelled),
    slot(0, 11, 0, Who::Session(4), "Follow-up", State::Booked),
    slot(0, 11, 0, Who::Other(3), "Follow-up", State::Booked),
    slot(0, 12, 0, Who::Other(4), "Follow-up", State::HasNote),
    slot(0, 12, 30, Who::Other(5), "Follow-up", State::Deleted),
    slot(
        0,
        14,
        0,
        Who::Session(2),
        "Standard consultation",
        State::Booked,
    ),
    Slot {
        minutes: 20,
        ..slot(0, 23, 30, Who::Other(9), "Follow-up", State::Booked)
    },
    slot(
        1,
        9,
        0,
        Who::Other(10),
        "Standard consultation",
        State::Booked,
    ),
    slot(1, 10, 30, Who::Other(11), "Follow-up", State::Booked),
    slot(1, 14, 0, Who::Session(2), "Follow-up", State::Booked),
];

/// The group class of every seeded day (Cliniko only: Nookal's classes are not served yet).
pub const CLASSES: &[Class] = &[Class {
    start_min: 13 * 60,
    minutes: 60,
    type_name: "Pilates class",
    attendees: [Who::Other(6), Who::Other(7), Who::Other(8)],
}];

/// The days (since the epoch) of the Motics sessions: always seeded, so the demo sessions fall
/// inside a diary whatever today is. Today's diary is added on first use (`Sandbox::handle`).
pub fn session_days() -> Vec<i64> {
    let mut days: Vec<i64> = SESSIONS
        .iter()
        .filter_map(|s| parse_iso(s.created_at))
        .map(|ms| (ms / 86_400_000) as i64)
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Unix ms of `start_min` minutes into `day`.
pub fn at(day: i64, start_min: u64) -> u64 {
    u64::try_from(day).unwrap_or(0) * 86_400_000 + start_min * 60_000
}

/// Days since the epoch of a civil date (for tests).
pub fn day_of(y: i64, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d)
}
