//! The best match and the list order: the appointment that contains or is nearest the session's
//! start and has no note yet is highlighted and listed first, but never chosen for the clinician.

use super::model::Appointment;
use super::window::DiaryWindow;

/// The appointment to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BestMatch {
    /// Exactly one best appointment (index into the list given).
    One(usize),
    /// Several equally good ones (a double-booked slot): none is highlighted, all are listed.
    Tie(Vec<usize>),
    /// Nothing open within the part shown first.
    None,
}

/// Rank key: inside (or distance to) the appointment, then how far its start is from `t`.
fn key(a: &Appointment, t: i64) -> (i64, i64) {
    (a.distance_ms(t), (a.starts_ms - t).abs())
}

/// The best match for a session at `window.session_ms`: among appointments open for a note (no
/// note known, patient arrived) that overlap the part shown first, the one containing the session
/// time or nearest to it (ties broken by the nearer start). Two equally good → [`BestMatch::Tie`].
pub fn best_match(appointments: &[Appointment], window: &DiaryWindow) -> BestMatch {
    let t = window.session_ms;
    let candidates: Vec<(usize, (i64, i64))> = appointments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.open_for_note() && window.shown_first(a.starts_ms, a.ends_ms))
        .map(|(i, a)| (i, key(a, t)))
        .collect();
    let Some(best) = candidates.iter().map(|(_, k)| *k).min() else {
        return BestMatch::None;
    };
    let tied: Vec<usize> = candidates
        .iter()
        .filter(|(_, k)| *k == best)
        .map(|(i, _)| *i)
        .collect();
    match tied.as_slice() {
        [one] => BestMatch::One(*one),
        _ => BestMatch::Tie(tied),
    }
}

/// Indices of `appointments` in the order the list shows them: the best match first, then the
/// rest of the part shown first by nearness to the session, then the rest of the window by
/// nearness; appointments outside the window are left out. Equal nearness keeps start order.
pub fn order(appointments: &[Appointment], window: &DiaryWindow) -> Vec<usize> {
    let t = window.session_ms;
    let best = match best_match(appointments, window) {
        BestMatch::One(i) => Some(i),
        _ => None,
    };
    let mut idx: Vec<usize> = (0..appointments.len())
        .filter(|i| {
            let a = &appointments[*i];
            window.overlaps(a.starts_ms, a.ends_ms)
        })
        .collect();
    idx.sort_by_key(|i| {
        let a = &appointments[*i];
        (
            Some(*i) != best,
            !window.shown_first(a.starts_ms, a.ends_ms),
            key(a, t),
            a.starts_ms,
            a.id.clone(),
        )
    });
    idx
}
