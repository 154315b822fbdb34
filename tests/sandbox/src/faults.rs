//! Injected faults (`POST /faults`): for the next `count` matching requests, answer a status, delay,
//! drop the connection before or after processing, truncate the JSON, or send an HTML error page.

use serde::{Deserialize, Serialize};

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Reply `status` with a JSON error body, without processing.
    Status,
    /// Process normally; the reply waits `delay_ms`.
    Delay,
    /// Close the connection without processing.
    DropBefore,
    /// Process (e.g. create the note), then close the connection without answering.
    DropAfter,
    /// Process (e.g. create the note), then reply `status` with a JSON error body anyway: a
    /// server that saved the record and failed on the way out.
    StatusAfter,
    /// Process, then reply 200 with the JSON body cut in half.
    MalformedJson,
    /// Reply `status` with an HTML body, without processing.
    HtmlError,
}

fn one() -> u32 {
    1
}

fn five_hundred() -> u16 {
    500
}

/// A fault rule as posted to `/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Method to match (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Path to match exactly, or as a prefix when it ends with `*`.
    pub path: String,
    /// Host to match (any when absent).
    #[serde(default)]
    pub host: Option<String>,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// What to do.
    pub kind: FaultKind,
    /// Status for `status` / `status_after` / `html_error`.
    #[serde(default = "five_hundred")]
    pub status: u16,
    /// Delay for `delay`.
    #[serde(default)]
    pub delay_ms: u64,
}

impl FaultSpec {
    /// Whether this rule applies to a request.
    pub fn matches(&self, method: &str, host: &str, path: &str) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        path_ok
            && self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .host
                .as_deref()
                .is_none_or(|h| h.eq_ignore_ascii_case(host))
    }
}
