//! The seeded diaries (issue 14 "Sandbox"): Cliniko's individual and group appointments and
//! attendees on their official list endpoints (filters, default exclusions, paging), Nookal's
//! `getAppointments`, and notes linked to an appointment (validation, status change, request log).

mod common;

use common::{NOW, api, get, patient_id, post, send, soap_template};
use motics_sandbox::{HttpRequest, Sandbox};
use serde_json::{Value, json};

/// The Motics sessions s-1001/s-1002 are on this day.
const DAY: &str = "2025-11-03";

fn demo_practitioner(sb: &mut Sandbox) -> String {
    let (_, user) = get(sb, "/v1/user");
    let uid = user["id"].as_str().unwrap().to_string();
    let (_, p) = get(sb, &format!("/v1/practitioners?q[]=user_id:={uid}"));
    p["practitioners"][0]["id"].as_str().unwrap().to_string()
}

fn day_query(prac: &str, day: &str) -> String {
    format!(
        "q[]=practitioner_id:={prac}&q[]=starts_at:%3E%3D{day}T00:00:00Z&q[]=starts_at:%3C{day}T23:59:59Z&per_page=100&sort=starts_at"
    )
}

fn day_list(sb: &mut Sandbox, prac: &str, extra: &str) -> Vec<Value> {
    let (status, v) = get(
        sb,
        &format!(
            "/v1/individual_appointments?{}{extra}",
            day_query(prac, DAY)
        ),
    );
    assert_eq!(status, 200, "{v}");
    v["individual_appointments"].as_array().unwrap().clone()
}

