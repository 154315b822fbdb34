//! `POST /treatment_notes` (validation per cliniko-api.md §8, sanitising, 201) and archive/unarchive.

use serde_json::{Map, Value as Json, json};

use super::error;
use super::model::{Account, Note};
use super::sanitize::sanitize_html;
use crate::config::Config;
use crate::http::HttpResponse;

const QUESTION_TYPES: &[&str] = &[
    "text",
    "paragraph",
    "date",
    "checkboxes",
    "radiobuttons",
    "bodycharts",
];

/// An id given as a string of digits (the spec) or a JSON number (LEGACY bodies): both accepted.
fn id_of(v: &Json) -> Option<u64> {
    match v {
        Json::String(s) => s.trim().parse().ok(),
        Json::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// 422 `{"message":"Validation Failed","errors":{field: msg}}` (the only documented error body).
fn validation_failed(errors: Map<String, Json>) -> HttpResponse {
    HttpResponse::json(
        422,
        &json!({ "message": "Validation Failed", "errors": errors }),
    )
}

/// Create a note as the key's practitioner. Only practitioner users may (LEGACY docs): others 403.
pub fn create(
    acc: &mut Account,
    user_id: u64,
    body: &str,
    cfg: &Config,
    now_ms: u64,
) -> Result<HttpResponse, HttpResponse> {
    let Some(practitioner) = acc.practitioner_for_user(user_id).cloned() else {
        return Err(error(
            403,
            "Forbidden: only practitioners can create treatment notes",
        ));
    };
    let body: Json =
        serde_json::from_str(body).map_err(|_| error(400, "Bad Request: the body must be JSON"))?;
    let Json::Object(body) = body else {
        return Err(error(400, "Bad Request: the body must be a JSON object"));
    };
    let mut errors = Map::new();
    let mut err = |field: &str, msg: &str| {
        errors
            .entry(field.to_string())
            .or_insert_with(|| json!(msg));
    };

    let patient_id = match body.get("patient_id") {
        None | Some(Json::Null) => {
            err("patient", "must exist");
            None
        }
        Some(v) => match id_of(v).and_then(|id| acc.patients.iter().find(|p| p.id == id)) {
            None => {
                err("patient", "must exist");
                None
            }
            Some(p) if p.archived_ms.is_some() => {
                err("patient", "is archived");
                None
            }
            Some(p) => Some(p.id),
        },
    };
    let template = match body.get("treatment_note_template_id") {
        None | Some(Json::Null) => {
            if cfg.template_required {
                err("treatment_note_template", "must exist");
            }
            None
        }
        Some(v) => match id_of(v).and_then(|id| {
            acc.templates
                .iter()
                .find(|t| t.id == id && t.archived_ms.is_none())
        }) {
            Some(t) => Some((t.id, t.name.clone())),
            None => {
                err("treatment_note_template", "must exist");
                None
            }
        },
    };
    let title = match body.get("title") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) if s.chars().count() > 255 => {
            err("title", "is too long (maximum is 255 characters)");
            None
        }
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => {
            err("title", "must be a string");
            None
        }
    };
    let draft = match body.get("draft") {
        // Whether `draft` defaults to true when omitted is UNCONFIRMED; the sandbox stores a draft
        // (the safer reading), so clients should always send it explicitly.
        None => Some(true),
        Some(Json::Null) => None,
        Some(Json::Bool(b)) => Some(*b),
        Some(_) => {
            err("draft", "must be true or false");
            None
        }
    };
    let content = match body.get("content") {
        None | Some(Json::Null) => Json::Null,
        Some(Json::Object(c)) => match check_content(c) {
            Ok(clean) => clean,
            Err(msg) => {
                err("content", &msg);
                Json::Null
            }
        },
        // LEGACY examples briefly sent content as a JSON-encoded string (fixed in PR #325): reject.
        Some(_) => {
            err("content", "must be an object");
            Json::Null
        }
    };
    // The link fields are int64 strings in the spec (numbers accepted, as for the other ids).
    let mut link_id = |field: &str, name: &str| match body.get(field) {
        None | Some(Json::Null) => None,
        Some(v) => {
            let id = id_of(v);
            if id.is_none() {
                err(name, "must be an id");
            }
            id
        }
    };
    let booking_id = link_id("booking_id", "booking");
    let attendee_id = link_id("attendee_id", "attendee");
    if let Some(p) = patient_id
        && let Err((field, msg)) = super::diary::check_link(acc, p, booking_id, attendee_id)
    {
        err(field, msg);
    }
    if !errors.is_empty() {
        return Err(validation_failed(errors));
    }
    let Some(patient_id) = patient_id else {
        return Err(validation_failed(errors));
    };
    let id = acc.new_id();
    let note = Note {
        id,
        patient_id,
        practitioner_id: practitioner.id,
        template_id: template.as_ref().map(|t| t.0),
        // An attendee belongs to one booking: a note linked to an attendee is linked to it too.
        booking_id: booking_id.or_else(|| {
            attendee_id
                .and_then(|a| acc.diary.attendees.iter().find(|x| x.id == a))
                .map(|x| x.booking_id)
        }),
        attendee_id,
        // Title defaulting to the template name is UNCONFIRMED (LEGACY shows it); mirrored here.
        title: title
            .or_else(|| template.map(|t| t.1))
            .unwrap_or_else(|| "Treatment Note".into()),
        draft,
        content,
        author_name: practitioner.display_name(),
        archived_ms: None,
        finalized_ms: (draft == Some(false)).then_some(now_ms),
        created_ms: now_ms,
        updated_ms: now_ms,
    };
    let base = acc.api_base();
    let json = note.to_json(&base);
    super::diary::mark_noted(acc, &note);
    acc.notes.push(note);
    // LEGACY responses carried a Location header on create; harmless to keep.
    Ok(HttpResponse::json(201, &json)
        .with_header("Location", &format!("{base}/treatment_notes/{id}")))
}

