//! Which span of the diary to ask for and which part to show first: the session's day in the
//! browser's zone (the offset is an input: `-new Date(t).getTimezoneOffset()` minutes east of UTC),
//! by default the whole day with ±3 h around the session shown first (configurable in Settings).

use serde::{Deserialize, Serialize};

use super::{DAY_MS, HOUR_MS, MINUTE_MS};

/// The diary window setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WindowSettings {
    /// Load the session's whole local day (the default); otherwise only ±`hours`.
    pub whole_day: bool,
    /// Hours either side of the session shown first (and, without `whole_day`, the whole window).
    pub hours: u8,
}

impl Default for WindowSettings {
    fn default() -> Self {
        WindowSettings {
            whole_day: true,
            hours: 3,
        }
    }
}

/// A span of UTC time: `[from_ms, to_ms)`, and the part shown first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiaryWindow {
    /// Start of the span to load (UTC ms).
    pub from_ms: i64,
    /// End of the span, exclusive.
    pub to_ms: i64,
    /// Start of the part shown first.
    pub first_from_ms: i64,
    /// End of the part shown first, exclusive.
    pub first_to_ms: i64,
    /// The session's time the window was built around.
    pub session_ms: i64,
}

impl DiaryWindow {
    /// Whether an appointment `[starts, ends)` overlaps the window.
    pub fn overlaps(&self, starts_ms: i64, ends_ms: i64) -> bool {
        starts_ms < self.to_ms && ends_ms.max(starts_ms + 1) > self.from_ms
    }

    /// Whether it overlaps the part shown first.
    pub fn shown_first(&self, starts_ms: i64, ends_ms: i64) -> bool {
        starts_ms < self.first_to_ms && ends_ms.max(starts_ms + 1) > self.first_from_ms
    }
}

/// The start of the local day containing `t` (UTC ms), for a zone `offset_min` minutes east.
pub fn local_day_start(t: i64, offset_min: i32) -> i64 {
    let offset = i64::from(offset_min) * MINUTE_MS;
    (t + offset).div_euclid(DAY_MS) * DAY_MS - offset
}

/// The window around a session at `session_ms`, for the zone offset in force at the session's
/// time (a daylight-saving change that day moves the far edge by an hour; the ±hours part,
/// which holds the best match, is unaffected). With `whole_day`, the local day is widened to
/// cover ±hours too, so a session at 23:50 or 00:10 still reaches an appointment across midnight.
pub fn window(session_ms: i64, offset_min: i32, settings: WindowSettings) -> DiaryWindow {
    let span = i64::from(settings.hours.max(1)) * HOUR_MS;
    let first_from_ms = session_ms - span;
    let first_to_ms = session_ms + span;
    let (from_ms, to_ms) = if settings.whole_day {
        let day = local_day_start(session_ms, offset_min);
        (day.min(first_from_ms), (day + DAY_MS).max(first_to_ms))
    } else {
        (first_from_ms, first_to_ms)
    };
    DiaryWindow {
        from_ms,
        to_ms,
        first_from_ms,
        first_to_ms,
        session_ms,
    }
}