fn id_of_link(v: &Value) -> String {
    v["links"]["self"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

fn time_of(a: &Value) -> &str {
    &a["starts_at"].as_str().unwrap()[11..16]
}

#[test]
fn individual_appointments_on_a_session_day_leave_out_cancelled_and_deleted() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let list = day_list(&mut sb, &prac, "");
    let times: Vec<&str> = list.iter().map(time_of).collect();
    assert_eq!(
        times,
        [
            "08:00", "08:30", "09:30", "10:00", "10:30", "11:00", "11:00", "12:00", "14:00",
            "23:30"
        ]
    );
    assert!(
        list.iter()
            .all(|a| a["cancelled_at"].is_null() && a["deleted_at"].is_null())
    );
    // The same-name pair: two James Smiths at 10:00 and 10:30, different patients.
    let at = |t: &str| list.iter().filter(|a| time_of(a) == t).collect::<Vec<_>>();
    assert_eq!(at("10:00")[0]["patient_name"], "James Smith");
    assert_eq!(at("10:30")[0]["patient_name"], "James Smith");
    assert_ne!(
        id_of_link(&at("10:00")[0]["patient"]),
        id_of_link(&at("10:30")[0]["patient"])
    );
    // s-1002 names James Smith born 1985-11-02: the 10:00 one (its session runs 10:15).
    let (_, p) = get(
        &mut sb,
        &format!("/v1/patients/{}", id_of_link(&at("10:00")[0]["patient"])),
    );
    assert_eq!(p["date_of_birth"], "1985-11-02");
    // Double-booked 11:00; did-not-arrive 08:00; 12:00 already has a final note.
    assert_eq!(at("11:00").len(), 2);
    assert_eq!(at("08:00")[0]["did_not_arrive"], true);
    assert_eq!(at("12:00")[0]["treatment_note_status"], 90);
    assert!(at("10:30")[0]["treatment_note_status"].is_null());
    let booked = at("12:00")[0]["id"].as_str().unwrap().to_string();
    let (_, notes) = get(
        &mut sb,
        &format!("/v1/treatment_notes?q[]=booking_id:={booked}"),
    );
    assert_eq!(notes["total_entries"], 1);

    // Filtering on cancelled_at / deleted_at lifts the default exclusion (the `*` operator).
    let all = day_list(&mut sb, &prac, "&q[]=cancelled_at:*&q[]=deleted_at:*");
    assert_eq!(
        all.len(),
        list.len() + 3,
        "10:15 and 10:30 cancelled, 12:30 deleted"
    );
    let cancelled = day_list(&mut sb, &prac, "&q[]=cancelled_at:?");
    let ct: Vec<&str> = cancelled.iter().map(time_of).collect();
    assert_eq!(ct, ["10:15", "10:30"]);
    let none_cancelled = day_list(&mut sb, &prac, "&q[]=cancelled_at:!?&q[]=deleted_at:!?");
    assert_eq!(none_cancelled.len(), list.len());
    let dna = day_list(&mut sb, &prac, "&q[]=did_not_arrive:=true");
    assert_eq!(dna.len(), 1);
}

#[test]
fn another_practitioner_has_another_diary_and_a_receptionist_can_read_both() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let (_, all) = get(&mut sb, "/v1/practitioners");
    let other = all["practitioners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .find(|id| *id != prac)
        .unwrap();
    let key = sb.demo_keys().receptionist.clone();
    let r = send(
        &mut sb,
        &api(
            "GET",
            "au1",
            &format!("/v1/individual_appointments?{}", day_query(&other, DAY)),
            &key,
        ),
    );
    assert_eq!(r.status, 200);
    let v = r.json_body();
    let times: Vec<&str> = v["individual_appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(time_of)
        .collect();
    assert_eq!(times, ["09:00", "10:30", "14:00"]);
}

#[test]
fn paging_follows_the_documented_envelope() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let q = day_query(&prac, DAY).replace("per_page=100", "per_page=4");
    let (_, p1) = get(&mut sb, &format!("/v1/individual_appointments?{q}"));
    assert_eq!(p1["total_entries"], 10);
    assert_eq!(p1["individual_appointments"].as_array().unwrap().len(), 4);
    let next = p1["links"]["next"].as_str().unwrap();
    assert!(next.contains("page=2"), "{next}");
    let path = next.split(".cliniko.com").nth(1).unwrap();
    let (_, p2) = get(&mut sb, path);
    assert_eq!(
        p2["individual_appointments"][0]["starts_at"],
        format!("{DAY}T10:30:00Z")
    );
    let (_, p3) = get(&mut sb, &format!("/v1/individual_appointments?{q}&page=3"));
    assert_eq!(p3["individual_appointments"].as_array().unwrap().len(), 2);
    assert!(p3["links"].get("next").is_none());
    assert!(p3["links"]["previous"].is_string());
}

#[test]
fn unknown_filters_are_refused() {
    let mut sb = Sandbox::new();
    let (status, _) = get(&mut sb, "/v1/individual_appointments?q[]=colour:=red");
    assert_eq!(status, 400);
    let (status, _) = get(&mut sb, "/v1/group_appointments?q[]=cancelled_at:*");
    assert_eq!(
        status, 400,
        "group appointments have no cancelled_at filter"
    );
    let (status, _) = get(
        &mut sb,
        "/v1/attendees?q[]=starts_at:%3E2025-01-01T00:00:00Z",
    );
    assert_eq!(status, 400);
}

fn the_class(sb: &mut Sandbox, prac: &str) -> (String, Vec<Value>) {
    let (_, g) = get(
        sb,
        &format!("/v1/group_appointments?{}", day_query(prac, DAY)),
    );
    let groups = g["group_appointments"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(time_of(&groups[0]), "13:00");
    assert_eq!(groups[0]["patient_ids"].as_array().unwrap().len(), 3);
    let gid = groups[0]["id"].as_str().unwrap().to_string();
    let (_, a) = get(sb, &format!("/v1/attendees?q[]=booking_id:={gid}"));
    let attendees = a["attendees"].as_array().unwrap().clone();
    let (_, nested) = get(sb, &format!("/v1/group_appointments/{gid}/attendees"));
    assert_eq!(nested["attendees"], a["attendees"]);
    (gid, attendees)
}

#[test]
fn a_group_class_has_three_attendees() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let (gid, attendees) = the_class(&mut sb, &prac);
    assert_eq!(attendees.len(), 3);
    for a in &attendees {
        assert_eq!(id_of_link(&a["booking"]), gid);
        assert!(a["treatment_note_status"].is_null());
    }
}

#[test]
fn a_note_linked_to_its_appointment_updates_the_appointment_and_is_logged() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let template = soap_template(&mut sb);
    let key = sb.demo_keys().practitioner.clone();
    let list = day_list(&mut sb, &prac, "");
    let ten30 = list.iter().find(|a| time_of(a) == "10:30").unwrap();
    let booking = ten30["id"].as_str().unwrap().to_string();
    let owner = id_of_link(&ten30["patient"]);
    let someone_else = patient_id(&mut sb, "Aroha", "Ngāta");

    // Another patient's appointment: 422 naming the link (real Cliniko's answer UNCONFIRMED).
    let bad = post(
        &mut sb,
        "/v1/treatment_notes",
        &key,
        &json!({ "patient_id": someone_else, "treatment_note_template_id": template, "booking_id": booking, "draft": false }),
    );
    assert_eq!(bad.status, 422);
    assert!(bad.json_body()["errors"]["booking"].is_string());
    let unknown = post(
        &mut sb,
        "/v1/treatment_notes",
        &key,
        &json!({ "patient_id": owner, "treatment_note_template_id": template, "booking_id": "42" }),
    );
    assert_eq!(unknown.status, 422);

    sb.clear_requests();
    let ok = post(
        &mut sb,
        "/v1/treatment_notes",
        &key,
        &json!({ "patient_id": owner, "treatment_note_template_id": template, "booking_id": booking, "draft": false }),
    );
    assert_eq!(ok.status, 201, "{}", ok.json_body());
    assert_eq!(id_of_link(&ok.json_body()["booking"]), booking);
    let (_, after) = get(&mut sb, &format!("/v1/individual_appointments/{booking}"));
    assert_eq!(after["treatment_note_status"], 90);
    let logged = sb.requests(Some("api.au1.cliniko.com"), Some("/v1/treatment_notes"));
    let body: Value = serde_json::from_str(&logged[0].body).unwrap();
    assert_eq!(body["booking_id"], booking.as_str());
    let record = sb
        .cliniko_notes()
        .into_iter()
        .find(|n| n.booking_id.as_deref() == Some(booking.as_str()))
        .unwrap();
    assert_eq!(record.patient_id, owner);
}

