#![cfg(not(target_arch = "wasm32"))]
//! The diary's requests and parsers: exact request shapes (Cliniko per its OpenAPI filters,
//! Nookal per the SDK), response fixtures (including what a server that ignores filters sends),
//! and the whole round trip against the in-process sandbox for both EHRs: the 10:32 session's
//! best match, cancelled appointments never listed, class attendees, and a linked note.

use motics_push::cliniko::appointments::{
    self as ca, AppointmentType, Attendee, DiaryPages, DiaryQuery, GroupAppointment,
    IndividualAppointment,
};
use motics_push::cliniko::requests::{NewTreatmentNote as ClinikoNote, follow_next};
use motics_push::cliniko::responses::parse_body;
use motics_push::cliniko::types::Page;
use motics_push::cliniko::{ClinikoId, ClinikoKey};
use motics_push::diary::{
    Appointment, BestMatch, Kind, Link, NoteStatus, WindowSettings, best_match, verify, window,
};
use motics_push::http::{ApiRequest, Method};
use motics_push::nookal::appointments::{self as na, NookalAppointment};
use motics_push::nookal::requests::{LocalDateTime, NewTreatmentNote as NookalNote};
use motics_push::nookal::responses::parse_body as nookal_body;
use motics_push::nookal::{NookalId, NookalKey};
use motics_push::push::time::parse_iso_ms;
use motics_sandbox::{HttpRequest, Outcome, Sandbox};
use serde_json::{Value, json};

const KEY: &str = "MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2";
const BASE: &str = "https://api.au2.cliniko.com/v1";
const NOW: i64 = 1_762_732_800_000;

fn t(iso: &str) -> i64 {
    parse_iso_ms(iso).unwrap()
}

fn cid(s: &str) -> ClinikoId {
    ClinikoId::parse(s).unwrap()
}

fn nid(s: &str) -> NookalId {
    NookalId::parse(s).unwrap()
}

fn the_window() -> motics_push::diary::DiaryWindow {
    window(t("2025-11-03T10:32:00Z"), 0, WindowSettings::default())
}

#[test]
fn cliniko_individual_and_group_lists_ask_for_the_practitioners_window() {
    let key = ClinikoKey::parse(KEY).unwrap();
    let w = the_window();
    let prac = cid("1805465202989210063");
    let q = DiaryQuery {
        practitioner_id: &prac,
        window: &w,
    };
    let filters = "q%5B%5D=practitioner_id%3A%3D1805465202989210063\
        &q%5B%5D=ends_at%3A%3E2025-11-03T00%3A00%3A00Z\
        &q%5B%5D=starts_at%3A%3C2025-11-04T00%3A00%3A00Z\
        &q%5B%5D=deleted_at%3A%21%3F";
    let req = ca::list_individual_appointments(&key, &q, None);
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.url,
        format!(
            "{BASE}/individual_appointments?{filters}&q%5B%5D=cancelled_at%3A%21%3F&sort=starts_at&per_page=100"
        )
    );
    assert!(req.headers.iter().any(|(k, _)| k == "Authorization"));
    assert_eq!(req.body, None);
    let req = ca::list_group_appointments(&key, &q, Some(2));
    assert_eq!(
        req.url,
        format!("{BASE}/group_appointments?{filters}&sort=starts_at&per_page=100&page=2")
    );
}

#[test]
fn ids_are_batched_a_hundred_to_a_request_without_repeats() {
    let key = ClinikoKey::parse(KEY).unwrap();
    let ids: Vec<ClinikoId> = (1..=150)
        .chain([3, 3])
        .map(|i| cid(&(9_007_199_254_740_000u64 + i).to_string()))
        .collect();
    let reqs = ca::list_patients_by_ids(&key, &ids);
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].url.starts_with(&format!(
        "{BASE}/patients?q%5B%5D=id%3A%3D9007199254740001%2C9007199254740002%2C"
    )));
    assert!(reqs[0].url.ends_with("%2C9007199254740100&per_page=100"));
    assert_eq!(reqs[1].url.matches("%2C").count(), 49, "50 ids left");
    let att = ca::list_attendees(&key, &[cid("11"), cid("12")]);
    assert_eq!(
        att[0].url,
        format!(
            "{BASE}/attendees?q%5B%5D=booking_id%3A%3D11%2C12&q%5B%5D=cancelled_at%3A%21%3F&q%5B%5D=deleted_at%3A%21%3F&per_page=100"
        )
    );
    let types = ca::list_appointment_types(&key, &[cid("5")]);
    assert_eq!(
        types[0].url,
        format!("{BASE}/appointment_types?q%5B%5D=id%3A%3D5&per_page=100")
    );
    assert!(
        ca::list_attendees(&key, &[]).is_empty(),
        "no classes, no request"
    );
}

