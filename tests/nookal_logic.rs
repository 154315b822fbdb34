#![cfg(not(target_arch = "wasm32"))]
//! Pure Nookal logic: query → request planning, the default case, read-back comparison.

use motics_push::Error;
use motics_push::nookal::NookalId;
use motics_push::nookal::cases::{default_case, is_open};
use motics_push::nookal::query::{Query, plan};
use motics_push::nookal::rank::rank;
use motics_push::nookal::readback::{compare, fingerprint, pick_match};
use motics_push::nookal::requests::PatientSearch;
use motics_push::nookal::types::{self as nk, Case, TreatmentNote};
use motics_push::search::date::{Date, DateOrder};
use motics_sandbox::nookal::double_encode;

fn id(s: &str) -> NookalId {
    NookalId::parse(s).unwrap()
}

/// Parse as an en-AU browser (day first) would send it.
fn parse(text: &str) -> motics_push::Result<Query> {
    let today = Date::new(2025, 10, 1).unwrap();
    motics_push::nookal::query::parse(text, DateOrder::DayFirst, today)
}

fn searches(text: &str) -> Vec<PatientSearch> {
    plan(&parse(text).unwrap()).unwrap().searches
}

fn fuzzy(last: &str, first: Option<&str>) -> PatientSearch {
    PatientSearch::Fuzzy {
        last_name: last.into(),
        first_name: first.map(Into::into),
    }
}

#[test]
fn one_word_is_a_fuzzy_last_name() {
    assert_eq!(searches("smith"), vec![fuzzy("smith", None)]);
}

#[test]
fn two_words_try_first_last_then_last_first() {
    assert_eq!(
        searches("Jane Smith"),
        vec![fuzzy("Smith", Some("Jane")), fuzzy("Jane", Some("Smith"))]
    );
    assert_eq!(searches("Smith, Jane"), vec![fuzzy("Smith", Some("Jane"))]);
    assert_eq!(
        searches("Mary Anne Smith"),
        vec![
            fuzzy("Anne Smith", Some("Mary")),
            fuzzy("Smith", Some("Mary"))
        ]
    );
}

#[test]
fn name_and_dob_go_exact_first() {
    for text in ["Jane Smith 03/04/1980", "Jane Smith 1980-04-03"] {
        let p = plan(&parse(text).unwrap()).unwrap();
        assert_eq!(
            p.searches[0],
            PatientSearch::Exact {
                first_name: "Jane".into(),
                last_name: "Smith".into(),
                date_of_birth: "1980-04-03".into()
            },
            "{text}"
        );
        assert_eq!(p.searches[1], fuzzy("Smith", Some("Jane")));
        assert_eq!(p.checks.dob.as_deref(), Some("1980-04-03"));
    }
    // 13/04 can only be day-first; 04/13 only month-first.
    assert_eq!(
        parse("x 04/13/1980").unwrap().dob.as_deref(),
        Some("1980-04-13")
    );
}

#[test]
fn ids_phones_and_emails() {
    assert_eq!(searches("7460"), vec![PatientSearch::ById(id("7460"))]);
    assert_eq!(
        searches("#12345678"),
        vec![PatientSearch::ById(id("12345678"))]
    );
    let p = plan(&parse("smith 0412 345 678").unwrap()).unwrap();
    assert_eq!(p.searches, vec![fuzzy("smith", None)]);
    assert_eq!(p.checks.phone.as_deref(), Some("0412 345 678"));
    let p = plan(&parse("Zoe@Example.org").unwrap()).unwrap();
    assert_eq!(
        p.searches,
        vec![PatientSearch::Email("zoe@example.org".into())]
    );
    assert_eq!(p.checks.email.as_deref(), Some("zoe@example.org"));
}

#[test]
fn unsearchable_queries_say_what_to_add() {
    for text in ["0412 345 678", "+61412345678", "03/04/1980", "", "   "] {
        assert!(
            matches!(plan(&parse(text).unwrap()), Err(Error::InvalidInput(_))),
            "{text}"
        );
    }
}

fn case(i: &str, status: Option<&str>, date: Option<&str>) -> Case {
    Case {
        id: id(i),
        title: format!("case {i}"),
        status: status.map(Into::into),
        date: date.map(Into::into),
    }
}

#[test]
fn default_case_is_the_most_recent_open_one() {
    let cs = vec![
        case("10", Some("closed"), None),
        case("12", Some("active"), None),
        case("11", None, None),
        case("99", Some("Archived"), None),
    ];
    assert_eq!(default_case(&cs).unwrap().id.as_str(), "12");
    // Dates win over ids when both have one.
    let cs = vec![
        case("5", Some("open"), Some("2025-02-01")),
        case("4", Some("open"), Some("2025-03-01")),
    ];
    assert_eq!(default_case(&cs).unwrap().id.as_str(), "4");
    // Ids compare as numbers, not text.
    let cs = vec![case("9", None, None), case("10", None, None)];
    assert_eq!(default_case(&cs).unwrap().id.as_str(), "10");
    let closed = vec![
        case("1", Some("closed"), None),
        case("2", Some("discharged"), None),
    ];
    assert!(default_case(&closed).is_none());
    assert!(!is_open(&closed[1]));
    assert!(default_case(&[]).is_none());
}

