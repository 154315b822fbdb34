#![cfg(not(target_arch = "wasm32"))]
//! Search planning (requests per kind), phone normalisation, merging, ranking, the phone scan
//! step and confirming a patient against the Motics page.

use motics_push::cliniko::ClinikoId;
use motics_push::cliniko::key::ClinikoKey;
use motics_push::cliniko::types::{Page, Patient, PhoneNumber};
use motics_push::search::date::{Date, DateOrder};
use motics_push::search::matching::{MatchVerdict, names_match};
use motics_push::search::phone::{PhoneMatch, compare, match_phone, normalise};
use motics_push::search::plan::{MAX_NAME_REQUESTS, plan_filters, plan_requests, server_word};
use motics_push::search::query::{Query, parse_query};
use motics_push::search::rank::Candidate;
use motics_push::search::rank::{Tier, merge_and_rank};
use motics_push::search::scan::{scan_request, scan_step};

const TODAY: Date = Date {
    year: 2025,
    month: 6,
    day: 15,
};

fn q(text: &str) -> Query {
    parse_query(text, DateOrder::DayFirst, TODAY).unwrap()
}

fn filters(text: &str, archived: bool) -> Vec<Vec<String>> {
    plan_filters(&q(text), archived)
        .iter()
        .map(|p| p.iter().map(|f| f.as_str().to_string()).collect())
        .collect()
}

fn patient(id: &str, first: &str, last: &str) -> Patient {
    Patient {
        id: ClinikoId::parse(id).unwrap(),
        first_name: first.into(),
        last_name: last.into(),
        preferred_first_name: None,
        date_of_birth: None,
        email: None,
        patient_phone_numbers: vec![],
        archived_at: None,
    }
}

/// Patients as the shared ranking reads them.
fn c(ps: Vec<Patient>) -> Vec<Candidate> {
    ps.into_iter().map(Candidate::from).collect()
}

fn phone(number: &str, normalized: Option<&str>, kind: &str) -> PhoneNumber {
    PhoneNumber {
        number: Some(number.into()),
        normalized_number: normalized.map(str::to_string),
        phone_type: Some(kind.into()),
    }
}

#[test]
fn one_word_names_search_first_last_and_preferred() {
    assert_eq!(
        filters("Jane", false),
        vec![
            vec!["first_name:~Jane"],
            vec!["last_name:~Jane"],
            vec!["preferred_first_name:~Jane"]
        ]
    );
}

#[test]
fn two_word_names_try_both_orders_and_the_preferred_name() {
    assert_eq!(
        filters("Jane Citizen", false),
        vec![
            vec!["first_name:~Jane", "last_name:~Citizen"],
            vec!["first_name:~Citizen", "last_name:~Jane"],
            vec!["preferred_first_name:~Jane", "last_name:~Citizen"],
        ]
    );
    assert_eq!(
        filters("Citizen, Jane", true),
        vec![
            vec!["first_name:~Jane", "last_name:~Citizen", "archived_at:*"],
            vec![
                "preferred_first_name:~Jane",
                "last_name:~Citizen",
                "archived_at:*"
            ],
        ]
    );
}

#[test]
fn name_queries_never_need_more_than_three_requests() {
    for text in [
        "Jane",
        "Jane Citizen",
        "Citizen, Jane",
        "Jane Mary Citizen",
        "O’Brien",
    ] {
        assert!(
            plan_filters(&q(text), true).len() <= MAX_NAME_REQUESTS,
            "{text}"
        );
    }
}

#[test]
fn apostrophes_send_the_longest_run_so_either_stored_form_matches() {
    assert_eq!(server_word("O’Brien"), "Brien");
    assert_eq!(server_word("D'Angelo"), "Angelo");
    assert_eq!(server_word("Jane"), "Jane");
    assert_eq!(filters("O’Brien", false)[1], vec!["last_name:~Brien"]);
}

#[test]
fn other_kinds_need_one_request_or_none() {
    assert_eq!(
        filters("jane@example.com", false),
        vec![vec!["email:~jane@example.com"]]
    );
    assert_eq!(
        filters("3/4/1980", false),
        vec![vec!["date_of_birth:=1980-04-03"]]
    );
    assert_eq!(
        filters("9007199254740993", true),
        vec![vec!["id:=9007199254740993", "archived_at:*"]]
    );
    assert!(
        filters("0412 345 678", false).is_empty(),
        "phones are scanned instead"
    );
    assert!(plan_filters(&Query::Empty, false).is_empty());
}

#[test]
fn planned_requests_are_sorted_and_paged() {
    let key = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2").unwrap();
    let reqs = plan_requests(&key, &q("Jane"), false);
    assert_eq!(reqs.len(), 3);
    assert_eq!(
        reqs[0].url,
        "https://api.au2.cliniko.com/v1/patients?q%5B%5D=first_name%3A~Jane&sort=created_at%3Adesc&per_page=50"
    );
}

