#![cfg(not(target_arch = "wasm32"))]
//! The diary's pure rules: the window (the session's local day, across midnight and time zones),
//! the best match and list order, the link offer for a patient found by search, history-queue
//! matching, and the link/patient consistency check.

mod common;

use motics_push::diary::window::local_day_start;
use motics_push::diary::{
    Appointment, BestMatch, Kind, Link, LinkError, NoteStatus, RowNote, WindowSettings, best_match,
    match_sessions, offer_for_patient, order, verify, window,
};
use motics_push::push::time::{iso_utc, parse_iso_ms};

const MIN: i64 = 60_000;

fn t(iso: &str) -> i64 {
    parse_iso_ms(iso).unwrap_or_else(|| panic!("bad time {iso}"))
}

fn appt(id: &str, patient: &str, starts: &str, minutes: i64) -> Appointment {
    let s = t(starts);
    Appointment {
        id: id.into(),
        kind: Kind::Individual,
        patient_id: patient.into(),
        practitioner_id: Some("7".into()),
        starts_ms: s,
        ends_ms: s + minutes * MIN,
        type_name: Some("Follow-up".into()),
        note: NoteStatus::NoNote,
        did_not_arrive: false,
        patient_name: None,
        case_id: None,
    }
}

fn ids(list: &[Appointment], idx: &[usize]) -> Vec<String> {
    idx.iter().map(|i| list[*i].id.clone()).collect()
}

fn one(list: &[Appointment], m: BestMatch) -> String {
    match m {
        BestMatch::One(i) => list[i].id.clone(),
        other => panic!("expected one best match, got {other:?}"),
    }
}

#[test]
fn the_window_is_the_local_day_of_the_session_not_the_utc_day() {
    // Sydney (UTC+11 in November): 09:41 local on 3 Nov is 22:41 UTC on 2 Nov.
    let session = t("2025-11-02T22:41:00Z");
    let w = window(session, 660, WindowSettings::default());
    assert_eq!(iso_utc(w.from_ms), "2025-11-02T13:00:00Z", "local midnight");
    assert_eq!(iso_utc(w.to_ms), "2025-11-03T13:00:00Z");
    assert_eq!(iso_utc(w.first_from_ms), "2025-11-02T19:41:00Z");
    assert_eq!(iso_utc(w.first_to_ms), "2025-11-03T01:41:00Z");
    // A 17:00-local appointment (06:00Z the next UTC day) is in the window; one the previous
    // local evening is not.
    assert!(w.overlaps(t("2025-11-03T06:00:00Z"), t("2025-11-03T06:30:00Z")));
    assert!(!w.overlaps(t("2025-11-02T10:00:00Z"), t("2025-11-02T10:30:00Z")));
    // New York (UTC-5): the same instant is 17:41 on 2 Nov.
    assert_eq!(
        iso_utc(local_day_start(session, -300)),
        "2025-11-02T05:00:00Z"
    );
}

#[test]
fn a_narrower_window_is_configurable() {
    let session = t("2025-11-03T10:32:00Z");
    let w = window(
        session,
        0,
        WindowSettings {
            whole_day: false,
            hours: 1,
        },
    );
    assert_eq!(iso_utc(w.from_ms), "2025-11-03T09:32:00Z");
    assert_eq!(iso_utc(w.to_ms), "2025-11-03T11:32:00Z");
}

#[test]
fn a_session_at_23_50_finds_its_23_30_appointment_in_any_zone() {
    for offset in [-600, -300, 0, 330, 600, 780] {
        // 23:30 and 23:50 local, whatever the zone.
        let local = |hm: &str| t(&format!("2025-11-03T{hm}:00Z")) - i64::from(offset) * MIN;
        let list = vec![
            Appointment {
                starts_ms: local("23:30"),
                ends_ms: local("23:30") + 30 * MIN,
                ..appt("late", "p1", "2025-11-03T00:00:00Z", 30)
            },
            Appointment {
                starts_ms: local("09:00"),
                ends_ms: local("09:30"),
                ..appt("morning", "p2", "2025-11-03T00:00:00Z", 30)
            },
        ];
        let w = window(local("23:50"), offset, WindowSettings::default());
        assert_eq!(one(&list, best_match(&list, &w)), "late", "offset {offset}");
        assert_eq!(ids(&list, &order(&list, &w)), ["late", "morning"]);
    }
}

