//! The sandbox's own HTTP values: what the server (or a native test) hands the model, and what it gets back.

use serde::{Deserialize, Serialize};

use crate::codec;

/// One request as received (the server fills this from hyper; native tests build it directly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The Host header (a `:port` suffix is ignored).
    pub host: String,
    /// Path plus optional `?query`, still percent-encoded.
    pub path_and_query: String,
    /// Header name/value pairs (any case).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: &str, host: &str, path_and_query: &str) -> Self {
        HttpRequest {
            method: method.to_string(),
            host: host.to_string(),
            path_and_query: path_and_query.to_string(),
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// Builder: add a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Builder: set the body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_string();
        self
    }

    /// First header called `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Host without port, lower-cased.
    pub fn host_name(&self) -> String {
        let host = self.host.trim();
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host,
        };
        host.to_ascii_lowercase()
    }

    /// The path without the query, still percent-encoded.
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(p, _)| p)
    }

    /// The raw query string (without `?`), or "".
    pub fn query(&self) -> &str {
        self.path_and_query.split_once('?').map_or("", |(_, q)| q)
    }

    /// Decoded query pairs in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        codec::parse_pairs(self.query())
    }
}

/// A complete response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header name/value pairs (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// A JSON response (`application/json; charset=utf-8`).
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        HttpResponse {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: value.to_string(),
        }
    }

    /// An HTML page.
    pub fn html(status: u16, body: String) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body,
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, body: &str) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: body.to_string(),
        }
    }

    /// 204 with no body.
    pub fn no_content() -> Self {
        HttpResponse {
            status: 204,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// Builder: add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Builder: replace the status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// First header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`Null` when it is not JSON): handy in tests.
    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the server must do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Send this response.
    Respond(HttpResponse),
    /// Close the connection without processing the request and without answering.
    DropBeforeProcessing,
    /// The request WAS processed (a note may now exist); close the connection without answering.
    DropAfterProcessing,
    /// Wait `ms`, then carry out `then`. The model already processed the request when it arrived,
    /// so a client that gives up early still finds its side effects (the harder case to reconcile).
    Delay {
        /// Milliseconds to wait before answering.
        ms: u64,
        /// What to do after the wait.
        then: Box<Outcome>,
    },
}

impl Outcome {
    /// The response this outcome eventually sends, if any (follows `Delay`).
    pub fn response(&self) -> Option<&HttpResponse> {
        match self {
            Outcome::Respond(r) => Some(r),
            Outcome::Delay { then, .. } => then.response(),
            _ => None,
        }
    }
}
