//! Plain HTTP values: requests the core builds and responses it parses (sans-IO).
//!
//! Only `wasm::http` executes an [`ApiRequest`]; everything else builds or inspects them, so every
//! endpoint can be tested for its exact method, URL, headers and body without a network.

use serde::{Deserialize, Serialize};

/// HTTP method of an [`ApiRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request to send, fully built: absolute HTTPS URL, headers, optional body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL, always `https://`.
    pub url: String,
    /// Header name/value pairs, in order.
    pub headers: Vec<(String, String)>,
    /// Body text (JSON or form-encoded), if any.
    pub body: Option<String>,
}

impl ApiRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response as received: status, headers (lower-cased names), body text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header name/value pairs; names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body text (may be empty, HTML, or truncated).
    pub body: String,
}

impl ApiResponse {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no HTTP response at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TransportError {
    /// The browser reports it is offline.
    Offline,
    /// The request took longer than the client's timeout and was aborted.
    Timeout,
    /// fetch() failed: DNS, TLS, refused or dropped connection. Browsers do not say which, and
    /// whether a POST reached the server is unknown.
    Network {
        /// The browser's own words, for diagnostics (never shown raw to the user).
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive() {
        let r = ApiResponse {
            status: 429,
            headers: vec![("x-ratelimit-reset".into(), "1700000000".into())],
            body: String::new(),
        };
        assert_eq!(r.header("X-RateLimit-Reset"), Some("1700000000"));
        assert_eq!(r.header("retry-after"), None);
    }
}
