//! The sandbox's Nookal v2 API: form-encoded POSTs to `api.nookal.com/production/v2/<method>`,
//! `api_key` in the body, failures as HTTP 200 with `status: "failure"` (nookal-api.md §1–§5).

pub mod diary;
pub mod model;

use serde_json::{Value as Json, json};

use crate::clock::{nookal_datetime, parse_iso};
use crate::codec::parse_pairs;
use crate::config::Config;
use crate::http::{HttpRequest, HttpResponse};
use model::{Case, Nookal, NookalNote};

/// Every v2 method name in the official SDK's table; the ones the sandbox does not model answer a
/// failure envelope, any other name gets Nookal's HTML 404 page (as observed live).
const SDK_METHODS: &[&str] = &[
    "version",
    "verify",
    "getLocations",
    "getPractitioners",
    "getClassTypes",
    "getAppointmentTypes",
    "getStockList",
    "getAppointmentAvailabilities",
    "getClassAvailabilities",
    "getClassParticipants",
    "addAppointmentBooking",
    "addClassBooking",
    "cancelAppointment",
    "rebookAppointment",
    "getPatients",
    "searchPatients",
    "addPatient",
    "editPatient",
    "addTreatmentNote",
    "getInvoices",
    "getTreatmentNotes",
    "getCases",
    "getAllCases",
    "getPatientFiles",
    "getFileUrl",
    "addCase",
    "editCase",
    "uploadFile",
    "setFileActive",
    "getLocationLogo",
    "getPractitionerPhoto",
    "getAppointments",
    "getClasses",
    "getAllTreatmentNotes",
    "getAllInvoices",
    "getPractitionerAppointmentTypes",
    "getServiceMatrix",
    "addInvoice",
    "addAccountCredit",
    "addItemToInvoice",
    "addPaymentToInvoice",
    "deleteItemFromInvoice",
    "deletePaymentFromInvoice",
    "deleteInvoice",
    "getInvoice",
    "getExtras",
    "addPatientExtra",
    "getWaitingList",
];

/// Nookal's themed 404 page for unknown paths and method names.
pub fn not_found_page() -> HttpResponse {
    HttpResponse::html(404, "<!doctype html><html><head><title>404 page not found</title></head><body>\
        <h1>404 page not found</h1><p>Hold it right there! The page you are looking for does not exist.</p></body></html>".into())
}

/// `{"status":"failure","details":{"errorMessage","errorCode"}}` with HTTP 200.
pub fn failure(message: &str, code: &str) -> HttpResponse {
    HttpResponse::json(
        200,
        &json!({ "status": "failure", "details": { "errorMessage": message, "errorCode": code } }),
    )
}

fn success(
    method: &str,
    results: Json,
    page: Option<(usize, usize, usize, usize)>,
) -> HttpResponse {
    // (current items, total items, current page, page length)
    let (current, total, page_no, len) = page.unwrap_or((1, 1, 1, 1));
    let next = if page_no * len < total {
        json!(page_no + 1)
    } else {
        Json::Null
    };
    HttpResponse::json(
        200,
        &json!({
            "status": "success",
            "data": { "api_call": method, "results": results },
            "details": { "currentItems": current, "totalItems": total },
            "settings": { "currentPage": page_no, "nextPage": next, "pageLength": len },
        }),
    )
}

fn paged(method: &str, key: &str, items: Vec<Json>, params: &Params) -> HttpResponse {
    let page = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    // page_length: default 100, max 200 (nookal-api.md §1).
    let len = params
        .get("page_length")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(100)
        .min(200);
    let total = items.len();
    let start = ((page - 1) * len).min(total);
    let slice: Vec<Json> = items.into_iter().skip(start).take(len).collect();
    let n = slice.len();
    success(method, json!({ key: slice }), Some((n, total, page, len)))
}

struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
    fn id(&self, k: &str) -> Option<u64> {
        self.get(k).and_then(|v| v.trim().parse().ok())
    }
}

/// Nookal's observed mojibake: the UTF-8 bytes of the text read as Windows-1252 and re-encoded, so
/// `café` is stored as `cafÃ©` and `•` as `â€¢` (nookal-api.md §3).
pub fn double_encode(text: &str) -> String {
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    text.bytes()
        .map(|b| {
            if (0x80..0xA0).contains(&b) {
                CP1252[usize::from(b - 0x80)]
            } else {
                char::from(b)
            }
        })
        .collect()
}

/// `YYYY-MM-DD HH:MM:SS` (or an ISO date-time, which live tests saw accepted) → stored form.
fn normalise_date(text: &str) -> Option<String> {
    parse_iso(text).map(nookal_datetime)
}