#[test]
fn phone_normalisation_table() {
    let exact = [
        ("0412 345 678", "+61 412 345 678"),
        ("0412345678", "0412-345-678"),
        ("(03) 9876 5432", "+61398765432"),
        ("+61 3 9876 5432", "03 9876 5432"),
        ("0011 61 412 345 678", "0412 345 678"),
        ("020 7946 0958", "+44 20 7946 0958"),
        ("0044 20 7946 0958", "+44 (0)20 7946 0958"), // "(0)" trunk hint dropped
        ("9876 5432", "98765432"),
        ("0-123-456-78", "+39 012 345 678"), // Italy keeps its 0 after the country code
    ];
    for (a, b) in exact {
        let (na, nb) = (normalise(a).unwrap(), normalise(b).unwrap());
        assert_eq!(compare(&na, &nb), Some(PhoneMatch::Exact), "{a} vs {b}");
        assert_eq!(compare(&nb, &na), Some(PhoneMatch::Exact), "{b} vs {a}");
    }
    let partial = [("345 678", "0412 345 678"), ("98765432", "+61 3 9876 5432")];
    for (query, number) in partial {
        let got = compare(&normalise(query).unwrap(), &normalise(number).unwrap());
        assert!(got.is_some(), "{query} vs {number}");
    }
    let different = [
        ("0412 345 678", "0412 345 679"),
        ("+61 412 345 678", "+64 412 345 678"),
        ("0412 345 678", "0398 765 432"),
    ];
    for (a, b) in different {
        assert_eq!(
            compare(&normalise(a).unwrap(), &normalise(b).unwrap()),
            None,
            "{a} vs {b}"
        );
    }
}

#[test]
fn normalized_number_is_used_when_present() {
    let ph = PhoneNumber {
        number: Some("mobile - ask reception".into()),
        normalized_number: Some("61412345678".into()),
        phone_type: Some("Mobile".into()),
    };
    assert_eq!(
        match_phone(&normalise("0412 345 678").unwrap(), &ph),
        Some(PhoneMatch::Exact)
    );
}

#[test]
fn merge_dedups_by_id_and_ranks_exact_prefix_contains() {
    let list_a = vec![
        patient("3", "Janet", "Citizen"),
        patient("1", "Jane", "Citizen"),
        patient("5", "Marjane", "Adams"),
    ];
    let list_b = vec![
        patient("1", "Jane", "Citizen"),
        patient("2", "Jane", "Abbott"),
        patient("4", "Bob", "Janes"),
    ];
    let rows = merge_and_rank(&q("jane"), vec![c(list_a), c(list_b)], false);
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    // Exact (Abbott before Citizen), then prefix (by surname: Citizen before Janes), then contains.
    assert_eq!(ids, vec!["2", "1", "3", "4", "5"]);
    assert_eq!(rows[0].tier, Tier::Exact);
    assert_eq!(rows[4].tier, Tier::Contains);
}

#[test]
fn ranking_folds_case_diacritics_and_apostrophes() {
    let mut zoe = patient("7", "Zoë", "O’Brien");
    zoe.preferred_first_name = Some("Zo".into());
    let plain = patient("8", "Zoe", "OBrien");
    let other = patient("9", "Zoey", "Obrien-Smith");
    let rows = merge_and_rank(&q("zoe o'brien"), vec![c(vec![other, zoe, plain])], false);
    let tiers: Vec<(&str, Tier)> = rows.iter().map(|r| (r.id.as_str(), r.tier)).collect();
    assert_eq!(
        tiers,
        vec![("7", Tier::Exact), ("8", Tier::Exact), ("9", Tier::Prefix)]
    );
}

#[test]
fn preferred_names_and_swapped_order_match() {
    let mut p = patient("1", "Elizabeth", "Citizen");
    p.preferred_first_name = Some("Liz".into());
    assert_eq!(
        merge_and_rank(&q("Liz Citizen"), vec![c(vec![p.clone()])], false)[0].tier,
        Tier::Exact
    );
    assert_eq!(
        merge_and_rank(&q("Citizen Liz"), vec![c(vec![p.clone()])], false)[0].tier,
        Tier::Exact
    );
    assert_eq!(
        merge_and_rank(&q("Citizen, Eliz"), vec![c(vec![p])], false)[0].tier,
        Tier::Prefix
    );
}

#[test]
fn archived_are_hidden_unless_included_and_then_flagged() {
    let mut gone = patient("2", "Jane", "Citizen");
    gone.archived_at = Some("2024-01-01T00:00:00Z".into());
    let here = patient("1", "Jane", "Citizen");
    let hidden = merge_and_rank(&q("Jane"), vec![c(vec![gone.clone(), here.clone()])], false);
    assert_eq!(
        hidden.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["1"]
    );
    let shown = merge_and_rank(&q("Jane"), vec![c(vec![gone, here])], true);
    assert_eq!(shown.len(), 2);
    assert!(shown.iter().any(|r| r.id == "2" && r.archived));
    assert!(shown.iter().any(|r| r.id == "1" && !r.archived));
}

