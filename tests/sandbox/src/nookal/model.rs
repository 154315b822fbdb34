//! Nookal records and their PascalCase/camelCase JSON read shapes (SDK types, nookal-api.md §2–§3).

use serde_json::{Value as Json, json};

/// The Nookal clinic.
#[derive(Debug, Clone)]
pub struct Nookal {
    /// The clinic's API key.
    pub key: String,
    /// Locations.
    pub locations: Vec<Location>,
    /// Practitioners.
    pub practitioners: Vec<NookalPractitioner>,
    /// Patients.
    pub patients: Vec<NookalPatient>,
    /// Cases.
    pub cases: Vec<Case>,
    /// Treatment notes.
    pub notes: Vec<NookalNote>,
    /// Next id for cases and notes.
    pub next_id: u64,
    /// The diary.
    pub appointments: Vec<super::diary::Appointment>,
    /// Days (since the epoch) whose diary is seeded.
    pub diary_days: Vec<i64>,
}

/// A location.
#[derive(Debug, Clone)]
pub struct Location {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Street.
    pub addr1: String,
    /// Suburb.
    pub city: String,
}

impl Location {
    /// JSON.
    pub fn to_json(&self) -> Json {
        json!({ "ID": self.id.to_string(), "Name": self.name, "Addr1": self.addr1, "City": self.city, "State": "VIC", "Postcode": "3186", "Country": "Australia", "TimeZone": "Australia/Melbourne" })
    }
}

/// A practitioner.
#[derive(Debug, Clone)]
pub struct NookalPractitioner {
    /// Id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Speciality.
    pub speciality: String,
    /// Location ids.
    pub locations: Vec<u64>,
}

impl NookalPractitioner {
    /// JSON (the SDK fixture sends `locations` as numbers and `ID` as a string).
    pub fn to_json(&self) -> Json {
        let email = format!(
            "{}.{}@bayside.example.com",
            self.first_name.to_lowercase(),
            self.last_name.to_lowercase()
        );
        json!({ "ID": self.id.to_string(), "FirstName": self.first_name, "LastName": self.last_name, "Email": email, "Speciality": self.speciality, "Title": self.title, "locations": self.locations })
    }
}

/// A patient.
#[derive(Debug, Clone)]
pub struct NookalPatient {
    /// Id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// First name.
    pub first_name: String,
    /// Nickname (preferred name).
    pub nickname: Option<String>,
    /// Last name.
    pub last_name: String,
    /// `YYYY-MM-DD`.
    pub dob: Option<String>,
    /// `M` / `F`.
    pub gender: String,
    /// Email.
    pub email: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// Home phone.
    pub home: Option<String>,
    /// Location.
    pub location_id: u64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created: String,
    /// Active (an inactive patient is Nookal's archived one).
    pub active: bool,
}

impl NookalPatient {
    /// JSON (read side is PascalCase; missing values are empty strings, as PHP APIs tend to send).
    pub fn to_json(&self) -> Json {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        json!({
            "ID": self.id.to_string(), "Title": self.title, "FirstName": self.first_name, "MiddleName": "",
            "Nickname": s(&self.nickname), "LastName": self.last_name, "DOB": s(&self.dob), "Gender": self.gender,
            "Email": s(&self.email), "Mobile": s(&self.mobile), "Home": s(&self.home), "Work": "", "Fax": "",
            "LocationID": self.location_id.to_string(), "active": if self.active { "1" } else { "0" }, "deceased": "0", "Notes": "", "Alerts": "",
            "Addr1": "", "City": "", "State": "", "Country": "Australia", "Postcode": "",
            "DateCreated": self.created, "DateModified": self.created,
        })
    }
}

/// A case (episode of care); notes must belong to one.
#[derive(Debug, Clone)]
pub struct Case {
    /// Id.
    pub id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Title.
    pub title: String,
    /// `Open` / `Closed`.
    pub status: String,
    /// Primary provider name.
    pub provider_name: String,
}

impl Case {
    /// JSON.
    pub fn to_json(&self) -> Json {
        json!({ "ID": self.id.to_string(), "patientID": self.patient_id.to_string(), "title": self.title, "status": self.status, "Notes": "", "providerName": self.provider_name, "referrerName": "", "ReferrerDetails": "", "payers": [] })
    }
}

/// A treatment note as stored (text possibly double-encoded).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NookalNote {
    /// Id.
    pub id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Case.
    pub case_id: u64,
    /// Practitioner.
    pub practitioner_id: u64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub date: String,
    /// Stored text.
    pub text: String,
    /// When the sandbox received it.
    pub created_ms: u64,
    /// The appointment it is linked to (`appt_id`).
    pub appt_id: Option<u64>,
}

impl NookalNote {
    /// JSON: text at `answers[0].answers[0]`, as notes made through addTreatmentNote read back live.
    pub fn to_json(&self) -> Json {
        json!({
            "noteID": self.id.to_string(), "clientID": self.patient_id.to_string(), "caseID": self.case_id.to_string(),
            "practitionerID": self.practitioner_id.to_string(), "date": self.date, "status": "active",
            "answers": [ { "question": "Notes", "answers": [ self.text ] } ], "template": "",
        })
    }
}
