//! Connecting an EHR, one test body run for each EHR through the background's dispatcher against
//! the in-process sandbox: connect and who-am-I, the key never sent back, a wrong key refused and
//! not saved, the switch and removal. EHR-only steps (Nookal's practitioner choice, Cliniko's
//! templates) are tested in that EHR's own files.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use motics_push::platform::StorageArea;
use push_support::SandboxPlatform;
use serde_json::{Value, json};

/// What differs per EHR: its good key, a key of the right shape it refuses, where the key is
/// stored, and what the connection says about who the key is.
struct Ehr {
    name: &'static str,
    display: &'static str,
    key: fn(&SandboxPlatform) -> String,
    wrong_key: fn(&SandboxPlatform) -> String,
    slot: &'static str,
    who: fn(&Value) -> bool,
}

const EHRS: [Ehr; 2] = [
    Ehr {
        name: "cliniko",
        display: "Cliniko",
        key: |p| p.sb.borrow().demo_keys().practitioner.clone(),
        wrong_key: |p| p.sb.borrow().demo_keys().revoked.clone(),
        slot: "cliniko.key",
        who: |st| st["user_name"].as_str().is_some_and(|n| !n.is_empty()),
    },
    Ehr {
        name: "nookal",
        display: "Nookal",
        key: |p| p.sb.borrow().demo_keys().nookal.clone(),
        wrong_key: |_| "wrongwrongwrongwrong1234".into(),
        slot: "nookal.key",
        // A Nookal v2 key is the clinic's: it says which practitioners and locations it covers.
        who: |st| {
            st["practitioners"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        },
    },
];

fn send(p: &SandboxPlatform, ehr: &Ehr, kind: &str, extra: Value) -> Value {
    let mut msg = json!({"type": format!("connection/{kind}"), "ehr": ehr.name});
    if let (Some(m), Value::Object(x)) = (msg.as_object_mut(), extra) {
        m.extend(x);
    }
    p.call(msg)
}

fn stored_key(p: &SandboxPlatform, slot: &str) -> Option<Value> {
    p.storage
        .borrow()
        .get(&(StorageArea::Local.as_str().to_string(), slot.to_string()))
        .cloned()
}

#[test]
fn a_key_connects_says_who_it_is_and_is_never_sent_back() {
    for ehr in &EHRS {
        let p = SandboxPlatform::new();
        let st = send(&p, ehr, "status", json!({}))["value"].clone();
        assert_eq!(st["state"], "not_set_up", "{}", ehr.name);
        let key = (ehr.key)(&p);
        let st = send(&p, ehr, "connect", json!({"key": key}));
        assert_eq!(st["ok"], true, "{}: {st}", ehr.name);
        let st = &st["value"];
        assert_eq!(st["ehr"], ehr.name);
        assert_eq!(st["state"], "connected", "{}", ehr.name);
        assert!((ehr.who)(st), "{}: {st}", ehr.name);
        let masked = st["masked_key"].as_str().unwrap_or_default();
        assert!(
            masked.len() == 4 && key.contains(masked),
            "{}: {st}",
            ehr.name
        );
        assert!(
            !st.to_string().contains(&key),
            "{}: the key is never sent back",
            ehr.name
        );
        assert_eq!(stored_key(&p, ehr.slot), Some(json!(key)), "{}", ehr.name);
        // The switch keeps the key; Remove forgets it.
        let off = send(&p, ehr, "set-enabled", json!({"enabled": false}))["value"].clone();
        assert_eq!(off["state"], "disabled", "{}", ehr.name);
        // Checking the key keeps the switch: a check never turns a switched-off EHR back on.
        let checked = send(&p, ehr, "verify", json!({}));
        assert_eq!(
            checked["value"]["state"], "disabled",
            "{}: {checked}",
            ehr.name
        );
        let on = send(&p, ehr, "set-enabled", json!({"enabled": true}))["value"].clone();
        assert_eq!(on["masked_key"], st["masked_key"], "{}", ehr.name);
        let gone = send(&p, ehr, "remove", json!({}))["value"].clone();
        assert_eq!(gone["state"], "not_set_up", "{}", ehr.name);
        assert_eq!(stored_key(&p, ehr.slot), None, "{}", ehr.name);
    }
}

#[test]
fn a_wrong_key_is_refused_naming_the_ehr_and_leaves_the_saved_one_alone() {
    for ehr in &EHRS {
        let p = SandboxPlatform::new();
        let wrong = (ehr.wrong_key)(&p);
        let reply = send(&p, ehr, "connect", json!({"key": wrong}));
        assert_eq!(reply["ok"], false, "{}: {reply}", ehr.name);
        assert_eq!(reply["error"]["kind"], "unauthorized", "{}", ehr.name);
        assert_eq!(reply["error"]["params"][0], ehr.display);
        assert_eq!(stored_key(&p, ehr.slot), None, "{}", ehr.name);
        // With a key saved, a refused one changes nothing.
        let key = (ehr.key)(&p);
        send(&p, ehr, "connect", json!({"key": key}));
        assert_eq!(send(&p, ehr, "connect", json!({"key": wrong}))["ok"], false);
        let st = send(&p, ehr, "status", json!({}))["value"].clone();
        assert_eq!(st["state"], "connected", "{}", ehr.name);
        assert_eq!(stored_key(&p, ehr.slot), Some(json!(key)), "{}", ehr.name);
        // A saved key that stops working (deleted in the EHR): checking it flags "needs reconnect".
        let slot = (
            StorageArea::Local.as_str().to_string(),
            ehr.slot.to_string(),
        );
        p.storage.borrow_mut().insert(slot, json!(wrong));
        let checked = send(&p, ehr, "verify", json!({}));
        assert_eq!(
            checked["error"]["kind"], "unauthorized",
            "{}: {checked}",
            ehr.name
        );
        let st = send(&p, ehr, "status", json!({}))["value"].clone();
        assert_eq!(st["state"], "needs_reconnect", "{}", ehr.name);
    }
}