fn appointment(id: &str, patient: &str, kind: Kind, case: Option<&str>) -> Appointment {
    Appointment {
        id: id.into(),
        kind,
        patient_id: patient.into(),
        practitioner_id: None,
        starts_ms: t("2025-11-03T10:30:00Z"),
        ends_ms: t("2025-11-03T11:00:00Z"),
        type_name: Some("Initial consult".into()),
        note: NoteStatus::NoNote,
        did_not_arrive: false,
        patient_name: None,
        case_id: case.map(str::to_string),
    }
}

fn cliniko_note(patient: &str) -> ClinikoNote {
    ClinikoNote {
        patient_id: cid(patient),
        treatment_note_template_id: cid("42"),
        title: "Session".into(),
        draft: true,
        content: None,
    }
}

#[test]
fn a_cliniko_note_links_by_booking_id_or_attendee_id_and_never_to_another_patient() {
    let key = ClinikoKey::parse(KEY).unwrap();
    let a = appointment("900", "100", Kind::Individual, None);
    let v = verify(&Link::from(&a), "100", None).unwrap();
    let req = ca::create_linked_treatment_note(&key, &cliniko_note("100"), &v).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, format!("{BASE}/treatment_notes"));
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({ "patient_id": "100", "treatment_note_template_id": "42", "title": "Session",
                "draft": true, "content": null, "booking_id": "900" })
    );
    let g = appointment(
        "77",
        "100",
        Kind::GroupAttendee {
            group_id: "55".into(),
        },
        None,
    );
    let v = verify(&Link::from(&g), "100", None).unwrap();
    let req = ca::create_linked_treatment_note(&key, &cliniko_note("100"), &v).unwrap();
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["attendee_id"], "77");
    assert!(body.get("booking_id").is_none());
    // A link verified for patient 100 cannot ride on patient 101's note.
    assert!(ca::create_linked_treatment_note(&key, &cliniko_note("101"), &v).is_err());
}

#[test]
fn nookal_asks_for_the_local_dates_and_links_by_appt_id() {
    let key = NookalKey::parse("k3y-ABC_123.xyz").unwrap();
    // Sydney, a session at 09:41 local (22:41Z the day before): the local day is asked for.
    let w = window(t("2025-11-02T22:41:00Z"), 660, WindowSettings::default());
    let req = na::get_appointments(&key, &nid("1"), &w, 660, 1);
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "https://api.nookal.com/production/v2/getAppointments"
    );
    assert_eq!(
        req.body.as_deref(),
        Some(
            "api_key=k3y-ABC_123.xyz&practitioner_id=1&date_from=2025-11-03&date_to=2025-11-03&page=1&page_length=100"
        )
    );
    let note = |patient: &str, case: &str| NookalNote {
        patient_id: nid(patient),
        case_id: nid(case),
        practitioner_id: nid("1"),
        date: LocalDateTime::parse("2025-11-03 10:30:00").unwrap(),
        notes: "Seen".into(),
    };
    let a = appointment("501", "88", Kind::Individual, Some("9"));
    let v = verify(&Link::from(&a), "88", Some("9")).unwrap();
    let req = na::add_linked_treatment_note(&key, &note("88", "9"), &v).unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(
            "api_key=k3y-ABC_123.xyz&patient_id=88&case_id=9&practitioner_id=1&date=2025-11-03+10%3A30%3A00&notes=Seen&appt_id=501"
        )
    );
    assert!(na::add_linked_treatment_note(&key, &note("89", "9"), &v).is_err());
    assert!(na::add_linked_treatment_note(&key, &note("88", "10"), &v).is_err());
}