#[test]
fn just_after_midnight_the_appointment_that_began_before_it_is_still_found() {
    // 23:45–00:15 local in UTC+10; the session note is made at 00:10 the next local day.
    let list = vec![
        appt("across", "p1", "2025-11-03T13:45:00Z", 30),
        appt("tomorrow", "p2", "2025-11-03T22:00:00Z", 30),
    ];
    let w = window(t("2025-11-03T14:10:00Z"), 600, WindowSettings::default());
    assert!(w.from_ms <= t("2025-11-03T13:45:00Z"));
    assert_eq!(one(&list, best_match(&list, &w)), "across");
}

fn day() -> Vec<Appointment> {
    let mut dna = appt("dna", "p0", "2025-11-03T08:00:00Z", 30);
    dna.did_not_arrive = true;
    let mut noted = appt("noted", "p9", "2025-11-03T12:00:00Z", 30);
    noted.note = NoteStatus::Final;
    vec![
        dna,
        appt("chloe", "p1", "2025-11-03T08:30:00Z", 30),
        appt("margaret", "p2", "2025-11-03T09:30:00Z", 30),
        appt("james85", "p3", "2025-11-03T10:00:00Z", 30),
        appt("james62", "p4", "2025-11-03T10:30:00Z", 30),
        appt("tane", "p5", "2025-11-03T11:00:00Z", 30),
        appt("double", "p6", "2025-11-03T11:00:00Z", 30),
        noted,
        appt("aroha", "p7", "2025-11-03T14:00:00Z", 30),
    ]
}

#[test]
fn a_session_at_10_32_puts_the_10_30_appointment_first() {
    let list = day();
    let w = window(t("2025-11-03T10:32:00Z"), 0, WindowSettings::default());
    assert_eq!(one(&list, best_match(&list, &w)), "james62");
    let shown = ids(&list, &order(&list, &w));
    assert_eq!(shown[0], "james62");
    assert_eq!(shown[1], "james85", "ended two minutes ago: next nearest");
    // Everything in the window is listed, the part shown first before the rest.
    assert_eq!(shown.len(), list.len());
    let aroha = shown.iter().position(|s| s == "aroha").unwrap();
    let dna = shown.iter().position(|s| s == "dna").unwrap();
    assert!(aroha > shown.iter().position(|s| s == "noted").unwrap());
    assert!(
        dna < aroha,
        "08:00 is 2.5 h away, within ±3 h; 14:00 is not"
    );
}

#[test]
fn notes_and_did_not_arrive_are_never_the_best_match() {
    let list = day();
    // At 12:10 the 12:00 appointment already has a note: the nearest open one wins.
    let w = window(t("2025-11-03T12:10:00Z"), 0, WindowSettings::default());
    let best = match best_match(&list, &w) {
        BestMatch::Tie(v) => ids(&list, &v),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        best,
        ["tane", "double"],
        "11:00–11:30 double booking: a tie"
    );
    // At 08:05 the did-not-arrive is skipped.
    let w = window(t("2025-11-03T08:05:00Z"), 0, WindowSettings::default());
    assert_eq!(one(&list, best_match(&list, &w)), "chloe");
    // An EHR that does not report note status (Nookal) still gets a best match.
    let mut nookal = day();
    for a in &mut nookal {
        a.note = NoteStatus::NotReported;
    }
    let w = window(t("2025-11-03T12:10:00Z"), 0, WindowSettings::default());
    assert_eq!(one(&nookal, best_match(&nookal, &w)), "noted");
}

