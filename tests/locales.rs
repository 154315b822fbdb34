//! Every error the core can return has a user-facing message (`err_<kind>`) in `_locales/en`, and
//! every message's placeholders are ones the error actually supplies.
#![cfg(not(target_arch = "wasm32"))]

use motics_push::Error;
use motics_push::error::Ehr;
use motics_push::http::TransportError;
use serde_json::Value;

fn messages() -> serde_json::Map<String, Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/extension/_locales/en/messages.json"
    );
    let text = std::fs::read_to_string(path).expect("messages.json exists");
    match serde_json::from_str::<Value>(&text).expect("messages.json is JSON") {
        Value::Object(m) => m,
        other => panic!("messages.json is not an object: {other}"),
    }
}

/// One value of every variant (the enum is non-exhaustive, so list them here when adding one).
fn every_error() -> Vec<Error> {
    let e = Ehr::Cliniko;
    vec![
        Error::InvalidKey("it has spaces in the middle".into()),
        Error::NotConnected(e),
        Error::Disabled(e),
        Error::Unauthorized(e),
        Error::Forbidden(e),
        Error::NotFound(e),
        Error::Unsupported(e),
        Error::AppointmentMismatch(e),
        Error::RateLimited { ehr: e, wait_s: 12 },
        Error::Validation {
            ehr: e,
            fields: vec![("title".into(), "is too long".into())],
        },
        Error::Server {
            ehr: e,
            status: 503,
        },
        Error::UnexpectedStatus {
            ehr: e,
            status: 418,
        },
        Error::UnexpectedBody {
            ehr: e,
            detail: "user.id".into(),
        },
        Error::Refused {
            ehr: Ehr::Nookal,
            message: "Missing variable: api_key".into(),
        },
        Error::NotPractitioner,
        Error::Transport(TransportError::Offline),
        Error::Transport(TransportError::Timeout),
        Error::Transport(TransportError::Network {
            detail: "Failed to fetch".into(),
        }),
        Error::NoteTooLarge {
            kb: 1200,
            limit_kb: 1024,
        },
        Error::EmptyNote,
        Error::InvalidInput("query".into()),
        Error::Storage("quota".into()),
    ]
}

#[test]
fn every_error_kind_has_a_message_with_matching_placeholders() {
    let messages = messages();
    for err in every_error() {
        let id = format!("err_{}", err.kind());
        let text = messages
            .get(&id)
            .and_then(|m| m["message"].as_str())
            .unwrap_or_else(|| panic!("{id} missing from messages.json"));
        let supplied = err.params().len();
        for n in 1..=9 {
            if text.contains(&format!("${n}")) {
                assert!(
                    n <= supplied,
                    "{id} uses ${n} but {err:?} supplies {supplied} params"
                );
            }
        }
        assert!(
            text.len() > 20,
            "{id} should say what happened and what to do"
        );
    }
}

#[test]
fn every_message_has_a_description_for_translators() {
    for (id, m) in messages() {
        assert!(m["message"].is_string(), "{id} has no message");
        assert!(
            m["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{id} has no description"
        );
    }
}