/// Validate `content` (LEGACY rules: no empty arrays, no empty answers, `selected` only `true`,
/// at most one radio selected) and return it with paragraph answers sanitised and `\n\r\t` stripped.
fn check_content(c: &Map<String, Json>) -> Result<Json, String> {
    let mut out = c.clone();
    let Some(sections) = c.get("sections") else {
        return Ok(Json::Object(out));
    };
    let Json::Array(sections) = sections else {
        return Err("sections must be an array".into());
    };
    if sections.is_empty() {
        return Err("sections can't be empty (omit it, or send content: null)".into());
    }
    let mut clean_sections = Vec::new();
    for (si, s) in sections.iter().enumerate() {
        let Json::Object(s) = s else {
            return Err(format!("sections[{si}] must be an object"));
        };
        let mut s = s.clone();
        for key in ["name", "description"] {
            match s.get(key) {
                None | Some(Json::Null) => {}
                Some(Json::String(v)) if key == "name" && v.chars().count() > 255 => {
                    return Err(format!("sections[{si}].name is too long"));
                }
                Some(Json::String(_)) => {}
                Some(_) => return Err(format!("sections[{si}].{key} must be a string")),
            }
        }
        if let Some(qs) = s.get("questions") {
            let Json::Array(qs) = qs else {
                return Err(format!("sections[{si}].questions must be an array"));
            };
            if qs.is_empty() {
                return Err(format!("sections[{si}].questions can't be empty"));
            }
            let mut clean = Vec::new();
            for (qi, q) in qs.iter().enumerate() {
                clean.push(
                    check_question(q).map_err(|m| format!("sections[{si}].questions[{qi}].{m}"))?,
                );
            }
            s.insert("questions".into(), Json::Array(clean));
        }
        clean_sections.push(Json::Object(s));
    }
    out.insert("sections".into(), Json::Array(clean_sections));
    Ok(Json::Object(out))
}

