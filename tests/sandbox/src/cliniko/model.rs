//! Cliniko records held in memory, and their JSON shapes as `cliniko-openapi.yaml` describes them.

use serde_json::{Value, json};

use crate::clock::iso;

/// One Cliniko account (a clinic) on one shard.
#[derive(Debug, Clone)]
pub struct Account {
    /// Account id.
    pub id: u64,
    /// Shard, e.g. `au1`.
    pub shard: String,
    /// Web subdomain, e.g. `harbourside-physio`.
    pub subdomain: String,
    /// Clinic name.
    pub name: String,
    /// Country name and ISO code.
    pub country: String,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    /// `patient` or `client` (`terminology.patient`).
    pub terminology_patient: String,
    /// Users (all roles).
    pub users: Vec<User>,
    /// Practitioners (each linked to a user).
    pub practitioners: Vec<Practitioner>,
    /// Patients, in creation order.
    pub patients: Vec<Patient>,
    /// Treatment note templates.
    pub templates: Vec<Template>,
    /// Treatment notes (archived ones included).
    pub notes: Vec<Note>,
    /// The diary (appointments, classes, attendees).
    pub diary: super::diary::Diary,
    /// Next id to hand out (ids grow with creation time, like Cliniko's).
    pub next_id: u64,
}

impl Account {
    /// `https://api.<shard>.cliniko.com/v1`.
    pub fn api_base(&self) -> String {
        format!("https://api.{}.cliniko.com/v1", self.shard)
    }

    /// A fresh id, above 2^53 so JS Numbers would corrupt it.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1 + (self.next_id % 7) * 13;
        self.next_id
    }

    /// The practitioner linked to a user, if that user is one.
    pub fn practitioner_for_user(&self, user_id: u64) -> Option<&Practitioner> {
        self.practitioners.iter().find(|p| p.user_id == user_id)
    }
}

/// A Cliniko user (owner of API keys).
#[derive(Debug, Clone)]
pub struct User {
    /// Id.
    pub id: u64,
    /// Title (`Dr`), if any.
    pub title: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// One of the spec's role enum values.
    pub role: String,
    /// Created, unix ms.
    pub created_ms: u64,
}

impl User {
    /// The `User` JSON.
    pub fn to_json(&self, base: &str) -> Value {
        json!({
            "id": self.id.to_string(),
            "title": self.title,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "role": self.role,
            "active": true,
            "user_active": true,
            "time_zone": "Sydney",
            "time_zone_identifier": "Australia/Sydney",
            "phone_numbers": [],
            "created_at": iso(self.created_ms),
            "updated_at": iso(self.created_ms),
            "links": { "self": format!("{base}/users/{}", self.id) },
        })
    }
}

/// A practitioner (always linked to a user).
#[derive(Debug, Clone)]
pub struct Practitioner {
    /// Id.
    pub id: u64,
    /// The linked user.
    pub user_id: u64,
    /// Title (`Dr`), if any.
    pub title: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// e.g. `Physiotherapist`.
    pub designation: String,
    /// Active practitioners are listed by `GET /practitioners`.
    pub active: bool,
    /// Created, unix ms.
    pub created_ms: u64,
}

impl Practitioner {
    /// "Dr Amelia Hart" / "Tom Nguyen": the author name notes carry.
    pub fn display_name(&self) -> String {
        match &self.title {
            Some(t) => format!("{t} {} {}", self.first_name, self.last_name),
            None => format!("{} {}", self.first_name, self.last_name),
        }
    }

    /// The `Practitioner` JSON.
    pub fn to_json(&self, base: &str) -> Value {
        let me = format!("{base}/practitioners/{}", self.id);
        json!({
            "id": self.id.to_string(),
            "title": self.title,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": self.display_name(),
            "label": self.display_name(),
            "designation": self.designation,
            "description": null,
            "active": self.active,
            "show_in_online_bookings": true,
            "created_at": iso(self.created_ms),
            "updated_at": iso(self.created_ms),
            "user": { "links": { "self": format!("{base}/users/{}", self.user_id) } },
            "appointments": { "links": { "self": format!("{me}/appointments") } },
            "appointment_types": { "links": { "self": format!("{me}/appointment_types") } },
            "invoices": { "links": { "self": format!("{me}/invoices") } },
            "practitioner_reference_numbers": { "links": { "self": format!("{me}/practitioner_reference_numbers") } },
            "default_appointment_type": { "links": { "self": format!("{base}/appointment_types/1") } },
            "links": { "self": me },
        })
    }
}