impl Nookal {
    /// Handle one request on `api.nookal.com`.
    pub fn handle(&mut self, req: &HttpRequest, cfg: &Config, now_ms: u64) -> HttpResponse {
        let Some(method) = req.path().strip_prefix("/production/v2/") else {
            return not_found_page();
        };
        let method = method.trim_end_matches('/');
        if !SDK_METHODS.contains(&method) {
            return not_found_page();
        }
        // Reads reportedly also work as GET with a query string; the SDK always POSTs a form body.
        let mut pairs = req.query_pairs();
        pairs.extend(parse_pairs(&req.body));
        let p = Params(pairs);
        match p.get("api_key") {
            None => {
                return HttpResponse::json(
                    200,
                    &json!({ "status": "failure", "details": { "errorCode": "L000_1", "alerts": ["Missing variable: api_key"] } }),
                );
            }
            // The invalid-key message and code are UNCONFIRMED; only the failure envelope is known.
            Some(k) if k != self.key => return failure("Invalid API key", "L000_2"),
            Some(_) => {}
        }
        match method {
            "version" => success(method, json!({ "version": "2.0" }), None),
            "verify" => success(method, json!({ "verify": true }), None),
            "getLocations" => paged(
                method,
                "locations",
                self.locations.iter().map(|l| l.to_json()).collect(),
                &p,
            ),
            "getPractitioners" => paged(
                method,
                "practitioners",
                self.practitioners.iter().map(|x| x.to_json()).collect(),
                &p,
            ),
            "getPatients" => paged(
                method,
                "patients",
                self.patients.iter().map(|x| x.to_json()).collect(),
                &p,
            ),
            "searchPatients" => self.search(method, &p),
            "getCases" => match p.id("patient_id") {
                Some(pid) => paged(
                    method,
                    "cases",
                    self.cases
                        .iter()
                        .filter(|c| c.patient_id == pid)
                        .map(|c| c.to_json())
                        .collect(),
                    &p,
                ),
                None => failure("Patient ID is missing", "L005"),
            },
            "addCase" => self.add_case(method, &p),
            "getTreatmentNotes" => match p.id("patient_id") {
                Some(pid) => paged(
                    method,
                    "notes",
                    self.notes
                        .iter()
                        .filter(|n| n.patient_id == pid)
                        .map(|n| n.to_json())
                        .collect(),
                    &p,
                ),
                None => failure("Patient ID is missing", "L007"),
            },
            "addTreatmentNote" => self.add_note(method, &p, req, cfg, now_ms),
            "getAppointments" => {
                // Filters honoured when sent (their names are UNCONFIRMED, see `diary`): a client
                // must still check the date and practitioner of what comes back.
                let from = p.get("date_from").map(str::to_string);
                let to = p.get("date_to").map(str::to_string);
                let prac = p.id("practitioner_id");
                let mut items: Vec<&diary::Appointment> = self
                    .appointments
                    .iter()
                    .filter(|a| from.as_ref().is_none_or(|f| a.local_date() >= *f))
                    .filter(|a| to.as_ref().is_none_or(|t| a.local_date() <= *t))
                    .filter(|a| prac.is_none_or(|x| a.practitioner_id == x))
                    .collect();
                items.sort_by_key(|a| (a.starts_ms, a.id));
                paged(
                    method,
                    "appointments",
                    items.iter().map(|a| a.to_json()).collect(),
                    &p,
                )
            }
            _ => failure("This method is not available in the sandbox", "SANDBOX"),
        }
    }

    fn search(&self, method: &str, p: &Params) -> HttpResponse {
        let lower = |s: &str| s.trim().to_lowercase();
        let hits: Vec<Json> = if let Some(id) = p.id("patient_id") {
            self.patients
                .iter()
                .filter(|x| x.id == id)
                .map(|x| x.to_json())
                .collect()
        } else if matches!(p.get("fuzzy_search"), Some("true" | "1")) {
            let Some(last) = p.get("last_name").map(lower) else {
                return failure("Last name is required for a fuzzy search", "L005");
            };
            let first = p.get("first_name").map(lower);
            self.patients
                .iter()
                .filter(|x| x.last_name.to_lowercase().contains(&last))
                .filter(|x| {
                    first.as_ref().is_none_or(|f| {
                        x.first_name.to_lowercase().contains(f)
                            || x.nickname
                                .as_ref()
                                .is_some_and(|n| n.to_lowercase().contains(f))
                    })
                })
                .map(|x| x.to_json())
                .collect()
        } else if let Some(email) = p.get("email").map(lower) {
            // `email` alone (nookal-api.md §2 models it; unconfirmed live): any case, exact address.
            self.patients
                .iter()
                .filter(|x| x.email.as_deref().map(lower).as_deref() == Some(email.as_str()))
                .map(|x| x.to_json())
                .collect()
        } else {
            // Exact search needs first name + last name + date of birth together (nookal-api.md §2).
            let (Some(f), Some(l), Some(dob)) = (
                p.get("first_name"),
                p.get("last_name"),
                p.get("date_of_birth"),
            ) else {
                return failure(
                    "Unable to retrieve patients: search criteria are missing",
                    "L005",
                );
            };
            self.patients
                .iter()
                .filter(|x| {
                    lower(&x.first_name) == lower(f)
                        && lower(&x.last_name) == lower(l)
                        && x.dob.as_deref() == Some(dob.trim())
                })
                .map(|x| x.to_json())
                .collect()
        };
        paged(method, "patients", hits, p)
    }