const SENT: &str = "Subjective: café pain 38°\n• ice & rest";

#[test]
fn read_back_identical() {
    let c = compare(SENT, "Subjective: café pain 38°\r\n• ice &amp; rest  \n");
    assert!(c.text_matches);
    assert!(c.garbled.is_empty());
}

#[test]
fn read_back_double_encoded_is_garbled_not_missing() {
    let got = double_encode(SENT);
    assert_eq!(got, "Subjective: cafÃ© pain 38Â°\nâ€¢ ice & rest");
    let c = compare(SENT, &got);
    assert!(
        c.text_matches,
        "same text once the double-encoding is undone"
    );
    assert_eq!(c.garbled, vec!["é", "°", "•"]);
}

#[test]
fn read_back_changed_text_is_not_a_match() {
    let c = compare(SENT, "Subjective: caf? pain 38?");
    assert!(!c.text_matches);
    assert!(c.garbled.is_empty());
}

fn note(i: &str, date: &str, text: &str) -> TreatmentNote {
    TreatmentNote {
        id: id(i),
        case_id: Some(id("12")),
        date: Some(date.into()),
        status: None,
        text: text.into(),
    }
}

#[test]
fn fingerprint_survives_storage_and_finds_the_copy() {
    assert_eq!(fingerprint(SENT), fingerprint(&double_encode(SENT)));
    assert_eq!(
        fingerprint(SENT),
        fingerprint(&SENT.replace('\n', "\r\n  "))
    );
    assert_ne!(fingerprint(SENT), fingerprint("Subjective: cafe pain"));
    let notes = vec![
        note("7", "2025-02-28 09:00:00", SENT),
        note("8", "2025-03-01 10:30:00", "something else"),
        note("9", "2025-03-01 10:30:00", &double_encode(SENT)),
    ];
    let fp = fingerprint(SENT);
    assert_eq!(
        pick_match(&notes, "2025-03-01 10:30:00", &fp)
            .unwrap()
            .id
            .as_str(),
        "9"
    );
    assert!(pick_match(&notes, "2025-03-02 00:00:00", &fp).is_none());
}

// Ranking Nookal candidates with the shared rules.

fn nk_patient(id: &str, first: &str, active: Option<bool>) -> nk::Patient {
    nk::Patient {
        id: NookalId::parse(id).unwrap(),
        first_name: first.into(),
        nickname: None,
        last_name: "Smith".into(),
        date_of_birth: None,
        email: None,
        mobile: Some("0412 345 678".into()),
        home: None,
        work: None,
        active,
        deceased: None,
    }
}

fn ranked(text: &str, include_archived: bool) -> Vec<String> {
    let today = Date::new(2025, 10, 1).unwrap();
    let q = motics_push::nookal::query::parse(text, DateOrder::DayFirst, today).unwrap();
    let checks = plan(&q).unwrap().checks;
    let found = vec![
        nk_patient("P-7a", "Jane", None),
        nk_patient("12", "Janet", Some(false)),
    ];
    rank(found, &q, &checks, include_archived)
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn ids_that_are_not_digits_are_kept() {
    assert_eq!(ranked("Jane Smith", false), ["P-7a"]);
}

#[test]
fn inactive_patients_show_only_with_include_archived() {
    assert_eq!(ranked("Smith", false), ["P-7a"]);
    assert_eq!(ranked("Smith", true), ["P-7a", "12"]);
}

#[test]
fn phones_match_by_the_shared_rule() {
    // International and national forms of the same number are the same number.
    assert_eq!(ranked("Smith +61 412 345 678", false), ["P-7a"]);
    assert!(ranked("Smith 0499 999 999", false).is_empty());
}

#[test]
fn an_email_search_keeps_only_that_email_whatever_the_server_did() {
    // Whether Nookal filters by `email` alone is unconfirmed (reference §2): a server that
    // ignored the filter and answered with other patients must still give only the right one.
    let today = Date::new(2025, 10, 1).unwrap();
    let q = motics_push::nookal::query::parse("Jane.Smith@Example.org", DateOrder::DayFirst, today)
        .unwrap();
    let checks = plan(&q).unwrap().checks;
    let mut jane = nk_patient("7", "Jane", None);
    jane.email = Some("jane.smith@example.org".into());
    let mut other = nk_patient("8", "John", None);
    other.email = Some("john@example.org".into());
    let found = [other, nk_patient("9", "Jo", None), jane];
    let ids: Vec<_> = rank(found.to_vec(), &q, &checks, false)
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["7"]);
}
