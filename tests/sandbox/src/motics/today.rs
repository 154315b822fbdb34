//! Motics sessions recorded "today" (issue 14): `/today?at=10:32` is a finished session whose note
//! was created at 10:32 on the sandbox's current day, inside the seeded diaries (`seed::diary`), so
//! the Appointments list has something to suggest whatever the date. `at=08:31,09:33,…` gives a
//! history page with one note per time (the history queue's "Match by appointment"). Optional:
//! `patient` and `dob` (the name the page shows; none by default for a history page).
//! Times are the clinic's local time, which the sandbox (like its browsers) runs on UTC.

use super::notes::{SESSIONS, soap_html};
use super::page;
use crate::clock::iso;
use crate::codec::html_escape as esc;
use crate::http::{HttpRequest, HttpResponse};

/// The session the single-note page is modelled on when no time is given.
const DEFAULT_AT: &str = "10:32";

/// Serve `/today` (and nothing else) at time `now_ms`.
pub fn handle(req: &HttpRequest, now_ms: u64) -> Option<HttpResponse> {
    if req.path().trim_end_matches('/') != "/today" {
        return None;
    }
    let pairs = req.query_pairs();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let day_ms = now_ms - now_ms % 86_400_000;
    let times: Vec<u64> = get("at")
        .unwrap_or_else(|| DEFAULT_AT.to_string())
        .split(',')
        .filter_map(minutes)
        .collect();
    if times.is_empty() {
        return Some(page("Bad time", None, "", "<h1>at=HH:MM[,HH:MM…]</h1>").with_status(400));
    }
    let patient = get("patient").filter(|p| !p.trim().is_empty());
    let dob = get("dob").filter(|d| !d.trim().is_empty());
    let notes: Vec<String> = times
        .iter()
        .map(|&min| {
            note(
                day_ms + min * 60_000,
                min,
                patient.as_deref(),
                dob.as_deref(),
            )
        })
        .collect();
    let [single] = notes.as_slice() else {
        let mut body = String::from("<h1>History</h1><p class=\"meta\">Today's sessions.</p>");
        for n in &notes {
            body.push_str(&format!("<section class=\"version\">{n}</section>"));
        }
        return Some(page("Today's sessions", patient.as_deref(), "", &body));
    };
    let id = session_id(times[0]);
    Some(page(
        "Today's session",
        patient.as_deref(),
        &format!(" data-motics-session=\"{id}\""),
        &format!("<h1>Today's session</h1>{single}"),
    ))
}

/// "10:32" → minutes after midnight.
fn minutes(text: &str) -> Option<u64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.parse::<u64>().ok()?, m.parse::<u64>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn session_id(min: u64) -> String {
    format!("s-today-{:02}{:02}", min / 60, min % 60)
}

/// One note with the contract (architecture.md §4), created at `at_ms`.
fn note(at_ms: u64, min: u64, patient: Option<&str>, dob: Option<&str>) -> String {
    let s = &SESSIONS[0];
    let named = patient
        .map(|p| format!(" data-patient-name=\"{}\"", esc(p)))
        .unwrap_or_default();
    let dob = dob
        .map(|d| format!(" data-patient-dob=\"{}\"", esc(d)))
        .unwrap_or_default();
    let title = format!("Session at {:02}:{:02}", min / 60, min % 60);
    format!(
        "<p class=\"meta\">{t} · {a} · {at}</p><article data-motics-note data-session-id=\"{id}\" data-created-at=\"{at}\" \
data-author=\"{a}\" data-title=\"{t}\"{named}{dob} data-version=\"1\" data-format=\"html\">{html}</article>",
        t = esc(&title),
        a = esc(s.author),
        at = iso(at_ms),
        id = session_id(min),
        html = soap_html(s, 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str, now_ms: u64) -> Option<HttpResponse> {
        handle(&HttpRequest::new("GET", "app.motics.ai", path), now_ms)
    }

    #[test]
    fn a_session_at_10_32_on_the_current_day() {
        // 2026-11-30T19:00:00Z
        let now = 1_796_065_200_000;
        let body = get("/today?at=10:32&patient=Sarah%20O%27Brien", now)
            .map(|r| r.body)
            .unwrap_or_default();
        assert!(
            body.contains("data-created-at=\"2026-11-30T10:32:00Z\""),
            "{body}"
        );
        assert!(body.contains("data-session-id=\"s-today-1032\""));
        assert!(
            body.contains("data-patient-name=\"Sarah O&#39;Brien\"")
                || body.contains("data-patient-name=\"Sarah O&#x27;Brien\""),
            "{body}"
        );
        let history = get("/today?at=08:31,23:45", now)
            .map(|r| r.body)
            .unwrap_or_default();
        assert_eq!(history.matches("data-motics-note").count(), 2);
        assert!(history.contains("2026-11-30T23:45:00Z") && !history.contains("data-patient-name"));
        assert!(get("/sessions/s-1001", now).is_none());
        assert_eq!(get("/today?at=25:00", now).map(|r| r.status), Some(400));
    }
}
