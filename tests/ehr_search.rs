//! Patient search, one test body run for each EHR through the background's dispatcher against the
//! in-process sandbox: name, date of birth in both locale orders, email, phone and id; include archived.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use push_support::SandboxPlatform;
use serde_json::{Value, json};

/// What differs per EHR: how to connect, and the queries its search takes for the same patient
/// (Nookal searches a date of birth or phone beside a name; Cliniko one kind at a time).
struct Ehr {
    name: &'static str,
    connect: fn(&SandboxPlatform),
    dob: fn(&str) -> String,
    email: &'static str,
    phone: &'static str,
}

const EHRS: [Ehr; 2] = [
    Ehr {
        name: "cliniko",
        connect: SandboxPlatform::connect,
        dob: |d| d.to_string(),
        email: "aroha.ngata@example.co.nz",
        phone: "+64 21 555 0199",
    },
    Ehr {
        name: "nookal",
        connect: |p| drop(p.connect_nookal()),
        dob: |d| format!("Ngāta {d}"),
        email: "PATIENT1003@Example.com",
        phone: "Ngāta 0402 102 202",
    },
];

/// Search as the popup does (`today` and the browser's date order), following a phone scan
/// when the EHR asks for one; the ids found.
fn search(p: &SandboxPlatform, ehr: &Ehr, query: &str, order: &str) -> Vec<Value> {
    let opts = json!({"ehr": ehr.name, "query": query, "date_order": order, "today": "2025-10-01"});
    let mut msg = opts.clone();
    msg["type"] = json!("patients/search");
    let r = p.ok(msg);
    if r["phone_scan_suggested"] != json!(true) {
        return r["patients"].as_array().cloned().unwrap_or_default();
    }
    let mut found = Vec::new();
    let mut page = 1;
    loop {
        let mut msg = opts.clone();
        msg["type"] = json!("patients/scan-phone");
        msg["page"] = json!(page);
        let step = p.ok(msg);
        found.extend(step["matches"].as_array().cloned().unwrap_or_default());
        match step["next_page"].as_u64() {
            Some(n) => page = n,
            None => return found,
        }
    }
}

fn aroha(rows: &[Value]) -> Option<&Value> {
    rows.iter()
        .find(|r| r["first_name"] == "Aroha" && r["last_name"] == "Ngāta")
}

#[test]
fn every_way_of_searching_finds_the_same_patient_in_each_ehr() {
    for ehr in &EHRS {
        let p = SandboxPlatform::new();
        (ehr.connect)(&p);
        let by_name = search(&p, ehr, "Aroha Ngāta", "day_first");
        let row = aroha(&by_name).unwrap_or_else(|| panic!("{}: {by_name:?}", ehr.name));
        let id = row["id"].as_str().expect("ids are strings").to_string();
        assert_eq!(row["date_of_birth"], "1993-04-11", "{}", ehr.name);
        // 11 April 1993 as an en-AU browser writes it, and as an en-US one does: the locale the
        // popup passes decides, for every EHR.
        for (typed, order) in [("11/04/1993", "day_first"), ("04/11/1993", "month_first")] {
            let rows = search(&p, ehr, &(ehr.dob)(typed), order);
            assert!(
                aroha(&rows).is_some(),
                "{} {typed} {order}: {rows:?}",
                ehr.name
            );
            assert!(
                rows.iter().all(|r| r["date_of_birth"] == "1993-04-11"),
                "{} {typed} {order}: {rows:?}",
                ehr.name
            );
        }
        let rows = search(&p, ehr, ehr.email, "day_first");
        assert_eq!(
            aroha(&rows).map(|r| &r["id"]),
            Some(&json!(id)),
            "{}",
            ehr.name
        );
        let rows = search(&p, ehr, ehr.phone, "day_first");
        assert_eq!(
            aroha(&rows).map(|r| &r["id"]),
            Some(&json!(id)),
            "{}",
            ehr.name
        );
        let rows = search(&p, ehr, &format!("#{id}"), "day_first");
        assert_eq!(rows.len(), 1, "{}: {rows:?}", ehr.name);
        assert_eq!(rows[0]["id"], json!(id), "{}", ehr.name);
    }
}

#[test]
fn an_archived_patient_shows_only_with_include_archived_in_each_ehr() {
    for ehr in &EHRS {
        let p = SandboxPlatform::new();
        (ehr.connect)(&p);
        let find = |include: bool| {
            let r = p.ok(
                json!({"type": "patients/search", "ehr": ehr.name, "query": "Harold Archer",
                "include_archived": include, "date_order": "day_first", "today": "2025-10-01"}),
            );
            r["patients"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["first_name"] == "Harold" && r["last_name"] == "Archer")
                .cloned()
        };
        assert_eq!(find(false), None, "{}: hidden by default", ehr.name);
        let row = find(true).unwrap_or_else(|| panic!("{}: found with Include archived", ehr.name));
        assert_eq!(row["archived"], true, "{}: {row}", ehr.name);
        assert_eq!(row["date_of_birth"], "1944-04-04", "{}", ehr.name);
    }
}
