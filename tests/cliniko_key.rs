#![cfg(not(target_arch = "wasm32"))]
//! Cliniko API key cleaning, validation and shard derivation (reference §2).

mod common;

use motics_push::Error;
use motics_push::cliniko::key::{ClinikoKey, MAX_KEY_LEN, Shard};
use proptest::prelude::*;

const BODY: &str = "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9";

fn shard_of(raw: &str) -> String {
    ClinikoKey::parse(raw).unwrap().shard().to_string()
}

fn why(raw: &str) -> String {
    match ClinikoKey::parse(raw) {
        Err(Error::InvalidKey(why)) => why,
        other => panic!("{raw:?} should be invalid, got {other:?}"),
    }
}

#[test]
fn every_known_shard_is_derived_from_the_suffix() {
    for shard in [
        "au1", "au2", "au3", "au4", "ca1", "uk1", "uk2", "uk3", "eu1",
    ] {
        assert_eq!(shard_of(&format!("{BODY}-{shard}")), shard);
        assert_eq!(
            ClinikoKey::parse(&format!("{BODY}-{shard}"))
                .unwrap()
                .shard()
                .api_base(),
            format!("https://api.{shard}.cliniko.com/v1")
        );
    }
}

#[test]
fn future_shards_of_the_documented_shape_are_accepted() {
    assert_eq!(shard_of(&format!("{BODY}-au5")), "au5");
    assert_eq!(shard_of(&format!("{BODY}-us12")), "us12");
}

#[test]
fn suffix_is_case_insensitive_and_stored_lower_case() {
    assert_eq!(shard_of(&format!("{BODY}-UK2")), "uk2");
}

#[test]
fn keys_without_suffix_belong_to_au1() {
    let k = ClinikoKey::parse(BODY).unwrap();
    assert_eq!(k.shard().to_string(), "au1");
    // Sent as pasted, without inventing a suffix.
    assert_eq!(k.expose_secret(), BODY);
}

#[test]
fn pasted_wrappers_are_removed() {
    let want = format!("{BODY}-au2");
    for raw in [
        format!("  {BODY}-au2\n"),
        format!("\"{BODY}-au2\""),
        format!("'{BODY}-au2'"),
        format!("“{BODY}-au2”"),
        format!("‘{BODY}-au2’"),
        format!("`{BODY}-au2`"),
        format!("\u{feff}{BODY}-au2\u{200b}"),
        format!("{}\r\n{}-au2", &BODY[..10], &BODY[10..]),
        format!("\t« {BODY}-au2 »\n\n"),
    ] {
        let k = ClinikoKey::parse(&raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(k.expose_secret(), want, "{raw:?}");
        assert_eq!(k.shard().to_string(), "au2");
    }
}

#[test]
fn malformed_keys_say_why() {
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("   \n\t ".into(), "empty"),
        ("\"\"".into(), "empty"),
        (format!("{} {}", &BODY[..8], &BODY[8..]), "spaces"),
        ("a".repeat(MAX_KEY_LEN + 1), "too long"),
        (format!("{BODY}-au"), "region"),
        (format!("{BODY}-aus1"), "region"),
        (format!("{BODY}-a1"), "region"),
        (format!("{BODY}-au123"), "region"),
        (format!("{BODY}-1au"), "region"),
        (format!("{BODY}-"), "region"),
        (format!("{BODY}-au1-uk1"), "more than one dash"),
        (format!("-{BODY}"), "region"),
        ("-au1".into(), "short"),
        (format!("{BODY}é-au1"), "characters"),
        (format!("{BODY}-au1\u{00a0}x"), "characters"),
        (
            "https://good-times.au1.cliniko.com/settings".into(),
            "web address",
        ),
        ("api.au1.cliniko.com".into(), "web address"),
        ("3f2504e0-4f89-11d3-9a0c-0305e82c3301".into(), "Nookal"),
        (format!("{BODY}!-au1"), "character (!)"),
        ("abc-au1".into(), "short"),
    ];
    for (raw, needle) in cases {
        let w = why(&raw);
        assert!(
            w.contains(needle),
            "{raw:?}: {w:?} should mention {needle:?}"
        );
        assert!(!w.contains(BODY), "the reason must not echo the key");
    }
}

#[test]
fn huge_input_is_refused_quickly() {
    let raw = "A".repeat(5_000_000);
    assert!(why(&raw).contains("too long"));
}

#[test]
fn debug_display_and_hint_never_show_the_secret() {
    let k = ClinikoKey::parse(&format!("{BODY}-au2")).unwrap();
    assert_eq!(k.hint(), "NyJ9");
    for shown in [format!("{k}"), format!("{k:?}")] {
        assert!(!shown.contains(&BODY[..20]), "{shown}");
        assert!(shown.contains("NyJ9"), "{shown}");
    }
}

#[test]
fn basic_auth_is_key_colon_empty_password() {
    let k = ClinikoKey::parse("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2").unwrap();
    assert_eq!(
        k.authorization(),
        "Basic TXhKclpYa2lPaUkxTmpkMWFtSm1aVFExTnlKOS1hdTI6"
    );
}

#[test]
fn shard_parse_requires_two_letters_and_one_or_two_digits() {
    for ok in ["au1", "UK3", "eu12"] {
        assert!(Shard::parse(ok).is_some(), "{ok}");
    }
    for bad in ["", "a1", "au", "au123", "1au", "a11", "aü1", "au1 "] {
        assert!(Shard::parse(bad).is_none(), "{bad}");
    }
}

fn shard_is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=4).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_lowercase)
        && b[2..].iter().all(u8::is_ascii_digit)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn parsing_any_text_never_panics_and_shards_match_the_pattern(raw in any::<String>()) {
        if let Ok(k) = ClinikoKey::parse(&raw) {
            prop_assert!(shard_is_valid(&k.shard().to_string()), "{}", k.shard());
            prop_assert!(k.authorization().starts_with("Basic "));
            let shown = format!("{:?}", k);
            prop_assert!(k.expose_secret().len() <= 4 || !shown.contains(k.expose_secret()));
        }
    }

    #[test]
    fn key_like_text_never_yields_a_bad_shard(raw in "[\"' \n]{0,2}[A-Za-z0-9+/=_-]{0,40}(-[A-Za-z0-9]{0,5})?[\"' \n]{0,2}") {
        if let Ok(k) = ClinikoKey::parse(&raw) {
            prop_assert!(shard_is_valid(&k.shard().to_string()), "{}", k.shard());
        }
    }
}