    fn add_case(&mut self, method: &str, p: &Params) -> HttpResponse {
        let (Some(pid), Some(title)) = (p.id("patient_id"), p.get("title")) else {
            return failure("One of Patient ID | Title is missing", "L008");
        };
        if !self.patients.iter().any(|x| x.id == pid) {
            return failure("Unable to retrieve patient", "L005");
        }
        self.next_id += 1;
        let id = self.next_id;
        self.cases.push(Case {
            id,
            patient_id: pid,
            title: title.to_string(),
            status: "Open".into(),
            provider_name: String::new(),
        });
        // The result key of addCase is UNCONFIRMED; `case_id` mirrors addTreatmentNote's `note_id`.
        success(method, json!({ "case_id": id.to_string() }), None)
    }

    fn add_note(
        &mut self,
        method: &str,
        p: &Params,
        req: &HttpRequest,
        cfg: &Config,
        now_ms: u64,
    ) -> HttpResponse {
        let (Some(pid), Some(cid), Some(prid), Some(date), Some(notes)) = (
            p.id("patient_id"),
            p.id("case_id"),
            p.id("practitioner_id"),
            p.get("date"),
            p.get("notes"),
        ) else {
            return failure(
                "One of Patient ID | Case ID | Practitioner ID | Date | Notes is missing",
                "L009",
            );
        };
        if !self.patients.iter().any(|x| x.id == pid) {
            return failure("Unable to retrieve patient", "L005");
        }
        if !self
            .cases
            .iter()
            .any(|c| c.id == cid && c.patient_id == pid)
        {
            return failure("Unable to retrieve case for this patient", "L009");
        }
        if !self.practitioners.iter().any(|x| x.id == prid) {
            return failure("Unable to retrieve practitioner", "L004");
        }
        let Some(date) = normalise_date(date) else {
            return failure("Invalid date", "L009");
        };
        // `appt_id` links the note to an appointment (nookal-api.md §3). What Nookal does with an
        // appointment of another patient is UNCONFIRMED (it may ignore it, as it ignores unknown
        // parameters); the sandbox refuses it with the failure envelope so that a contradictory
        // link fails loudly. The extension never relies on this: its core checks the link first.
        let appt_id = match p.get("appt_id") {
            None => None,
            Some(raw) => match raw
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|a| self.appointments.iter().find(|x| x.id == a))
            {
                Some(a) if a.patient_id == pid => Some(a.id),
                Some(_) => {
                    return failure("The appointment belongs to another patient", "L009");
                }
                None => return failure("Unable to retrieve appointment", "L006"),
            },
        };
        self.next_id += 1;
        let id = self.next_id;
        // Bodies declared in another charset (iso-8859-1, utf-16le) were "silently dropped" live:
        // success is answered, but the note never appears.
        let charset_ok = req
            .header_value("content-type")
            .and_then(|ct| {
                ct.to_ascii_lowercase().split(';').find_map(|p| {
                    p.trim()
                        .strip_prefix("charset=")
                        .map(|c| c.trim_matches('"').to_string())
                })
            })
            .is_none_or(|c| c == "utf-8" || c == "utf8");
        if charset_ok {
            let text = if cfg.nookal_double_encode {
                double_encode(notes)
            } else {
                notes.to_string()
            };
            // Unknown parameters are ignored and still succeed (as editPatient does live).
            self.notes.push(NookalNote {
                id,
                patient_id: pid,
                case_id: cid,
                practitioner_id: prid,
                date,
                text,
                created_ms: now_ms,
                appt_id,
            });
            if let Some(a) = appt_id.and_then(|a| self.appointments.iter_mut().find(|x| x.id == a))
            {
                a.note_id = Some(id);
            }
        }
        success(method, json!({ "note_id": id.to_string() }), None)
    }
}

#[cfg(test)]
mod tests {
    use super::double_encode;

    #[test]
    fn mojibake_matches_observed() {
        assert_eq!(double_encode("café"), "cafÃ©");
        assert_eq!(double_encode("°"), "Â°");
        assert_eq!(double_encode("•"), "â€¢");
        assert_eq!(double_encode("plain"), "plain");
    }
}
