#![cfg(not(target_arch = "wasm32"))]
//! Properties: the envelope parser never panics; form encoding and double-encoding round-trip.

mod common;

use motics_push::http::ApiResponse;
use motics_push::nookal::form::{encode, encode_component};
use motics_push::nookal::mojibake::undo;
use motics_push::nookal::readback::{compare, fingerprint};
use motics_push::nookal::responses::parse;
use motics_push::nookal::types::{Case, Patient, TreatmentNote};
use motics_sandbox::nookal::double_encode;
use proptest::prelude::*;

/// A strict `application/x-www-form-urlencoded` decoder, written independently for the test:
/// `+` → space, `%XX` → byte, everything else literal; then UTF-8.
fn decode_component(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn decode_form(s: &str) -> Option<Vec<(String, String)>> {
    s.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((decode_component(k)?, decode_component(v)?))
        })
        .collect()
}

fn json_like() -> impl Strategy<Value = String> {
    // Mix envelope-shaped text with arbitrary bytes so the parser sees deep, near-valid input.
    prop_oneof![
        any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        (
            prop_oneof![Just("success"), Just("failure"), Just("x")],
            "[\\[\\]{}\",:0-9a-zA-Z_ ]{0,80}",
            0usize..200
        )
            .prop_map(|(status, junk, cut)| {
                let full = format!(
                    r#"{{"status":"{status}","data":{{"results":{{"patients":[{{"ID":{junk}}}],"cases":{junk},"notes":[{{"noteID":"1","answers":{junk}}}]}}}},"details":{{"errorMessage":{junk},"alerts":{junk}}},"settings":{{"currentPage":{junk},"nextPage":{junk}}}}}"#
                );
                let cut = cut.min(full.len());
                full.char_indices()
                    .take_while(|(i, _)| *i < full.len() - cut / 2)
                    .map(|(_, c)| c)
                    .collect()
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn envelope_parser_never_panics(body in json_like(), status in prop_oneof![Just(200u16), Just(404), Just(500), 100u16..600]) {
        let resp = ApiResponse { status, headers: vec![], body };
        if let Ok(env) = parse(&resp, 0) {
            let _ = env.list::<Patient>("patients");
            let _ = env.list::<Case>("cases");
            let _ = env.list::<TreatmentNote>("notes");
            let _ = env.text("note_id");
        }
    }

    #[test]
    fn form_encoding_round_trips(pairs in prop::collection::vec((".{0,12}", ".{0,40}"), 1..6)) {
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let body = encode(&refs);
        // Only unreserved ASCII, `%`, `+`, `=` and `&` ever appear on the wire.
        prop_assert!(body.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._%+=&".contains(&b)));
        prop_assert_eq!(decode_form(&body), Some(pairs.clone()));
        for (k, _) in &pairs {
            prop_assert_eq!(decode_component(&encode_component(k)), Some(k.clone()));
        }
    }

    #[test]
    fn double_encoding_is_recognised(text in "\\PC{0,60}") {
        let garbled = double_encode(&text);
        let (fixed, _) = undo(&garbled);
        prop_assert_eq!(&fixed, &text);
        prop_assert_eq!(fingerprint(&garbled), fingerprint(&text));
        let c = compare(&text, &garbled);
        prop_assert!(c.text_matches);
        // Every garbled character is a non-ASCII character of the note.
        prop_assert!(c.garbled.iter().all(|g| !g.is_ascii() && text.contains(g.as_str())));
    }
}
