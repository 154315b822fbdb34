//! Executes an [`ApiRequest`] with gloo-net (the global `fetch`, so it works in a service worker).

use super::js_error::transport_error;
use super::platform::shim;
use crate::http::{ApiRequest, ApiResponse, Method, TransportError};
use gloo_net::http::{Method as GlooMethod, RequestBuilder};

/// How long one request may take before it is aborted and treated as a timeout. Long enough for a
/// large note POST on a slow clinic connection; a timed-out POST is reconciled before any retry.
const TIMEOUT_MS: u32 = 30_000;

/// Send `req` and read the whole response. `Err` only when no HTTP response arrived.
pub async fn send(req: &ApiRequest) -> Result<ApiResponse, TransportError> {
    let signal = shim::timeoutSignal(TIMEOUT_MS);
    let method = match req.method {
        Method::Get => GlooMethod::GET,
        Method::Post => GlooMethod::POST,
        Method::Patch => GlooMethod::PATCH,
        Method::Delete => GlooMethod::DELETE,
    };
    let mut builder = RequestBuilder::new(&req.url)
        .method(method)
        .abort_signal(Some(&signal));
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    let request = match &req.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    };
    let request = request.map_err(|e| TransportError::Network {
        detail: e.to_string(),
    })?;
    let fail = |e: gloo_net::Error| {
        let js = match e {
            gloo_net::Error::JsError(j) => wasm_bindgen::JsValue::from_str(&j.message),
            other => wasm_bindgen::JsValue::from_str(&other.to_string()),
        };
        transport_error(&js, signal.aborted(), shim::isOnline())
    };
    let response = request.send().await.map_err(fail)?;
    let headers = response
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let status = response.status();
    let body = response.text().await.map_err(fail)?;
    Ok(ApiResponse {
        status,
        headers,
        body,
    })
}
