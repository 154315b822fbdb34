//! Defaults for new notes (title template, draft or final, treatment-note template), validated.
//!
//! Stored in `storage.local` under [`STORAGE_KEY`]; never holds note text or patient data.

use crate::error::Error;
use serde::{Deserialize, Serialize};

/// Where the settings live in `storage.local`.
pub const STORAGE_KEY: &str = "settings";

/// The default title: the clinic's usual "Session Summary" with the session date in the browser's
/// locale (e.g. 31/01/2025 in Australia).
pub const DEFAULT_TITLE_TEMPLATE: &str = "Session Summary – {date}";

/// The longest title template we accept (Cliniko titles are short; the spec sets no limit).
const MAX_TITLE_TEMPLATE: usize = 200;

/// The widest "± hours" around the session the Appointments list may show first.
pub const MAX_DIARY_HOURS: u8 = 12;

/// Note defaults chosen on the options page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Title template; `{date}` becomes the session date, `{patient}` the patient's name.
    pub title_template: String,
    /// Create notes as drafts (the default: the clinician finalises in Cliniko).
    pub draft: bool,
    /// Cliniko treatment-note template id (a string: 64-bit ids), or none for a plain note.
    pub template_id: Option<String>,
    /// Which span of the diary the Appointments list loads and shows first (issue 14).
    pub diary_window: crate::diary::WindowSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title_template: DEFAULT_TITLE_TEMPLATE.to_string(),
            draft: true,
            template_id: None,
            diary_window: crate::diary::WindowSettings::default(),
        }
    }
}

impl Settings {
    /// Check and tidy settings coming from the options page.
    pub fn validated(mut self) -> Result<Settings, Error> {
        self.title_template = self.title_template.trim().to_string();
        if self.title_template.is_empty() {
            self.title_template = DEFAULT_TITLE_TEMPLATE.to_string();
        }
        if self.title_template.chars().count() > MAX_TITLE_TEMPLATE {
            return Err(Error::InvalidInput(format!(
                "the note title template is longer than {MAX_TITLE_TEMPLATE} characters"
            )));
        }
        if !(1..=MAX_DIARY_HOURS).contains(&self.diary_window.hours) {
            return Err(Error::InvalidInput(format!(
                "the appointments window must be 1 to {MAX_DIARY_HOURS} hours either side"
            )));
        }
        if let Some(id) = &self.template_id {
            let id = id.trim();
            if id.is_empty() {
                self.template_id = None;
            } else if !id.bytes().all(|b| b.is_ascii_digit()) || id.len() > 20 {
                return Err(Error::InvalidInput(
                    "the template id is not a Cliniko id".into(),
                ));
            } else {
                self.template_id = Some(id.to_string());
            }
        }
        Ok(self)
    }

    /// The note title for a session: `{date}` and `{patient}` filled in, whitespace tidied.
    /// `date` comes preformatted in the browser's locale.
    pub fn title_for(&self, date: &str, patient: &str) -> String {
        fill_title(&self.title_template, date, patient)
    }
}

/// The saved settings (`storage.local`), or the defaults when absent or unreadable.
pub async fn load<P: crate::worker::Env>(p: &P) -> crate::Result<Settings> {
    Ok(p.load(crate::platform::StorageArea::Local, STORAGE_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// A title template with `{date}` and `{patient}` filled in, whitespace tidied: the one fill
/// (the options page's example and the popup's title both ask for it through `title/fill`).
pub fn fill_title(template: &str, date: &str, patient: &str) -> String {
    let title = template
        .replace("{date}", date)
        .replace("{patient}", patient);
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_draft_session_summary() {
        let s = Settings::default();
        assert!(s.draft);
        assert_eq!(
            s.title_for("31/01/2025", "Jane"),
            "Session Summary – 31/01/2025"
        );
    }

    #[test]
    fn validation_tidies_and_rejects() {
        let s = Settings {
            title_template: "  ".into(),
            draft: false,
            template_id: Some(" 1805465202989210063 ".into()),
            ..Settings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(s.title_template, DEFAULT_TITLE_TEMPLATE);
        assert_eq!(s.template_id.as_deref(), Some("1805465202989210063"));
        let wide = Settings {
            diary_window: crate::diary::WindowSettings {
                whole_day: false,
                hours: 13,
            },
            ..Settings::default()
        };
        assert!(wide.validated().is_err(), "more than 12 hours either side");
        let bad = Settings {
            template_id: Some("12ab".into()),
            ..Settings::default()
        };
        assert!(matches!(bad.validated(), Err(Error::InvalidInput(_))));
        let long = Settings {
            title_template: "x".repeat(201),
            ..Settings::default()
        };
        assert!(long.validated().is_err());
    }

    #[test]
    fn title_fills_patient_and_date() {
        let s = Settings {
            title_template: "{patient} – {date}".into(),
            ..Settings::default()
        };
        assert_eq!(
            s.title_for("1/2/2025", "Jane  Citizen"),
            "Jane Citizen – 1/2/2025"
        );
    }

    #[test]
    fn missing_fields_take_defaults_when_loading() {
        let s: Settings = serde_json::from_str(r#"{"draft": false}"#).unwrap();
        assert_eq!(s.title_template, DEFAULT_TITLE_TEMPLATE);
        assert!(!s.draft);
    }
}
