//! The HTTPS server: one 127.0.0.1 listener, TLS with a generated certificate, HTTP/1.1 keep-alive,
//! every request handed to the shared `Sandbox` model under one mutex.

pub mod tls;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::{ADMIN_HOST, HttpRequest, MOTICS_HOST, Outcome, Sandbox};

/// Returned to hyper to make it close the connection without writing any response.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The one JSON line printed when the server is ready.
pub fn startup_line(sb: &Sandbox, port: u16, spki: &str) -> serde_json::Value {
    json!({
        "port": port,
        "spki_sha256": spki,
        "admin_url": format!("https://{ADMIN_HOST}"),
        "motics_url": format!("https://{MOTICS_HOST}"),
        "hosts": sb.hosts(),
        "keys": sb.demo_keys(),
        "accounts": sb.accounts(),
    })
}

/// Bind, print the start-up line, serve until SIGTERM/SIGINT.
pub async fn run(port: u16) -> Result<(), String> {
    let sandbox = Sandbox::new();
    let (config, spki) = tls::server_config(&sandbox.hosts())?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("bind 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    println!("{}", startup_line(&sandbox, port, &spki));
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let state = Arc::new(Mutex::new(sandbox));
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let verbose = std::env::var("MOTICS_SANDBOX_LOG").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let state = state.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service = service_fn(move |req| serve(state.clone(), req, verbose));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
            _ = tokio::signal::ctrl_c() => break,
            _ = sigterm.recv() => break,
        }
    }
    Ok(())
}

async fn serve(
    state: Arc<Mutex<Sandbox>>,
    req: Request<Incoming>,
    verbose: bool,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let request = HttpRequest {
        method: parts.method.as_str().to_string(),
        host,
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let mut outcome = match state.lock() {
        Ok(mut sb) => sb.handle(&request, now_ms()),
        Err(poisoned) => poisoned.into_inner().handle(&request, now_ms()),
    };
    loop {
        match outcome {
            Outcome::Delay { ms, then } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                outcome = *then;
            }
            Outcome::Respond(r) => {
                if verbose {
                    // Never the query or headers: they can carry API keys.
                    eprintln!(
                        "{} {}{} -> {}",
                        request.method,
                        request.host_name(),
                        request.path(),
                        r.status
                    );
                }
                let mut resp = Response::builder().status(r.status);
                for (k, v) in &r.headers {
                    resp = resp.header(k.as_str(), v.as_str());
                }
                return resp
                    .body(Full::new(Bytes::from(r.body)))
                    .map_err(|_| DropConnection);
            }
            Outcome::DropBeforeProcessing | Outcome::DropAfterProcessing => {
                if verbose {
                    eprintln!(
                        "{} {}{} -> dropped",
                        request.method,
                        request.host_name(),
                        request.path()
                    );
                }
                return Err(DropConnection);
            }
        }
    }
}
