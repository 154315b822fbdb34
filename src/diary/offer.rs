//! "Link to the 10:30 appointment" for a patient chosen by search: the patient's appointments in
//! the window, with the checkbox on by default only when there is exactly one.

use super::model::Appointment;
use super::window::DiaryWindow;

/// What the popup offers after a patient is chosen by search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOffer {
    /// Indices of the patient's appointments within the window, nearest the session first.
    pub candidates: Vec<usize>,
    /// The one pre-ticked: `Some` only when exactly one such appointment is in the window.
    pub checked: Option<usize>,
}

/// The patient's appointments (by patient id, compared as strings) that overlap the window.
pub fn offer_for_patient(
    appointments: &[Appointment],
    patient_id: &str,
    window: &DiaryWindow,
) -> LinkOffer {
    let t = window.session_ms;
    let mut candidates: Vec<usize> = appointments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.patient_id == patient_id && window.overlaps(a.starts_ms, a.ends_ms))
        .map(|(i, _)| i)
        .collect();
    candidates.sort_by_key(|i| {
        let a = &appointments[*i];
        (a.distance_ms(t), a.starts_ms)
    });
    let checked = match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    LinkOffer {
        candidates,
        checked,
    }
}
