//! Typed Cliniko records (the fields the extension uses) and how each is read from a body.
//!
//! Unknown fields are ignored; ids are [`ClinikoId`] strings (legacy numeric ids accepted).

use super::content::Content;
use super::decode::{Obj, bad};
use super::id::{Cliniko, ClinikoId};
use crate::Result;
pub use crate::json::Decode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record that Cliniko lists under a plural key (`{"patients": [...], "total_entries", "links"}`).
pub trait Listed: Decode<Cliniko> {
    /// The list's key in the page envelope.
    const LIST_KEY: &'static str;
}

/// One page of a list (reference §4): the items, `total_entries`, and `links.next` when present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The records on this page.
    pub items: Vec<T>,
    /// Total records matching the query across all pages, when the server says.
    pub total_entries: Option<u64>,
    /// The next page's URL (absent on the last page). Check it with
    /// [`super::url::check_same_api`] before following (see [`super::requests::follow_next`]).
    pub next: Option<String>,
}

impl<T: Listed> Decode<Cliniko> for Page<T> {
    fn decode(obj: &Obj<'_>) -> Result<Self> {
        if obj.raw(T::LIST_KEY).is_none() {
            return Err(bad(&obj.field_path(T::LIST_KEY), "missing list"));
        }
        let items = obj
            .array_opt(T::LIST_KEY)?
            .into_iter()
            .map(|(v, path)| T::decode(&Obj::new(v, &path)?))
            .collect::<Result<Vec<T>>>()?;
        let next = match obj.obj_opt("links")? {
            Some(links) => links.nonempty_opt("next")?,
            None => None,
        };
        Ok(Page {
            items,
            total_entries: obj.u64_opt("total_entries")?,
            next,
        })
    }
}

/// `GET /user`: the user who owns the API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// User id.
    pub id: ClinikoId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// `administrator`, `practitioner`, `receptionist`, … (does not say whether the user is a
    /// practitioner: reference §7).
    pub role: Option<String>,
}

impl Decode<Cliniko> for User {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(User {
            id: o.id("id")?,
            first_name: o.str_or_empty("first_name")?,
            last_name: o.str_or_empty("last_name")?,
            role: o.str_opt("role")?,
        })
    }
}

/// A practitioner (`GET /practitioners`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practitioner {
    /// Practitioner id (differs from the user id).
    pub id: ClinikoId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Display name, if set.
    pub display_name: Option<String>,
    /// The linked user's id, from `user.links.self`.
    pub user_id: Option<ClinikoId>,
    /// Whether active.
    pub active: Option<bool>,
}

impl Decode<Cliniko> for Practitioner {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(Practitioner {
            id: o.id("id")?,
            first_name: o.str_or_empty("first_name")?,
            last_name: o.str_or_empty("last_name")?,
            display_name: o.str_opt("display_name")?,
            user_id: o.linked_id("user")?,
            active: o.bool_opt("active")?,
        })
    }
}

impl Listed for Practitioner {
    const LIST_KEY: &'static str = "practitioners";
}

/// `GET /settings/public`: the account and its terminology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSettings {
    /// The account (clinic).
    pub account: Account,
    /// Words the clinic uses.
    pub terminology: Terminology,
}

/// `PublicSettings.account`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Account id.
    pub id: Option<ClinikoId>,
    /// The clinic's name.
    pub name: Option<String>,
    /// Web subdomain: `https://<subdomain>.<shard>.cliniko.com` (reference §10). Checked to be a
    /// DNS label, because it is put into links the clinician opens.
    pub subdomain: Option<String>,
}

/// `PublicSettings.terminology`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terminology {
    /// What the clinic calls a patient: `patient` or `client`.
    pub patient: Option<String>,
}

impl Decode<Cliniko> for PublicSettings {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        let account = match o.obj_opt("account")? {
            Some(a) => {
                let subdomain = a.nonempty_opt("subdomain")?;
                if let Some(s) = &subdomain
                    && !is_dns_label(s)
                {
                    return Err(bad(&a.field_path("subdomain"), "not a host name label"));
                }
                Account {
                    id: a.id_opt("id")?,
                    name: a.str_opt("name")?,
                    subdomain,
                }
            }
            None => Account::default(),
        };
        let terminology = match o.obj_opt("terminology")? {
            Some(t) => Terminology {
                patient: t.nonempty_opt("patient")?,
            },
            None => Terminology::default(),
        };
        Ok(PublicSettings {
            account,
            terminology,
        })
    }
}