#[test]
fn cliniko_fixture_drops_cancelled_deleted_other_practitioners_and_outside_the_window() {
    let base = "https://api.au1.cliniko.com/v1";
    let ia = |id: &str, patient: &str, starts: &str, extra: Value| {
        let mut v = json!({
            "id": id, "starts_at": starts, "ends_at": starts.replace(":00:00Z", ":30:00Z"),
            "patient": {"links": {"self": format!("{base}/patients/{patient}")}},
            "practitioner": {"links": {"self": format!("{base}/practitioners/7")}},
            "appointment_type": {"links": {"self": format!("{base}/appointment_types/3")}},
            "cancelled_at": null, "deleted_at": null, "did_not_arrive": false,
            "treatment_note_status": null, "patient_name": "Jo Bloggs"
        });
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    let body = json!({
        "individual_appointments": [
            ia("1", "100", "2025-11-03T09:00:00Z", json!({})),
            ia("2", "101", "2025-11-03T10:00:00Z", json!({"cancelled_at": "2025-11-02T09:00:00Z"})),
            ia("3", "102", "2025-11-03T11:00:00Z", json!({"deleted_at": "2025-11-02T09:00:00Z"})),
            ia("4", "103", "2025-11-03T12:00:00Z", json!({"practitioner": {"links": {"self": format!("{base}/practitioners/8")}}})),
            ia("5", "104", "2025-11-05T12:00:00Z", json!({})),
            ia("6", "105", "2025-11-03T13:00:00Z", json!({"treatment_note_status": 10, "did_not_arrive": true})),
            ia("7", "106", "2025-11-03T14:00:00Z", json!({"treatment_note_status": 90})),
            ia("8", "107", "2025-11-03T15:00:00Z", json!({"treatment_note_status": 50})),
        ],
        "total_entries": 8,
        "links": {"self": format!("{base}/individual_appointments?page=1"), "next": format!("{base}/individual_appointments?page=2")}
    });
    let page: Page<IndividualAppointment> = parse_body(&body.to_string()).unwrap();
    assert_eq!(
        page.next.as_deref(),
        Some("https://api.au1.cliniko.com/v1/individual_appointments?page=2")
    );
    let groups: Page<GroupAppointment> = parse_body(
        &json!({
            "group_appointments": [{
                "id": "20", "starts_at": "2025-11-03T16:00:00Z", "ends_at": "2025-11-03T17:00:00Z",
                "deleted_at": null,
                "practitioner": {"links": {"self": format!("{base}/practitioners/7")}},
                "appointment_type": {"links": {"self": format!("{base}/appointment_types/4")}}
            }],
            "total_entries": 1, "links": {"self": "x"}
        })
        .to_string(),
    )
    .unwrap();
    let att = |id: &str, patient: &str, extra: Value| {
        let mut v = json!({"id": id, "booking": {"links": {"self": format!("{base}/bookings/20")}},
            "patient": {"links": {"self": format!("{base}/patients/{patient}")}},
            "cancelled_at": null, "treatment_note_status": null});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    let attendees: Page<Attendee> = parse_body(&json!({
        "attendees": [att("31", "200", json!({})), att("32", "201", json!({"cancelled_at": "2025-11-01T00:00:00Z"})), att("33", "202", json!({"treatment_note_status": 90}))],
        "total_entries": 3, "links": {"self": "x"}
    }).to_string()).unwrap();
    let types: Page<AppointmentType> = parse_body(
        &json!({"appointment_types": [{"id": "3", "name": "Follow-up"}, {"id": "4", "name": "Pilates class"}], "total_entries": 2, "links": {"self": "x"}}).to_string(),
    ).unwrap();
    let pages = DiaryPages {
        individual: page.items,
        groups: groups.items,
        attendees: attendees.items,
        types: types.items,
    };
    assert_eq!(pages.group_ids(), [cid("20")]);
    let w = the_window();
    let prac = cid("7");
    let got = ca::to_appointments(
        &pages,
        &DiaryQuery {
            practitioner_id: &prac,
            window: &w,
        },
    );
    let summary: Vec<(String, String, NoteStatus, bool, Option<String>)> = got
        .iter()
        .map(|a| {
            (
                a.id.clone(),
                a.patient_id.clone(),
                a.note,
                a.did_not_arrive,
                a.type_name.clone(),
            )
        })
        .collect();
    let fu = Some("Follow-up".to_string());
    let pc = Some("Pilates class".to_string());
    assert_eq!(
        summary,
        [
            (
                "1".into(),
                "100".into(),
                NoteStatus::NoNote,
                false,
                fu.clone()
            ),
            (
                "6".into(),
                "105".into(),
                NoteStatus::Draft,
                true,
                fu.clone()
            ),
            (
                "7".into(),
                "106".into(),
                NoteStatus::Final,
                false,
                fu.clone()
            ),
            ("8".into(), "107".into(), NoteStatus::Final, false, fu),
            (
                "31".into(),
                "200".into(),
                NoteStatus::NoNote,
                false,
                pc.clone()
            ),
            ("33".into(), "202".into(), NoteStatus::Final, false, pc),
        ]
    );
    assert_eq!(
        got[4].kind,
        Kind::GroupAttendee {
            group_id: "20".into()
        }
    );
    assert_eq!(got[0].patient_name.as_deref(), Some("Jo Bloggs"));
    // A wrong-typed field is an error naming the path, never the value.
    let bad = parse_body::<Page<IndividualAppointment>>(
        r#"{"individual_appointments":[{"id":"1","starts_at":"soon"}]}"#,
    )
    .unwrap_err();
    assert!(format!("{bad:?}").contains("individual_appointments[0].starts_at"));
}

#[test]
fn nookal_fixture_reads_local_times_and_every_flag_form() {
    let body = json!({
        "status": "success",
        "data": {"api_call": "getAppointments", "results": {"appointments": [
            {"ID": "1", "patientID": "10", "appointmentDate": "2025-11-03", "appointmentStartTime": "09:41:00", "appointmentEndTime": "10:11:00", "appointmentType": "Initial consult", "practitionerID": "1", "cancelled": "0", "DNA": "0", "caseID": "5"},
            {"ID": "2", "patientID": "11", "appointmentDate": "2025-11-03", "appointmentStartTime": "10:30", "appointmentEndTime": "11:00", "practitionerID": 1, "cancelled": true, "DNA": 0},
            {"ID": "3", "patientID": "12", "appointmentDate": "2025-11-03", "appointmentStartTime": "11:00:00", "appointmentEndTime": "11:30:00", "practitionerID": "1", "cancelled": 0, "DNA": "yes"},
            {"ID": "4", "patientID": "13", "appointmentDate": "2025-11-03", "appointmentStartTime": "12:00:00", "practitionerID": "2", "cancelled": "0", "DNA": "0"},
            {"ID": "5", "patientID": "14", "appointmentDate": "2025-11-05", "appointmentStartTime": "12:00:00", "practitionerID": "1"},
            {"ID": "6", "appointmentDate": "2025-11-03", "appointmentStartTime": "13:00:00", "practitionerID": "1"}
        ]}},
        "details": {"currentItems": 6, "totalItems": "6"},
        "settings": {"currentPage": "1", "nextPage": null, "pageLength": 100}
    });
    let env = nookal_body(&body.to_string()).unwrap();
    assert_eq!(env.paging.next_page, None);
    let list: Vec<NookalAppointment> = env.list("appointments").unwrap();
    // Sydney (UTC+11): 09:41 local on 3 Nov is 22:41Z on 2 Nov.
    let w = window(t("2025-11-02T22:41:00Z"), 660, WindowSettings::default());
    let got = na::to_appointments(&list, &nid("1"), &w, 660);
    let ids: Vec<&str> = got.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "3"],
        "cancelled, other practitioner, other day, no patient: dropped"
    );
    assert_eq!(got[0].starts_ms, t("2025-11-02T22:41:00Z"));
    assert_eq!(got[0].ends_ms, t("2025-11-02T23:11:00Z"));
    assert_eq!(got[0].case_id.as_deref(), Some("5"));
    assert_eq!(got[0].note, NoteStatus::NotReported);
    assert!(got[1].did_not_arrive);
    assert_eq!(best_match(&got, &w), BestMatch::One(0));
    assert_eq!(
        na::local_to_utc_ms("2025-11-03", "2025-11-03 09:41:00", -300),
        Some(t("2025-11-03T14:41:00Z"))
    );
}