/// A patient phone number.
#[derive(Debug, Clone)]
pub struct Phone {
    /// As typed by the clinic (`0412 345 678`, `+61 412 345 678`, `(02) 9123 4567`).
    pub number: String,
    /// `Mobile`, `Home`, `Work`, `Fax` or `Other`.
    pub phone_type: String,
}

impl Phone {
    /// Digits only, with a leading `0` replaced by the country prefix (Cliniko's `normalized_number`).
    pub fn normalized(&self, country_prefix: &str) -> String {
        let digits: String = self.number.chars().filter(char::is_ascii_digit).collect();
        match digits.strip_prefix('0') {
            Some(rest) if !self.number.trim_start().starts_with('+') => {
                format!("{country_prefix}{rest}")
            }
            _ => digits,
        }
    }
}

/// A patient.
#[derive(Debug, Clone, Default)]
pub struct Patient {
    /// Id.
    pub id: u64,
    /// Title (`Mr`, `Ms`…), if any.
    pub title: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Preferred first name, if any.
    pub preferred_first_name: Option<String>,
    /// `YYYY-MM-DD`, if known.
    pub date_of_birth: Option<String>,
    /// Email, if any.
    pub email: Option<String>,
    /// Phone numbers (may be empty).
    pub phones: Vec<Phone>,
    /// Sex, if recorded.
    pub sex: Option<String>,
    /// Reference from an older system.
    pub old_reference_id: Option<String>,
    /// Street address.
    pub address_1: Option<String>,
    /// Suburb / city.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Post code.
    pub post_code: Option<String>,
    /// Occupation.
    pub occupation: Option<String>,
    /// Whether the privacy policy was accepted.
    pub accepted_privacy_policy: Option<bool>,
    /// Archived time, unix ms.
    pub archived_ms: Option<u64>,
    /// Created, unix ms.
    pub created_ms: u64,
    /// Updated, unix ms.
    pub updated_ms: u64,
}

impl Patient {
    /// The `Patient` JSON.
    pub fn to_json(&self, base: &str, country_code: &str) -> Value {
        let me = format!("{base}/patients/{}", self.id);
        let q = |filter: &str| format!("{base}/{filter}?q%5B%5D=patient_id%3A%3D{}", self.id);
        let prefix = if country_code == "GB" { "44" } else { "61" };
        let phones: Vec<Value> = self
            .phones
            .iter()
            .map(|p| json!({ "number": p.number, "normalized_number": p.normalized(prefix), "phone_type": p.phone_type }))
            .collect();
        let label = match &self.preferred_first_name {
            Some(pref) => format!("{} ({pref}) {}", self.first_name, self.last_name),
            None => format!("{} {}", self.first_name, self.last_name),
        };
        json!({
            "id": self.id.to_string(),
            "title": self.title,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "preferred_first_name": self.preferred_first_name,
            "label": label,
            "date_of_birth": self.date_of_birth,
            "email": self.email,
            "patient_phone_numbers": phones,
            "sex": self.sex,
            "gender_identity": null,
            "pronouns": null,
            "old_reference_id": self.old_reference_id,
            "address_1": self.address_1,
            "address_2": null,
            "address_3": null,
            "city": self.city,
            "state": self.state,
            "post_code": self.post_code,
            "country_code": country_code,
            "occupation": self.occupation,
            "notes": null,
            "appointment_notes": null,
            "medicare": null,
            "medicare_reference_number": null,
            "time_zone": null,
            "custom_fields": null,
            "accepted_privacy_policy": self.accepted_privacy_policy,
            "archived_at": self.archived_ms.map(iso),
            "deleted_at": null,
            "merged_at": null,
            "created_at": iso(self.created_ms),
            "updated_at": iso(self.updated_ms),
            "appointments": { "links": { "self": format!("{me}/appointments") } },
            "attendees": { "links": { "self": q("attendees") } },
            "invoices": { "links": { "self": format!("{me}/invoices") } },
            "medical_alerts": { "links": { "self": format!("{me}/medical_alerts") } },
            "patient_attachments": { "links": { "self": format!("{me}/patient_attachments") } },
            "relationships": { "links": { "self": q("relationships") } },
            "latest_booking": { "links": { "self": format!("{me}/latest_booking") } },
            "links": { "self": me },
        })
    }

