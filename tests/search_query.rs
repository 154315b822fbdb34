#![cfg(not(target_arch = "wasm32"))]
//! Reading the search box: every kind, ids vs phone numbers, ambiguous dates, junk.

mod common;

use motics_push::Error;
use motics_push::search::date::{Date, DateOrder};
use motics_push::search::phone::Prefix;
use motics_push::search::query::{NameQuery, Query, QueryKind, parse_query};
use proptest::prelude::*;

const TODAY: Date = Date {
    year: 2025,
    month: 6,
    day: 15,
};

fn q(text: &str) -> Query {
    parse_query(text, DateOrder::DayFirst, TODAY).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn dob(text: &str, order: DateOrder) -> String {
    match parse_query(text, order, TODAY) {
        Ok(Query::Dob(d)) => d.iso(),
        other => panic!("{text:?}: {other:?}"),
    }
}

fn invalid(text: &str) -> String {
    match parse_query(text, DateOrder::DayFirst, TODAY) {
        Err(Error::InvalidInput(why)) => why,
        other => panic!("{text:?} should be invalid, got {other:?}"),
    }
}

fn id_of(text: &str) -> (String, bool) {
    match q(text) {
        Query::Id { id, maybe_phone } => (id.to_string(), maybe_phone),
        other => panic!("{text:?}: {other:?}"),
    }
}

fn phone_of(text: &str) -> (String, Prefix) {
    match q(text) {
        Query::Phone(d) => (d.digits, d.prefix),
        other => panic!("{text:?}: {other:?}"),
    }
}

#[test]
fn empty_and_whitespace_are_the_empty_kind() {
    assert_eq!(q(""), Query::Empty);
    assert_eq!(q("   \t "), Query::Empty);
    assert_eq!(q("").kind(), QueryKind::Empty);
}

#[test]
fn names_in_every_form() {
    let one = |s: &str| Query::Name(NameQuery::One(s.into()));
    let fl = |f: &str, l: &str| {
        Query::Name(NameQuery::FirstLast {
            first: f.into(),
            last: l.into(),
        })
    };
    let lcf = |f: &str, l: &str| {
        Query::Name(NameQuery::LastCommaFirst {
            first: f.into(),
            last: l.into(),
        })
    };
    assert_eq!(q("Jane"), one("Jane"));
    assert_eq!(q("  jane  "), one("jane"));
    assert_eq!(q("Jane Citizen"), fl("Jane", "Citizen"));
    assert_eq!(q("Jane Mary Citizen"), fl("Jane", "Citizen"));
    assert_eq!(q("Citizen, Jane"), lcf("Jane", "Citizen"));
    assert_eq!(q("Citizen,Jane Mary"), lcf("Jane", "Citizen"));
    assert_eq!(q("van der Berg, Anna"), lcf("Anna", "van der Berg"));
    assert_eq!(q("Citizen,"), one("Citizen"));
    assert_eq!(q("O'Brien"), one("O'Brien"));
    assert_eq!(q("O’Brien"), one("O’Brien"));
    assert_eq!(q("Mary-Jane Smith-Jones"), fl("Mary-Jane", "Smith-Jones"));
    assert_eq!(q("Zoë Ñúñez"), fl("Zoë", "Ñúñez"));
    assert_eq!(q("Jane M. Citizen"), fl("Jane", "Citizen"));
    assert_eq!(q("Дмитрий Иванов"), fl("Дмитрий", "Иванов"));
    assert_eq!(q("Jane").kind(), QueryKind::Name);
}

#[test]
fn emails() {
    assert_eq!(
        q("jane.citizen@example.com"),
        Query::Email("jane.citizen@example.com".into())
    );
    assert_eq!(q("jane@"), Query::Email("jane@".into()));
    assert!(invalid("jane@@example.com").contains("email"));
    assert!(invalid("@example.com").contains("email"));
    assert!(invalid("jane citizen@example.com").contains("email"));
}

#[test]
fn dates_of_birth_in_each_form() {
    use DateOrder::*;
    assert_eq!(dob("03/04/1980", DayFirst), "1980-04-03");
    assert_eq!(dob("03/04/1980", MonthFirst), "1980-03-04");
    assert_eq!(dob("3/4/1980", DayFirst), "1980-04-03");
    assert_eq!(dob("1980-04-03", MonthFirst), "1980-04-03");
    assert_eq!(dob("03.04.1980", DayFirst), "1980-04-03");
    assert_eq!(dob("03-04-1980", DayFirst), "1980-04-03");
    // Only one reading is a real date: take it whatever the locale.
    assert_eq!(dob("13/04/1980", MonthFirst), "1980-04-13");
    assert_eq!(dob("04/13/1980", DayFirst), "1980-04-13");
    assert_eq!(dob("29/02/2000", DayFirst), "2000-02-29");
}

#[test]
fn two_digit_years_take_the_century_that_puts_the_birth_in_the_past() {
    use DateOrder::*;
    assert_eq!(dob("3/4/80", DayFirst), "1980-04-03");
    assert_eq!(dob("3/4/05", DayFirst), "2005-04-03");
    assert_eq!(dob("15/6/25", DayFirst), "2025-06-15"); // today
    assert_eq!(dob("16/6/25", DayFirst), "1925-06-16"); // tomorrow in 2025 → 1925
    assert_eq!(dob("1/1/26", DayFirst), "1926-01-01");
}

#[test]
fn impossible_dates_are_refused() {
    for (text, why) in [
        ("31/04/1980", "not a real date"),
        ("29/02/1999", "not a real date"),
        ("32/01/1980", "not a real date"),
        ("13/13/1980", "not a real date"),
        ("00/01/1980", "not a real date"),
        ("1980-02-30", "not a real date"),
        ("01/01/2030", "future"),
        ("2025-06-16", "future"),
        ("01/01/1890", "120 years"),
    ] {
        assert!(invalid(text).contains(why), "{text}: {}", invalid(text));
    }
}

#[test]
fn ids_and_phones_are_told_apart() {
    // Explicit ids.
    assert_eq!(id_of("#123"), ("123".into(), false));
    assert_eq!(
        id_of("id:1805465202989210063"),
        ("1805465202989210063".into(), false)
    );
    assert_eq!(
        id_of("https://good.au2.cliniko.com/patients/1805465202989210063/treatment_notes"),
        ("1805465202989210063".into(), false)
    );
    // Bare digits: short → id; longer than any phone number → id (above 2^53, kept exact).
    assert_eq!(id_of("4821"), ("4821".into(), false));
    assert_eq!(
        id_of("9007199254740993"),
        ("9007199254740993".into(), false)
    );
    assert_eq!(
        id_of("18446744073709551615"),
        ("18446744073709551615".into(), false)
    );
    // 6–15 bare digits not starting with 0: id lookup, flagged as maybe a phone.
    assert_eq!(id_of("98765432"), ("98765432".into(), true));
    // Phone: leading 0 or +, or formatting.
    assert_eq!(
        phone_of("0412 345 678"),
        ("412345678".into(), Prefix::National)
    );
    assert_eq!(
        phone_of("0412345678"),
        ("412345678".into(), Prefix::National)
    );
    assert_eq!(
        phone_of("+61 412 345 678"),
        ("61412345678".into(), Prefix::International)
    );
    assert_eq!(
        phone_of("(03) 9876-5432"),
        ("398765432".into(), Prefix::National)
    );
    assert_eq!(phone_of("9876 5432"), ("98765432".into(), Prefix::Bare));
    assert_eq!(
        phone_of("0412-345-678"),
        ("412345678".into(), Prefix::National)
    );
    assert_eq!(q("0412 345 678").kind(), QueryKind::Phone);
}

#[test]
fn junk_is_refused_with_a_reason() {
    for text in [
        "!!!",
        "<script>",
        "Jane1",
        "12ab",
        "a, b, c",
        "+",
        "--",
        "'",
        "Jane; DROP",
    ] {
        let why = invalid(text);
        assert!(!why.is_empty(), "{text}");
    }
    assert!(invalid("041 23").contains("6 digits"));
    assert!(invalid("123456789012345678901").contains("too many digits"));
    assert!(invalid("#12a").contains("digits"));
    assert!(invalid(&"a".repeat(201)).contains("too long"));
    assert!(invalid("Jane\u{0}").contains("control"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn parsing_any_text_never_panics(text in any::<String>(), month_first in any::<bool>()) {
        let order = if month_first { DateOrder::MonthFirst } else { DateOrder::DayFirst };
        if let Ok(Query::Dob(d)) = parse_query(&text, order, TODAY) {
            prop_assert!(d <= TODAY);
        }
    }

    #[test]
    fn parsing_query_shaped_text_never_panics(text in r"[0-9a-zA-Z@#:/.,'’ +()\-]{0,30}") {
        match parse_query(&text, DateOrder::DayFirst, TODAY) {
            Ok(Query::Id { id, .. }) => prop_assert!(id.as_str().bytes().all(|b| b.is_ascii_digit())),
            Ok(Query::Phone(d)) => prop_assert!(d.digits.bytes().all(|b| b.is_ascii_digit())),
            _ => {}
        }
    }
}