#[test]
fn summaries_keep_strings_and_pick_the_best_phone() {
    let mut p = patient("1805465202989210071", "Jane", "Citizen");
    p.date_of_birth = Some("1980-04-03".into());
    p.patient_phone_numbers = vec![
        phone("03 9876 5432", None, "Home"),
        phone("0412 345 678", None, "Mobile"),
        phone("03 9000 0000", None, "Fax"),
    ];
    let row = &merge_and_rank(&q("Jane"), vec![c(vec![p.clone()])], false)[0];
    assert_eq!(row.id, "1805465202989210071");
    assert_eq!(row.phone.as_deref(), Some("0412 345 678"), "mobile first");
    let json = serde_json::to_value(row).unwrap();
    assert!(json["id"].is_string());
    // For a phone search, the matching number is shown.
    let rows = merge_and_rank(&q("+61 3 9876 5432"), vec![c(vec![p])], false);
    assert_eq!(rows[0].phone.as_deref(), Some("03 9876 5432"));
    assert_eq!(rows[0].tier, Tier::Exact);
}

#[test]
fn scan_step_reports_matches_and_progress() {
    let key = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2").unwrap();
    assert_eq!(
        scan_request(&key, 3, true).url,
        "https://api.au2.cliniko.com/v1/patients?q%5B%5D=archived_at%3A%2A&sort=created_at&per_page=100&page=3"
    );
    let mut a = patient("1", "Jane", "Citizen");
    a.patient_phone_numbers = vec![phone("0412 345 678", Some("61412345678"), "Mobile")];
    let mut b = patient("2", "Bob", "Smith");
    b.patient_phone_numbers = vec![phone("0499 345 678", None, "Mobile")];
    let mut c = patient("3", "Ann", "Lee");
    c.patient_phone_numbers = vec![phone("+61 412 345 678", None, "Work")];
    c.archived_at = Some("2024-01-01T00:00:00Z".into());
    let page = Page {
        items: vec![a, b, c],
        total_entries: Some(250),
        next: Some("https://api.au2.cliniko.com/v1/patients?page=2".into()),
    };
    let Query::Phone(digits) = q("0412 345 678") else {
        panic!()
    };
    let step = scan_step(&digits, 1, &page, false);
    assert_eq!(
        step.matches
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        vec!["1"]
    );
    assert_eq!(
        (step.page, step.next_page, step.total_pages),
        (1, Some(2), Some(3))
    );
    let with_archived = scan_step(&digits, 1, &page, true);
    assert_eq!(with_archived.matches.len(), 2);
    let last = Page { next: None, ..page };
    assert_eq!(scan_step(&digits, 3, &last, false).next_page, None);
}

#[test]
fn confirming_a_patient_against_the_page() {
    let mut p = patient("1", "Elizabeth", "van der Berg");
    p.preferred_first_name = Some("Liz".into());
    p.date_of_birth = Some("1980-04-03".into());
    use MatchVerdict::*;
    for (name, dob, want) in [
        ("Elizabeth van der Berg", None, Match),
        ("elizabeth VAN DER BERG", Some("1980-04-03"), Match),
        ("Liz van der Berg", Some("03/04/1980"), Match),
        ("van der Berg, Elizabeth Anne", None, Match),
        ("Elizabeth Anne van der Berg", None, Match),
        ("Elizabeth van der Berg", Some("04/03/1980"), DobMismatch),
        ("Elizabeth van der Berg", Some("   "), Match), // nothing shown
        ("Elizabeth Berg", None, NameMismatch),
        ("Beth van der Berg", None, NameMismatch),
        ("Elizabeth", None, NameMismatch),
        ("", None, NameMismatch),
    ] {
        assert_eq!(
            names_match(name, dob, &Candidate::from(p.clone()).row),
            want,
            "{name} / {dob:?}"
        );
    }
    let zoe = patient("2", "Zoë", "O’Brien-Smith");
    assert_eq!(
        names_match("Zoe O'Brien Smith", None, &Candidate::from(zoe.clone()).row),
        Match
    );
    assert_eq!(
        names_match("ZOË OBRIEN-SMITH", None, &Candidate::from(zoe).row),
        Match
    );
}

/// Issue 15 §7: a date of birth the page shows but that can't be read is no "unknown" to wave
/// through: the check fails closed and the clinician must confirm.
#[test]
fn an_unreadable_page_dob_fails_closed() {
    let mut p = patient("1", "Elizabeth", "van der Berg");
    p.date_of_birth = Some("1980-04-03".into());
    for dob in ["not a date", "04/03/80", "3 Apr"] {
        assert_eq!(
            names_match(
                "Elizabeth van der Berg",
                Some(dob),
                &Candidate::from(p.clone()).row
            ),
            MatchVerdict::DobUnreadable,
            "{dob}"
        );
    }
}
