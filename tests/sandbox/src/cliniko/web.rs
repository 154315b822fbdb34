//! Minimal Cliniko web-app pages on `<subdomain>.<shard>.cliniko.com`, so receipt links open something.

use super::model::Account;
use crate::clock::iso;
use crate::codec::html_escape as esc;
use crate::http::{HttpRequest, HttpResponse};

fn page(acc: &Account, title: &str, body: &str) -> HttpResponse {
    HttpResponse::html(
        200,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · {n} · Cliniko</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:0;color:#1d2633}}header{{background:#163a5f;color:#fff;padding:12px 24px}}\
         main{{padding:24px;max-width:900px}}a{{color:#0b63c5}}.note{{border:1px solid #d6dde6;border-radius:6px;padding:12px 16px;margin:12px 0}}\
         .muted{{color:#5b6b7d;font-size:14px}}</style></head><body><header><strong>Cliniko</strong> · {n}</header><main>{body}</main></body></html>",
            t = esc(title),
            n = esc(&acc.name)
        ),
    )
}

/// `/patients/<id>`, `/patients/<id>/treatment_notes`, `/patients/<id>/treatment_notes/<note_id>[/edit]`.
pub fn handle(acc: &Account, req: &HttpRequest) -> HttpResponse {
    let segs: Vec<&str> = req.path().trim_matches('/').split('/').collect();
    let not_found = || {
        HttpResponse::html(
            404,
            "<!doctype html><title>Not found</title><h1>Page not found</h1>".into(),
        )
    };
    let patient = |id: &str| acc.patients.iter().find(|p| p.id.to_string() == id);
    match segs.as_slice() {
        [""] => page(
            acc,
            "Dashboard",
            &format!(
                "<h1>{}</h1><p>{} patients.</p>",
                esc(&acc.name),
                acc.patients.len()
            ),
        ),
        ["patients", id] => match patient(id) {
            Some(p) => page(
                acc,
                &p.full_name(),
                &format!(
                    "<h1 data-patient-id=\"{id}\">{name}</h1><p class=\"muted\">Date of birth: {dob}</p><p><a href=\"/patients/{id}/treatment_notes\">Treatment notes</a></p>",
                    id = p.id,
                    name = esc(&p.full_name()),
                    dob = esc(p.date_of_birth.as_deref().unwrap_or("not recorded"))
                ),
            ),
            None => not_found(),
        },
        ["patients", id, "treatment_notes"] => match patient(id) {
            Some(p) => {
                let items: String = acc.notes.iter().filter(|n| n.patient_id == p.id && n.archived_ms.is_none()).map(|n| format!(
                    "<li><a href=\"/patients/{}/treatment_notes/{}\">{}</a> <span class=\"muted\">{} · {}</span></li>",
                    p.id, n.id, esc(&n.title), esc(&n.author_name), iso(n.created_ms))).collect();
                page(
                    acc,
                    "Treatment notes",
                    &format!(
                        "<h1>{}: treatment notes</h1><ul>{items}</ul>",
                        esc(&p.full_name())
                    ),
                )
            }
            None => not_found(),
        },
        ["patients", pid, "treatment_notes", nid]
        | ["patients", pid, "treatment_notes", nid, "edit"] => {
            match acc
                .notes
                .iter()
                .find(|n| n.id.to_string() == *nid && n.patient_id.to_string() == *pid)
            {
                Some(n) => {
                    // Answers were sanitised on the way in, so the allowed tags render as they are.
                    let mut body = format!(
                        "<h1 data-note-id=\"{}\">{}</h1><p class=\"muted\">{} · {}{}</p>",
                        n.id,
                        esc(&n.title),
                        esc(&n.author_name),
                        iso(n.created_ms),
                        if n.draft == Some(true) {
                            " · draft"
                        } else {
                            ""
                        }
                    );
                    for s in n
                        .content
                        .get("sections")
                        .and_then(|s| s.as_array())
                        .into_iter()
                        .flatten()
                    {
                        body.push_str(&format!(
                            "<section class=\"note\"><h2>{}</h2>",
                            esc(s.get("name").and_then(|v| v.as_str()).unwrap_or(""))
                        ));
                        for q in s
                            .get("questions")
                            .and_then(|q| q.as_array())
                            .into_iter()
                            .flatten()
                        {
                            let answer = q.get("answer").and_then(|a| a.as_str()).unwrap_or("");
                            let answer =
                                if q.get("type").and_then(|t| t.as_str()) == Some("paragraph") {
                                    answer.to_string()
                                } else {
                                    esc(answer)
                                };
                            body.push_str(&format!(
                                "<h3>{}</h3><div>{answer}</div>",
                                esc(q.get("name").and_then(|v| v.as_str()).unwrap_or(""))
                            ));
                        }
                        body.push_str("</section>");
                    }
                    page(acc, &n.title, &body)
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}
