//! Run-time switches set through `POST /config` (and reset by `POST /reset`).

/// The diary endpoints [`Config::diary_fails`] breaks: Cliniko's appointment, class, attendee and
/// type lists and reads, and Nookal's `getAppointments`.
pub fn is_diary_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    [
        "/v1/individual_appointments",
        "/v1/group_appointments",
        "/v1/attendees",
        "/v1/appointment_types",
        "/production/v2/getAppointments",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

use serde::{Deserialize, Serialize};

/// Requests allowed per user per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests per window (Cliniko: 200).
    pub limit: u32,
    /// Window length in seconds (Cliniko: 60).
    pub window_s: u64,
}

/// The sandbox's behaviour switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Whether `POST /treatment_notes` needs `treatment_note_template_id` (UNCONFIRMED in real
    /// Cliniko, so tests can run both ways; default true, the stricter answer).
    pub template_required: bool,
    /// Cliniko rate limit (default 200 per 60 s, per user).
    pub rate_limit: RateLimit,
    /// Reproduce Nookal's UTF-8 double encoding of note text (default true, as observed live).
    pub nookal_double_encode: bool,
    /// Every diary endpoint of both EHRs answers 500 (issue 14: the diary failing must never
    /// block search or push). Default false.
    #[serde(default)]
    pub diary_fails: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            template_required: true,
            rate_limit: RateLimit {
                limit: 200,
                window_s: 60,
            },
            nookal_double_encode: true,
            diary_fails: false,
        }
    }
}

/// A partial update (`POST /config` body): absent fields keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigPatch {
    /// See [`Config::template_required`].
    #[serde(default)]
    pub template_required: Option<bool>,
    /// See [`Config::rate_limit`].
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// See [`Config::nookal_double_encode`].
    #[serde(default)]
    pub nookal_double_encode: Option<bool>,
    /// See [`Config::diary_fails`].
    #[serde(default)]
    pub diary_fails: Option<bool>,
}

impl Config {
    /// Apply a patch.
    pub fn apply(&mut self, patch: &ConfigPatch) {
        if let Some(v) = patch.template_required {
            self.template_required = v;
        }
        if let Some(v) = patch.rate_limit {
            self.rate_limit = RateLimit {
                limit: v.limit,
                window_s: v.window_s.max(1),
            };
        }
        if let Some(v) = patch.nookal_double_encode {
            self.nookal_double_encode = v;
        }
        if let Some(v) = patch.diary_fails {
            self.diary_fails = v;
        }
    }
}