#[test]
fn a_note_for_a_group_attendee_links_by_attendee_id() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    let template = soap_template(&mut sb);
    let key = sb.demo_keys().practitioner.clone();
    let (gid, attendees) = the_class(&mut sb, &prac);
    let first = &attendees[0];
    let aid = first["id"].as_str().unwrap().to_string();
    let patient = id_of_link(&first["patient"]);
    let other = id_of_link(&attendees[1]["patient"]);
    let bad = post(
        &mut sb,
        "/v1/treatment_notes",
        &key,
        &json!({ "patient_id": other, "treatment_note_template_id": template, "attendee_id": aid }),
    );
    assert_eq!(bad.status, 422);
    assert!(bad.json_body()["errors"]["attendee"].is_string());
    let ok = post(
        &mut sb,
        "/v1/treatment_notes",
        &key,
        &json!({ "patient_id": patient, "treatment_note_template_id": template, "attendee_id": aid, "draft": true }),
    );
    assert_eq!(ok.status, 201);
    let note = ok.json_body();
    assert_eq!(id_of_link(&note["attendee"]), aid);
    assert_eq!(id_of_link(&note["booking"]), gid);
    let (_, a) = get(&mut sb, &format!("/v1/attendees/{aid}"));
    assert_eq!(a["treatment_note_status"], 10, "a draft");
    let (_, n) = get(
        &mut sb,
        &format!("/v1/treatment_notes?q[]=attendee_id:={aid}"),
    );
    assert_eq!(n["total_entries"], 1);
}