#[test]
fn a_double_booked_slot_highlights_nobody_but_lists_both_first() {
    let list = day();
    let w = window(t("2025-11-03T11:05:00Z"), 0, WindowSettings::default());
    assert!(matches!(best_match(&list, &w), BestMatch::Tie(_)));
    let shown = ids(&list, &order(&list, &w));
    assert_eq!(&shown[..2], ["double", "tane"]);
}

#[test]
fn nothing_open_near_the_session_means_no_best_match() {
    let list = day();
    let w = window(t("2025-11-03T20:00:00Z"), 0, WindowSettings::default());
    assert_eq!(best_match(&list, &w), BestMatch::None);
    assert_eq!(order(&list, &w).len(), list.len(), "still listed");
    assert_eq!(best_match(&[], &w), BestMatch::None);
}

#[test]
fn a_rows_note_marker_uses_the_clinicians_words() {
    let list = day();
    assert!(list[0].did_not_arrive);
    assert_eq!(RowNote::from(list[0].note), RowNote::NoNote);
    assert_eq!(RowNote::from(list[7].note), RowNote::HasNote);
    assert_eq!(RowNote::from(NoteStatus::NotReported), RowNote::Unknown);
}

#[test]
fn a_patient_found_by_search_is_offered_their_appointment() {
    let mut list = day();
    let w = window(t("2025-11-03T10:32:00Z"), 0, WindowSettings::default());
    let o = offer_for_patient(&list, "p4", &w);
    assert_eq!(
        o.checked.map(|i| list[i].id.clone()).as_deref(),
        Some("james62")
    );
    assert_eq!(offer_for_patient(&list, "nobody", &w).candidates.len(), 0);
    // Two appointments that day: offered, neither ticked.
    list.push(appt("james62-late", "p4", "2025-11-03T16:00:00Z", 30));
    let o = offer_for_patient(&list, "p4", &w);
    assert_eq!(ids(&list, &o.candidates), ["james62", "james62-late"]);
    assert_eq!(o.checked, None);
    // Outside a narrow window the second one does not count.
    let narrow = window(
        t("2025-11-03T10:32:00Z"),
        0,
        WindowSettings {
            whole_day: false,
            hours: 2,
        },
    );
    assert!(offer_for_patient(&list, "p4", &narrow).checked.is_some());
}

#[test]
fn queue_matching_pairs_only_sessions_that_fit_exactly_one_appointment() {
    let list = day();
    let sessions = [
        t("2025-11-03T08:41:00Z"), // Chloé
        t("2025-11-03T09:58:00Z"), // Margaret's ended 09:58-10:00 … and James85's starts: two fit
        t("2025-11-03T11:10:00Z"), // double-booked: two fit
        t("2025-11-03T14:20:00Z"), // Aroha
        t("2025-11-03T12:35:00Z"), // the 12:00 one (it has a note: paired, the push will ask)
        t("2025-11-03T18:00:00Z"), // nothing
    ];
    let got: Vec<Option<String>> = match_sessions(&sessions, &list)
        .into_iter()
        .map(|m| m.map(|i| list[i].id.clone()))
        .collect();
    assert_eq!(
        got,
        [
            Some("chloe".to_string()),
            None,
            None,
            Some("aroha".to_string()),
            Some("noted".to_string()),
            None
        ]
    );
    // Two sessions that fit the same single appointment: neither is paired.
    let twice = match_sessions(
        &[t("2025-11-03T14:05:00Z"), t("2025-11-03T14:25:00Z")],
        &list,
    );
    assert_eq!(twice, [None, None]);
    // A did-not-arrive never fits.
    assert_eq!(match_sessions(&[t("2025-11-03T08:05:00Z")], &list), [None]);
}