/// Run one request against the in-process sandbox.
fn send(sb: &mut Sandbox, req: &ApiRequest) -> (u16, String) {
    let rest = req.url.strip_prefix("https://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut r = HttpRequest::new(req.method.as_str(), host, path);
    for (k, v) in &req.headers {
        r = r.header(k, v);
    }
    if let Some(b) = &req.body {
        r = r.body(b);
    }
    match sb.handle(&r, NOW as u64) {
        Outcome::Respond(resp) => (resp.status, resp.body),
        other => panic!("{other:?}"),
    }
}

fn all_pages<T: motics_push::cliniko::types::Listed>(
    sb: &mut Sandbox,
    key: &ClinikoKey,
    first: ApiRequest,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut req = Some(first);
    while let Some(r) = req.take() {
        let (status, body) = send(sb, &r);
        assert_eq!(status, 200, "{}: {body}", r.url);
        let page: Page<T> = parse_body(&body).unwrap();
        out.extend(page.items);
        req = page.next.map(|n| follow_next(key, &n).unwrap());
    }
    out
}

fn cliniko_diary(sb: &mut Sandbox, key: &ClinikoKey, prac: &ClinikoId) -> Vec<Appointment> {
    let w = the_window();
    let q = DiaryQuery {
        practitioner_id: prac,
        window: &w,
    };
    let mut pages = DiaryPages {
        individual: all_pages(sb, key, ca::list_individual_appointments(key, &q, None)),
        groups: all_pages(sb, key, ca::list_group_appointments(key, &q, None)),
        ..DiaryPages::default()
    };
    for r in ca::list_attendees(key, &pages.group_ids()) {
        pages.attendees.extend(all_pages::<Attendee>(sb, key, r));
    }
    for r in ca::list_appointment_types(key, &pages.type_ids()) {
        pages.types.extend(all_pages::<AppointmentType>(sb, key, r));
    }
    ca::to_appointments(&pages, &q)
}

fn patient_dob(sb: &mut Sandbox, key: &ClinikoKey, id: &str) -> String {
    let reqs = ca::list_patients_by_ids(key, &[cid(id)]);
    let (_, body) = send(sb, &reqs[0]);
    let v: Value = serde_json::from_str(&body).unwrap();
    v["patients"][0]["date_of_birth"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn cliniko_round_trip_against_the_sandbox() {
    let mut sb = Sandbox::new();
    let key = ClinikoKey::parse(&sb.demo_keys().practitioner.clone()).unwrap();
    let (_, user) = send(&mut sb, &motics_push::cliniko::requests::get_user(&key));
    let uid = cid(serde_json::from_str::<Value>(&user).unwrap()["id"]
        .as_str()
        .unwrap());
    let (_, p) = send(
        &mut sb,
        &motics_push::cliniko::requests::find_practitioner_for_user(&key, &uid),
    );
    let prac = cid(
        serde_json::from_str::<Value>(&p).unwrap()["practitioners"][0]["id"]
            .as_str()
            .unwrap(),
    );
    let diary = cliniko_diary(&mut sb, &key, &prac);
    assert_eq!(
        diary.len(),
        13,
        "10 individual appointments and 3 class attendees"
    );
    let at_1030: Vec<&Appointment> = diary
        .iter()
        .filter(|a| a.starts_ms == t("2025-11-03T10:30:00Z"))
        .collect();
    assert_eq!(at_1030.len(), 1, "the cancelled 10:30 never shows");
    let w = the_window();
    let BestMatch::One(i) = best_match(&diary, &w) else {
        panic!("one best match")
    };
    let best = &diary[i];
    assert_eq!(best.id, at_1030[0].id);
    assert_eq!(best.note, NoteStatus::NoNote);
    assert_eq!(best.type_name.as_deref(), Some("Initial consult"));
    // The two James Smiths are told apart by time and date of birth.
    let at_1000 = diary
        .iter()
        .find(|a| a.starts_ms == t("2025-11-03T10:00:00Z"))
        .unwrap();
    assert_eq!(best.patient_name, at_1000.patient_name);
    assert_ne!(best.patient_id, at_1000.patient_id);
    assert_ne!(
        patient_dob(&mut sb, &key, &best.patient_id),
        patient_dob(&mut sb, &key, &at_1000.patient_id)
    );
    let attendees: Vec<&Appointment> = diary
        .iter()
        .filter(|a| matches!(a.kind, Kind::GroupAttendee { .. }))
        .collect();
    assert_eq!(attendees.len(), 3);

    // Choose + push: one note, linked; the appointment's status changes.
    let v = verify(&Link::from(best), &best.patient_id, None).unwrap();
    let template = {
        let (_, b) = send(
            &mut sb,
            &motics_push::cliniko::requests::list_templates(&key, None),
        );
        serde_json::from_str::<Value>(&b).unwrap()["treatment_note_templates"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let note = ClinikoNote {
        treatment_note_template_id: cid(&template),
        ..cliniko_note(&best.patient_id)
    };
    let before = sb.cliniko_notes().len();
    let (status, body) = send(
        &mut sb,
        &ca::create_linked_treatment_note(&key, &note, &v).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(sb.cliniko_notes().len(), before + 1);
    let logged = sb.requests(Some("api.au1.cliniko.com"), Some("/v1/treatment_notes"));
    assert!(
        logged
            .last()
            .unwrap()
            .body
            .contains(&format!("\"booking_id\":\"{}\"", best.id))
    );
    let again = cliniko_diary(&mut sb, &key, &prac);
    let now = again.iter().find(|a| a.id == best.id).unwrap();
    assert_eq!(now.note, NoteStatus::Draft);
    assert!(!now.open_for_note());

    // A class attendee links by attendee_id.
    let a = attendees[0];
    let v = verify(&Link::from(a), &a.patient_id, None).unwrap();
    let note = ClinikoNote {
        treatment_note_template_id: cid(&template),
        ..cliniko_note(&a.patient_id)
    };
    let (status, body) = send(
        &mut sb,
        &ca::create_linked_treatment_note(&key, &note, &v).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    assert!(
        created["attendee"]["links"]["self"]
            .as_str()
            .unwrap()
            .ends_with(&a.id)
    );
}

#[test]
fn nookal_round_trip_against_the_sandbox() {
    let mut sb = Sandbox::new();
    let key = NookalKey::parse(&sb.demo_keys().nookal.clone()).unwrap();
    let w = the_window();
    let mut list: Vec<NookalAppointment> = Vec::new();
    let mut page = 1;
    loop {
        let (status, body) = send(&mut sb, &na::get_appointments(&key, &nid("1"), &w, 0, page));
        assert_eq!(status, 200);
        let env = nookal_body(&body).unwrap();
        list.extend(env.list::<NookalAppointment>("appointments").unwrap());
        match env.paging.next_page {
            Some(n) => page = u32::try_from(n).unwrap(),
            None => break,
        }
    }
    let diary = na::to_appointments(&list, &nid("1"), &w, 0);
    assert_eq!(diary.len(), 10, "cancelled ones dropped");
    let BestMatch::One(i) = best_match(&diary, &w) else {
        panic!("one best match")
    };
    let best = &diary[i];
    assert_eq!(best.starts_ms, t("2025-11-03T10:30:00Z"));
    let case = best
        .case_id
        .clone()
        .expect("the appointment carries the patient's case");
    let v = verify(&Link::from(best), &best.patient_id, Some(&case)).unwrap();
    let note = NookalNote {
        patient_id: nid(&best.patient_id),
        case_id: nid(&case),
        practitioner_id: nid("1"),
        date: LocalDateTime::parse("2025-11-03 10:30:00").unwrap(),
        notes: "Seen".into(),
    };
    let (_, body) = send(
        &mut sb,
        &na::add_linked_treatment_note(&key, &note, &v).unwrap(),
    );
    assert!(nookal_body(&body).is_ok(), "{body}");
    let stored = sb.nookal_notes();
    let linked: Vec<_> = stored
        .iter()
        .filter(|n| n.appt_id.as_deref() == Some(best.id.as_str()))
        .collect();
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].patient_id, best.patient_id);
}