#[test]
fn todays_diary_is_seeded_relative_to_the_clock() {
    let mut sb = Sandbox::new();
    let prac = demo_practitioner(&mut sb);
    // common::NOW is 2025-11-10, no session day: its diary exists because a request came that day.
    let (_, v) = get(
        &mut sb,
        &format!(
            "/v1/individual_appointments?{}",
            day_query(&prac, "2025-11-10")
        ),
    );
    assert_eq!(v["total_entries"], 10);
    let (_, v) = get(
        &mut sb,
        &format!(
            "/v1/individual_appointments?{}",
            day_query(&prac, "2025-11-11")
        ),
    );
    assert_eq!(v["total_entries"], 0, "tomorrow is not seeded");
    let _ = NOW;
}

fn nookal(sb: &mut Sandbox, method: &str, form: &str) -> Value {
    let req = HttpRequest::new(
        "POST",
        "api.nookal.com",
        &format!("/production/v2/{method}"),
    )
    .header(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=UTF-8",
    )
    .body(form);
    let r = send(sb, &req);
    assert_eq!(r.status, 200);
    r.json_body()
}

#[test]
fn nookal_appointments_and_a_note_linked_by_appt_id() {
    let mut sb = Sandbox::new();
    let key = sb.demo_keys().nookal.clone();
    let v = nookal(
        &mut sb,
        "getAppointments",
        &format!("api_key={key}&date_from={DAY}&date_to={DAY}&practitioner_id=1&page_length=200"),
    );
    assert_eq!(v["status"], "success");
    let appts = v["data"]["results"]["appointments"].as_array().unwrap();
    // Deleted ones are absent; cancelled ones come back flagged (clients drop them).
    assert_eq!(appts.len(), 12);
    assert!(
        appts
            .iter()
            .all(|a| a["appointmentDate"] == DAY && a["practitionerID"] == "1")
    );
    let cancelled: Vec<&str> = appts
        .iter()
        .filter(|a| a["cancelled"] == "1")
        .map(|a| a["appointmentStartTime"].as_str().unwrap())
        .collect();
    assert_eq!(cancelled, ["10:15:00", "10:30:00"]);
    assert_eq!(
        appts.iter().filter(|a| a["DNA"] == "1").count(),
        1,
        "one did-not-arrive"
    );
    // Paging per the envelope.
    let p = nookal(
        &mut sb,
        "getAppointments",
        &format!(
            "api_key={key}&date_from={DAY}&date_to={DAY}&practitioner_id=1&page_length=5&page=3"
        ),
    );
    assert_eq!(
        p["data"]["results"]["appointments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let ten30 = appts
        .iter()
        .find(|a| a["appointmentStartTime"] == "10:30:00" && a["cancelled"] == "0")
        .unwrap();
    let appt = ten30["ID"].as_str().unwrap();
    let owner = ten30["patientID"].as_str().unwrap();
    let case = ten30["caseID"].as_str().unwrap();
    let other = appts
        .iter()
        .map(|a| a["patientID"].as_str().unwrap())
        .find(|p| *p != owner)
        .unwrap();
    let bad = nookal(
        &mut sb,
        "addTreatmentNote",
        &format!(
            "api_key={key}&patient_id={other}&case_id={case}&practitioner_id=1&date={DAY}%2010%3A30%3A00&notes=x&appt_id={appt}"
        ),
    );
    assert_eq!(bad["status"], "failure");
    let ok = nookal(
        &mut sb,
        "addTreatmentNote",
        &format!(
            "api_key={key}&patient_id={owner}&case_id={case}&practitioner_id=1&date={DAY}%2010%3A30%3A00&notes=Seen&appt_id={appt}"
        ),
    );
    assert_eq!(ok["status"], "success", "{ok}");
    let note = sb
        .nookal_notes()
        .into_iter()
        .find(|n| n.appt_id.as_deref() == Some(appt))
        .unwrap();
    assert_eq!(note.patient_id, owner);
    let logged = sb.requests(
        Some("api.nookal.com"),
        Some("/production/v2/addTreatmentNote"),
    );
    assert!(
        logged
            .last()
            .unwrap()
            .body
            .contains(&format!("appt_id={appt}"))
    );
}
