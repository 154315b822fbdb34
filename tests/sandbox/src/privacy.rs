//! Whole-run key audit: every request is checked for an API key anywhere but its one allowed place.
//!
//! The brief's privacy rule: a key is only ever sent to its EHR host, Cliniko's as the
//! `Authorization: Basic` header, Nookal's as the `api_key` form field of a POST body (reference
//! nookal-api.md §1). The audit survives `/reset`, so an E2E suite can assert over its whole run
//! (`GET /privacy` from `tests/e2e/lib/sandbox.js` when the suite stops), not just one test.

use crate::cliniko::SHARDS;
use crate::codec::{base64_encode, percent_decode};
use crate::http::HttpRequest;
use crate::{NOOKAL_HOST, Sandbox};
use serde::Serialize;
use std::collections::BTreeSet;

/// What the audit found so far.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Audit {
    /// Requests checked since the sandbox started.
    pub checked: u64,
    /// One line per key found out of place (host, path and where; never the key itself).
    pub violations: Vec<String>,
    /// Every secret form of every key the sandbox has known (for the console check).
    pub secrets: BTreeSet<String>,
    /// Host names requested that the sandbox does not serve (issue 15 §11): in E2E every name
    /// resolves here, so these are requests to hosts nothing in the product should talk to.
    pub unknown_hosts: BTreeSet<String>,
    #[serde(skip)]
    cliniko_bases: BTreeSet<String>,
    #[serde(skip)]
    nookal_keys: BTreeSet<String>,
}

impl Audit {
    /// Learn the sandbox's current keys (seeded or added), then check `req` against all keys ever known.
    pub fn check(&mut self, sb: &Sandbox, req: &HttpRequest, host: &str) {
        self.learn(sb);
        self.checked += 1;
        let path = req.path();
        let place = |what: &str| format!("{what} of {} {host}{path}", req.method);
        let cliniko_api = host.starts_with("api.") && host.ends_with(".cliniko.com");
        let mut found = Vec::new();
        for (name, value) in &req.headers {
            let auth_ok = cliniko_api
                && name.eq_ignore_ascii_case("authorization")
                && self.is_cliniko_basic(value);
            if !auth_ok && self.leaks(value) {
                found.push(place(&format!("header {}", name.to_ascii_lowercase())));
            }
        }
        if self.leaks(&percent_decode(req.query(), true)) || self.leaks(req.query()) {
            found.push(place("query"));
        }
        if self.leaks(&self.body_without_allowed_key(req, host)) {
            found.push(place("body"));
        }
        self.violations.extend(found);
    }

    /// Record a request to a host the sandbox doesn't serve.
    pub fn unknown_host(&mut self, host: &str) {
        self.unknown_hosts.insert(host.to_ascii_lowercase());
    }

    /// Forget one unknown host (a test that requested it on purpose, to prove the catch-all).
    pub fn forgive_host(&mut self, host: &str) -> bool {
        self.unknown_hosts.remove(&host.to_ascii_lowercase())
    }

    fn learn(&mut self, sb: &Sandbox) {
        for k in &sb.cliniko.keys {
            if self.cliniko_bases.insert(k.base.clone()) {
                self.secrets.insert(k.base.clone());
                self.secrets
                    .insert(base64_encode(format!("{}:", k.base).as_bytes()));
                for shard in SHARDS {
                    let full = format!("{}-{shard}:", k.base);
                    self.secrets.insert(base64_encode(full.as_bytes()));
                }
            }
        }
        if !sb.nookal.key.is_empty() && self.nookal_keys.insert(sb.nookal.key.clone()) {
            self.secrets.insert(sb.nookal.key.clone());
        }
    }

    fn leaks(&self, text: &str) -> bool {
        !text.is_empty() && self.secrets.iter().any(|s| text.contains(s.as_str()))
    }

    /// `Basic base64(key:)` for a known Cliniko key, with or without its shard suffix.
    fn is_cliniko_basic(&self, value: &str) -> bool {
        let Some(b64) = value.strip_prefix("Basic ") else {
            return false;
        };
        self.cliniko_bases.iter().any(|base| {
            b64 == base64_encode(format!("{base}:").as_bytes())
                || SHARDS
                    .iter()
                    .any(|s| b64 == base64_encode(format!("{base}-{s}:").as_bytes()))
        })
    }

    /// The body as text, less Nookal's one allowed `api_key` form field on a POST to Nookal.
    fn body_without_allowed_key(&self, req: &HttpRequest, host: &str) -> String {
        if host != NOOKAL_HOST || !req.method.eq_ignore_ascii_case("POST") {
            return req.body.clone();
        }
        req.body
            .split('&')
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !(k == "api_key" && self.nookal_keys.contains(&percent_decode(v, true)))
            })
            .map(|pair| percent_decode(pair, true))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(s: &str) -> String {
        format!("Basic {}", base64_encode(format!("{s}:").as_bytes()))
    }

    fn cliniko_key(sb: &Sandbox) -> String {
        sb.demo_keys().practitioner.clone()
    }

    #[test]
    fn the_key_as_basic_auth_to_cliniko_is_allowed() {
        let sb = Sandbox::new();
        let key = cliniko_key(&sb);
        let mut a = Audit::default();
        let req = HttpRequest::new("GET", "api.au1.cliniko.com", "/v1/user")
            .header("Authorization", &basic(&key));
        a.check(&sb, &req, "api.au1.cliniko.com");
        assert_eq!(a.checked, 1);
        assert!(a.violations.is_empty(), "{:?}", a.violations);
    }

    #[test]
    fn the_key_anywhere_else_is_a_violation() {
        let sb = Sandbox::new();
        let key = cliniko_key(&sb);
        let mut a = Audit::default();
        let to_motics =
            HttpRequest::new("GET", "app.motics.ai", "/x").header("Authorization", &basic(&key));
        a.check(&sb, &to_motics, "app.motics.ai");
        let in_query = HttpRequest::new("GET", "api.au1.cliniko.com", &format!("/v1/user?k={key}"));
        a.check(&sb, &in_query, "api.au1.cliniko.com");
        let in_body = HttpRequest::new("POST", "api.au1.cliniko.com", "/v1/treatment_notes")
            .body(&format!("{{\"title\":\"{key}\"}}"));
        a.check(&sb, &in_body, "api.au1.cliniko.com");
        assert_eq!(a.violations.len(), 3, "{:?}", a.violations);
        assert!(
            a.violations.iter().all(|v| !v.contains(&key)),
            "violations never repeat the key"
        );
    }

    #[test]
    fn nookal_allows_only_the_api_key_form_field() {
        let sb = Sandbox::new();
        let key = sb.nookal.key.clone();
        let mut a = Audit::default();
        let ok = HttpRequest::new("POST", NOOKAL_HOST, "/production/v2/verify")
            .body(&format!("api_key={key}&page=1"));
        a.check(&sb, &ok, NOOKAL_HOST);
        assert!(a.violations.is_empty(), "{:?}", a.violations);
        let twice = HttpRequest::new("POST", NOOKAL_HOST, "/production/v2/addTreatmentNote")
            .body(&format!("api_key={key}&notes=key%20{key}"));
        a.check(&sb, &twice, NOOKAL_HOST);
        let in_url = HttpRequest::new(
            "GET",
            NOOKAL_HOST,
            &format!("/production/v2/verify?api_key={key}"),
        );
        a.check(&sb, &in_url, NOOKAL_HOST);
        assert_eq!(a.violations.len(), 2, "{:?}", a.violations);
    }
}