    /// "First Last" for HTML pages.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A treatment note template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// `{"sections":[…]}` in the template shape.
    pub content: Value,
    /// Archived time, unix ms.
    pub archived_ms: Option<u64>,
    /// Created, unix ms.
    pub created_ms: u64,
}

impl Template {
    /// The `TreatmentNoteTemplate` JSON.
    pub fn to_json(&self, base: &str) -> Value {
        json!({
            "id": self.id.to_string(),
            "name": self.name,
            "content": self.content,
            "print_settings": {
                "include_patient_address": false, "include_patient_dob": true,
                "include_patient_medicare": false, "include_patient_occupation": false,
                "include_patient_reference_number": false, "title": self.name,
            },
            "archived_at": self.archived_ms.map(iso),
            "deleted_at": null,
            "created_at": iso(self.created_ms),
            "updated_at": iso(self.created_ms),
            "links": { "self": format!("{base}/treatment_note_templates/{}", self.id) },
        })
    }
}

/// A treatment note.
#[derive(Debug, Clone)]
pub struct Note {
    /// Id.
    pub id: u64,
    /// Patient.
    pub patient_id: u64,
    /// Author (the key's practitioner).
    pub practitioner_id: u64,
    /// Template, if one was given.
    pub template_id: Option<u64>,
    /// Booking (individual or group appointment), if one was given.
    pub booking_id: Option<u64>,
    /// Group-appointment attendee, if one was given.
    pub attendee_id: Option<u64>,
    /// Title.
    pub title: String,
    /// Draft flag.
    pub draft: Option<bool>,
    /// Sanitised content (`null` allowed).
    pub content: Value,
    /// The practitioner's display name.
    pub author_name: String,
    /// Archived time, unix ms.
    pub archived_ms: Option<u64>,
    /// Set when the note is final.
    pub finalized_ms: Option<u64>,
    /// Created, unix ms.
    pub created_ms: u64,
    /// Updated, unix ms.
    pub updated_ms: u64,
}

impl Note {
    /// The `TreatmentNote` JSON.
    pub fn to_json(&self, base: &str) -> Value {
        let mut v = json!({
            "id": self.id.to_string(),
            "title": self.title,
            "draft": self.draft,
            "author_name": self.author_name,
            "content": self.content,
            "finalized_at": self.finalized_ms.map(iso),
            "archived_at": self.archived_ms.map(iso),
            "deleted_at": null,
            "pinned_at": null,
            "created_at": iso(self.created_ms),
            "updated_at": iso(self.updated_ms),
            "patient": { "links": { "self": format!("{base}/patients/{}", self.patient_id) } },
            "practitioner": { "links": { "self": format!("{base}/practitioners/{}", self.practitioner_id) } },
            "links": { "self": format!("{base}/treatment_notes/{}", self.id) },
        });
        // Link objects are `{links:{self: uri}}` and `self` is not nullable in the spec, so an
        // absent relation is left out rather than sent with a null link.
        if let Some(t) = self.template_id {
            v["treatment_note_template"] =
                json!({ "links": { "self": format!("{base}/treatment_note_templates/{t}") } });
        }
        if let Some(b) = self.booking_id {
            v["booking"] = json!({ "links": { "self": format!("{base}/bookings/{b}") } });
        }
        if let Some(a) = self.attendee_id {
            v["attendee"] = json!({ "links": { "self": format!("{base}/attendees/{a}") } });
        }
        v
    }
}
