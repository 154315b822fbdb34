//! Typed Nookal records (the fields the extension uses) and how each is read.
//!
//! Field names follow the SDK types (reference §2–§3): PascalCase for patients and practitioners
//! (`ID`, `FirstName`, `DOB`), camelCase for notes (`noteID`, `caseID`). Where sources disagree
//! or are silent, several spellings are accepted. Unknown fields are ignored.

use super::id::{Nookal, NookalId};
use super::read::{Rec, as_text, list_items};
use crate::Result;
pub use crate::json::Decode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A clinic location (`getLocations` → `results.locations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Location id.
    pub id: NookalId,
    /// Name shown to clinicians.
    pub name: String,
}

impl Decode<Nookal> for Location {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        let id = r.id_any(&["ID", "id", "locationID", "LocationID"])?;
        let name = r
            .text_any(&["Name", "name", "LocationName", "locationName", "Title"])?
            .unwrap_or_else(|| format!("Location {id}"));
        Ok(Location { id, name })
    }
}

/// A practitioner (`getPractitioners` → `results.practitioners`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practitioner {
    /// Practitioner id (what `addTreatmentNote` takes as `practitioner_id`).
    pub id: NookalId,
    /// Title, e.g. `Dr`.
    pub title: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// e.g. `Physiotherapist`.
    pub speciality: Option<String>,
    /// Location ids the practitioner works at (`locations: [1]`, numbers or strings).
    pub location_ids: Vec<NookalId>,
}

impl Practitioner {
    /// "Dr Jane Citizen" (the parts that are there).
    pub fn display_name(&self) -> String {
        [
            self.title.as_deref(),
            Some(&self.first_name),
            Some(&self.last_name),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    }
}

impl Decode<Nookal> for Practitioner {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        let location_ids = match r.raw("locations") {
            None => Vec::new(),
            Some(v) => list_items(v, &super::read::join(r.path(), "locations"))?
                .into_iter()
                .filter_map(|(v, _)| as_text(v).flatten())
                .filter_map(|t| NookalId::parse(&t).ok())
                .collect(),
        };
        Ok(Practitioner {
            id: r.id_any(&["ID", "id", "practitionerID"])?,
            title: r.text_any(&["Title", "title"])?,
            first_name: r.text_any(&["FirstName", "firstName"])?.unwrap_or_default(),
            last_name: r.text_any(&["LastName", "lastName"])?.unwrap_or_default(),
            speciality: r.text_any(&["Speciality", "speciality", "Specialty"])?,
            location_ids,
        })
    }
}

/// A patient (`searchPatients` / `getPatients` → `results.patients`), PascalCase on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// Patient id.
    pub id: NookalId,
    /// First name.
    pub first_name: String,
    /// Preferred name.
    pub nickname: Option<String>,
    /// Last name.
    pub last_name: String,
    /// `YYYY-MM-DD` (`DOB`); `0000-00-00` reads as unknown.
    pub date_of_birth: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Mobile number as entered.
    pub mobile: Option<String>,
    /// Home number.
    pub home: Option<String>,
    /// Work number.
    pub work: Option<String>,
    /// `active` (absent → unknown).
    pub active: Option<bool>,
    /// `deceased`.
    pub deceased: Option<bool>,
}

impl Decode<Nookal> for Patient {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        Ok(Patient {
            id: r.id_any(&["ID", "id", "patientID", "PatientID"])?,
            first_name: r.text_any(&["FirstName", "firstName"])?.unwrap_or_default(),
            nickname: r.text_any(&["Nickname", "nickname"])?,
            last_name: r.text_any(&["LastName", "lastName"])?.unwrap_or_default(),
            date_of_birth: r.date_any(&["DOB", "dob", "DateOfBirth"])?,
            email: r.text_any(&["Email", "email"])?,
            mobile: r.text_any(&["Mobile", "mobile"])?,
            home: r.text_any(&["Home", "home"])?,
            work: r.text_any(&["Work", "work"])?,
            active: r.flag("active")?,
            deceased: r.flag("deceased")?,
        })
    }
}

/// A patient's case (`getCases` → `results.cases`). Notes are filed under a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Case id (`addTreatmentNote`'s `case_id`).
    pub id: NookalId,
    /// Title.
    pub title: String,
    /// `status` as Nookal gives it. UNCONFIRMED vocabulary (reference §3 lists the field only).
    pub status: Option<String>,
    /// A start / creation date when present (`startDate`, `DateCreated`, … — v2's field name
    /// is undocumented, so several are tried). `YYYY-MM-DD[ HH:MM:SS]`.
    pub date: Option<String>,
}

impl Decode<Nookal> for Case {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        Ok(Case {
            id: r.id_any(&["ID", "id", "caseID", "CaseID"])?,
            title: r.text_any(&["title", "Title"])?.unwrap_or_default(),
            status: r.text_any(&["status", "Status"])?,
            date: r.date_any(&[
                "startDate",
                "StartDate",
                "start_date",
                "dateAdded",
                "DateAdded",
                "DateCreated",
                "dateCreated",
                "date_created",
                "referralDate",
            ])?,
        })
    }
}

/// A treatment note as read back (`getTreatmentNotes` → `results.notes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentNote {
    /// `noteID`.
    pub id: NookalId,
    /// `caseID`.
    pub case_id: Option<NookalId>,
    /// `date`, `YYYY-MM-DD HH:MM:SS` (local clinic time).
    pub date: Option<String>,
    /// `status`; `deleted` means removed.
    pub status: Option<String>,
    /// The note's text: `answers[0].answers[0]` for notes made through the API (reference §3),
    /// else every answer string joined by newlines, else `html`/`notes`.
    pub text: String,
}

impl TreatmentNote {
    /// Whether the note was deleted in Nookal.
    pub fn is_deleted(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("deleted"))
    }
}

impl Decode<Nookal> for TreatmentNote {
    fn decode(r: &Rec<'_>) -> Result<Self> {
        let mut strings = Vec::new();
        if let Some(a) = r.raw("answers") {
            collect_strings(a, &mut strings, 0);
        }
        let text = if strings.is_empty() {
            r.text_any(&["notes", "html", "Notes"])?.unwrap_or_default()
        } else {
            strings.join("\n")
        };
        Ok(TreatmentNote {
            id: r.id_any(&["noteID", "NoteID", "note_id", "ID", "id"])?,
            case_id: r.id_opt_any(&["caseID", "case_id"])?,
            date: r.date_any(&["date", "Date"])?,
            status: r.text_any(&["status", "Status"])?,
            text,
        })
    }
}

/// Answer strings in document order. `answers` is `[{answers: ["text"]}]` for API notes, and
/// template-specific otherwise; a JSON-encoded string is looked into too. Depth-limited.
fn collect_strings(v: &Value, out: &mut Vec<String>, depth: u8) {
    if depth > 8 {
        return;
    }
    match v {
        Value::String(s) => {
            let t = s.trim();
            if (t.starts_with('[') || t.starts_with('{'))
                && let Ok(inner) = serde_json::from_str::<Value>(t)
            {
                collect_strings(&inner, out, depth + 1);
            } else if !t.is_empty() {
                out.push(s.clone());
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_strings(i, out, depth + 1)),
        Value::Object(m) => {
            // API notes keep the text under `answers`; template notes may also carry question
            // labels, which are not note text.
            if let Some(inner) = m.get("answers") {
                collect_strings(inner, out, depth + 1);
            } else if let Some(inner) = m.get("answer").or_else(|| m.get("value")) {
                collect_strings(inner, out, depth + 1);
            }
        }
        _ => {}
    }
}