fn check_question(q: &Json) -> Result<Json, String> {
    let Json::Object(q) = q else {
        return Err("question must be an object".into());
    };
    let mut q = q.clone();
    match q.get("name") {
        Some(Json::String(n)) if !n.is_empty() && n.chars().count() <= 255 => {}
        Some(Json::String(n)) if !n.is_empty() => return Err("name is too long".into()),
        _ => return Err("name can't be blank".into()),
    }
    let qtype = match q.get("type") {
        Some(Json::String(t)) if QUESTION_TYPES.contains(&t.as_str()) => t.clone(),
        _ => return Err(format!("type must be one of {}", QUESTION_TYPES.join(", "))),
    };
    match qtype.as_str() {
        "text" | "paragraph" | "date" => match q.get("answer") {
            None => {}
            Some(Json::String(a)) if a.trim().is_empty() => {
                return Err("answer can't be blank (omit it instead)".into());
            }
            Some(Json::String(a)) if qtype == "date" && crate::clock::parse_date(a).is_none() => {
                return Err("answer must be a date (YYYY-MM-DD)".into());
            }
            Some(Json::String(a)) => {
                let clean = if qtype == "paragraph" {
                    sanitize_html(a)
                } else {
                    a.chars()
                        .filter(|c| !matches!(c, '\n' | '\r' | '\t'))
                        .collect()
                };
                q.insert("answer".into(), Json::String(clean));
            }
            Some(_) => return Err("answer must be a string".into()),
        },
        "checkboxes" | "radiobuttons" => {
            let mut selected = 0;
            if let Some(answers) = q.get("answers") {
                let Json::Array(answers) = answers else {
                    return Err("answers must be an array".into());
                };
                if answers.is_empty() {
                    return Err("answers can't be empty (omit it instead)".into());
                }
                for a in answers {
                    let Json::Object(a) = a else {
                        return Err("answers must be objects".into());
                    };
                    match a.get("value") {
                        None | Some(Json::Null) => {}
                        Some(Json::String(v)) if v.chars().count() <= 255 => {}
                        _ => {
                            return Err(
                                "answers value must be a string of at most 255 characters".into()
                            );
                        }
                    }
                    match a.get("selected") {
                        None => {}
                        Some(Json::Bool(true)) => selected += 1,
                        Some(_) => {
                            return Err(
                                "answers selected accepts only true (omit it otherwise)".into()
                            );
                        }
                    }
                }
            }
            let other_selected =
                q.get("other").and_then(|o| o.get("selected")) == Some(&Json::Bool(true));
            if qtype == "radiobuttons" && (selected > 1 || (selected > 0 && other_selected)) {
                return Err("answers: only one option may be selected".into());
            }
        }
        _ => match q.get("body_chart_ids") {
            None => {}
            Some(Json::Array(ids))
                if ids
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| s.parse::<u64>().is_ok())) => {}
            Some(_) => return Err("body_chart_ids must be an array of id strings".into()),
        },
    }
    Ok(Json::Object(q))
}

/// Archive (`Some(now)`) or unarchive (`None`) a note; only practitioner users may (UNCONFIRMED
/// permission; mirrors the create rule). Returns the note JSON.
pub fn set_archived(
    acc: &mut Account,
    user_id: u64,
    id: &str,
    at: Option<u64>,
) -> Result<Json, HttpResponse> {
    if acc.practitioner_for_user(user_id).is_none() {
        return Err(error(
            403,
            "Forbidden: only practitioners can archive treatment notes",
        ));
    }
    let base = acc.api_base();
    let note = acc
        .notes
        .iter_mut()
        .find(|n| n.id.to_string() == id)
        .ok_or_else(|| error(404, "Not Found"))?;
    if at.is_some() && note.archived_ms.is_some() {
        // Archiving twice: the note is already out of every list; answer as if it were missing.
        return Err(error(404, "Not Found"));
    }
    note.archived_ms = at;
    if let Some(t) = at {
        note.updated_ms = t;
    }
    Ok(note.to_json(&base))
}
