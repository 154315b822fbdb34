//! "Match by appointment" for the history queue: each historical session is paired with the
//! appointment at its time only when exactly one fits; the rest stay unpaired for search.

use super::MINUTE_MS;
use super::model::Appointment;

/// How far outside an appointment a session's time may fall and still fit it (a note is often
/// created just after the appointment ends, or recording starts a little early).
pub const SLACK_MS: i64 = 10 * MINUTE_MS;

fn fits(a: &Appointment, t: i64) -> bool {
    !a.did_not_arrive && a.starts_ms - SLACK_MS <= t && t <= a.ends_ms.max(a.starts_ms) + SLACK_MS
}

/// For each session time (UTC ms), the index of its appointment, or `None` when none or several
/// fit, or when another session fits the same single appointment (never one appointment for two
/// notes). Nothing is pushed from here: pairs are proposed for review.
pub fn match_sessions(session_times: &[i64], appointments: &[Appointment]) -> Vec<Option<usize>> {
    let single: Vec<Option<usize>> = session_times
        .iter()
        .map(|t| {
            let mut fit = appointments
                .iter()
                .enumerate()
                .filter(|(_, a)| fits(a, *t))
                .map(|(i, _)| i);
            match (fit.next(), fit.next()) {
                (Some(i), None) => Some(i),
                _ => None,
            }
        })
        .collect();
    single
        .iter()
        .map(|m| m.filter(|i| single.iter().filter(|x| **x == Some(*i)).count() == 1))
        .collect()
}