#[test]
fn a_link_must_belong_to_the_patient_it_is_sent_with() {
    let list = day();
    let link = Link::from(&list[4]);
    assert!(verify(&link, "p4", None).is_ok());
    assert_eq!(verify(&link, "p3", None), Err(LinkError::OtherPatient));
    // Ids compare as strings: no numeric coercion ("04" is not "4").
    assert_eq!(verify(&link, "04", None), Err(LinkError::OtherPatient));
    let mut with_case = link.clone();
    with_case.case_id = Some("12".into());
    assert!(verify(&with_case, "p4", Some("12")).is_ok());
    assert!(
        verify(&with_case, "p4", None).is_ok(),
        "the note takes the appointment's case"
    );
    assert_eq!(
        verify(&with_case, "p4", Some("13")),
        Err(LinkError::OtherCase)
    );
    let mut empty = link;
    empty.id = " ".into();
    assert_eq!(verify(&empty, "p4", None), Err(LinkError::NoId));
    // A class attendee links as itself, remembering its class.
    let attendee = Appointment {
        kind: Kind::GroupAttendee {
            group_id: "g1".into(),
        },
        ..appt("att-1", "p8", "2025-11-03T13:00:00Z", 60)
    };
    let l = Link::from(&attendee);
    assert_eq!(l.id, "att-1");
    assert_eq!(
        l.kind,
        Kind::GroupAttendee {
            group_id: "g1".into()
        }
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_appointment() -> impl Strategy<Value = Appointment> {
        (0i64..2880, 0i64..180, 0u8..4, any::<bool>(), 0u8..6).prop_map(
            |(start_min, len, note, dna, patient)| {
                let mut a = appt(
                    &format!("a{start_min}-{len}-{patient}"),
                    &format!("p{patient}"),
                    "2025-11-02T00:00:00Z",
                    len,
                );
                a.starts_ms += start_min * MIN;
                a.ends_ms += start_min * MIN;
                a.note = [
                    NoteStatus::NoNote,
                    NoteStatus::Draft,
                    NoteStatus::Final,
                    NoteStatus::NotReported,
                ][usize::from(note)];
                a.did_not_arrive = dna;
                a
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(common::cases()))]
        #[test]
        fn the_best_match_is_open_nearest_and_listed_first(
            list in proptest::collection::vec(arb_appointment(), 0..30),
            session_min in 0i64..2880,
            offset in -720i32..=840,
        ) {
            let session = t("2025-11-02T00:00:00Z") + session_min * MIN;
            let w = window(session, offset, WindowSettings::default());
            let shown = order(&list, &w);
            // The list is every appointment in the window, once.
            let mut sorted = shown.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), shown.len());
            let in_window = list.iter().filter(|a| w.overlaps(a.starts_ms, a.ends_ms)).count();
            prop_assert_eq!(shown.len(), in_window);
            match best_match(&list, &w) {
                BestMatch::One(i) => {
                    let best = &list[i];
                    prop_assert!(best.open_for_note());
                    prop_assert_eq!(shown[0], i);
                    for a in list.iter().filter(|a| a.open_for_note() && w.shown_first(a.starts_ms, a.ends_ms)) {
                        prop_assert!(best.distance_ms(session) <= a.distance_ms(session));
                    }
                }
                BestMatch::Tie(v) => {
                    prop_assert!(v.len() >= 2);
                    let d = list[v[0]].distance_ms(session);
                    prop_assert!(v.iter().all(|i| list[*i].distance_ms(session) == d && list[*i].open_for_note()));
                }
                BestMatch::None => {
                    prop_assert!(!list.iter().any(|a| a.open_for_note() && w.shown_first(a.starts_ms, a.ends_ms)));
                }
            }
            // Queue matching never gives one appointment to two sessions.
            let sessions: Vec<i64> = (0..5).map(|k| session + k * 17 * MIN).collect();
            let pairs: Vec<usize> = match_sessions(&sessions, &list).into_iter().flatten().collect();
            let mut unique = pairs.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), pairs.len());
        }
    }
}