/// Whether `s` is one DNS label (`a-z 0-9 -`, 1–63 chars, no leading/trailing dash).
pub fn is_dns_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// One of a patient's phone numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// As entered, e.g. `0412 345 678`.
    pub number: Option<String>,
    /// Cliniko's normalised digits (country code + number, e.g. `61412345678`), when present.
    pub normalized_number: Option<String>,
    /// `Mobile`, `Home`, `Work`, `Fax`, `Other`.
    pub phone_type: Option<String>,
}

impl Decode<Cliniko> for PhoneNumber {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(PhoneNumber {
            number: o.nonempty_opt("number")?,
            normalized_number: o.nonempty_opt("normalized_number")?,
            phone_type: o.nonempty_opt("phone_type")?,
        })
    }
}

/// A patient (`GET /patients`, `GET /patients/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// Patient id.
    pub id: ClinikoId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Preferred first name, if set.
    pub preferred_first_name: Option<String>,
    /// `YYYY-MM-DD`, if known.
    pub date_of_birth: Option<String>,
    /// Email, if any.
    pub email: Option<String>,
    /// Phone numbers (empty when null).
    pub patient_phone_numbers: Vec<PhoneNumber>,
    /// When archived; `None` when not (both `null` and `""` mean not archived).
    pub archived_at: Option<String>,
}

impl Patient {
    /// Whether the patient is archived.
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

impl From<Patient> for crate::search::rank::Candidate {
    fn from(p: Patient) -> Self {
        let archived = p.is_archived();
        let (id, phones) = (p.id.to_string(), p.patient_phone_numbers);
        Self::new(
            id,
            p.first_name,
            p.last_name,
            p.preferred_first_name,
            p.date_of_birth,
            p.email,
            phones,
            archived,
        )
    }
}

impl Decode<Cliniko> for Patient {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        let patient_phone_numbers = o
            .array_opt("patient_phone_numbers")?
            .into_iter()
            .map(|(v, path)| PhoneNumber::decode(&Obj::new(v, &path)?))
            .collect::<Result<Vec<_>>>()?;
        Ok(Patient {
            id: o.id("id")?,
            first_name: o.str_or_empty("first_name")?,
            last_name: o.str_or_empty("last_name")?,
            preferred_first_name: o.nonempty_opt("preferred_first_name")?,
            date_of_birth: o.nonempty_opt("date_of_birth")?,
            email: o.nonempty_opt("email")?,
            patient_phone_numbers,
            archived_at: o.nonempty_opt("archived_at")?,
        })
    }
}

impl Listed for Patient {
    const LIST_KEY: &'static str = "patients";
}

/// A treatment note (`POST /treatment_notes`, `GET /patients/{id}/treatment_notes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentNote {
    /// Note id.
    pub id: ClinikoId,
    /// Title.
    pub title: Option<String>,
    /// Content as sent back (sanitised by Cliniko, so it may differ from what was sent).
    pub content: Option<Content>,
    /// Creation time (UTC).
    pub created_at: Option<String>,
    /// When archived (`null`/`""` = not archived).
    pub archived_at: Option<String>,
}

impl Decode<Cliniko> for TreatmentNote {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(TreatmentNote {
            id: o.id("id")?,
            title: o.str_opt("title")?,
            content: content_opt(o)?,
            created_at: o.nonempty_opt("created_at")?,
            archived_at: o.nonempty_opt("archived_at")?,
        })
    }
}

impl Listed for TreatmentNote {
    const LIST_KEY: &'static str = "treatment_notes";
}

/// A treatment-note template (`GET /treatment_note_templates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentNoteTemplate {
    /// Template id.
    pub id: ClinikoId,
    /// Name shown to clinicians.
    pub name: String,
    /// Sections and questions (`content.sections[]`), for the template filler.
    pub content: Option<Content>,
    /// When archived (`null`/`""` = in use).
    pub archived_at: Option<String>,
}

impl Decode<Cliniko> for TreatmentNoteTemplate {
    fn decode(o: &Obj<'_>) -> Result<Self> {
        Ok(TreatmentNoteTemplate {
            id: o.id("id")?,
            name: o.str_or_empty("name")?,
            content: content_opt(o)?,
            archived_at: o.nonempty_opt("archived_at")?,
        })
    }
}

impl Listed for TreatmentNoteTemplate {
    const LIST_KEY: &'static str = "treatment_note_templates";
}

/// `content` must be an object (`{sections: [...]}`) or null; a JSON-encoded string (a LEGACY
/// mistake, reference §8) is refused rather than passed on. serde's message is not used: it
/// would quote the offending value, which may be clinical text.
fn content_opt(o: &Obj<'_>) -> Result<Option<Content>> {
    match o.raw("content") {
        None => Ok(None),
        Some(v @ Value::Object(_)) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|_| bad(&o.field_path("content"), "not treatment-note content")),
        Some(_) => Err(bad(&o.field_path("content"), "expected an object")),
    }
}
