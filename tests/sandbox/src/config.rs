//! Run-time switches set through `POST /config` (and reset by `POST /reset`).

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
    }
}
