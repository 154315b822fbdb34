//! Starts the real `motics-sandbox` binary on an ephemeral port and talks HTTPS to it, pinning the
//! printed SPKI hash (as Chromium's `--ignore-certificate-errors-spki-list` does).

#![cfg(feature = "server")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use motics_sandbox::codec::base64_encode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Kills the child by its own handle when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Read one DER TLV at `pos`: (tag, content start, content end).
fn tlv(der: &[u8], pos: usize) -> (u8, usize, usize) {
    let tag = der[pos];
    let first = der[pos + 1] as usize;
    let (len, start) = if first < 0x80 {
        (first, pos + 2)
    } else {
        let n = first & 0x7f;
        (
            der[pos + 2..pos + 2 + n]
                .iter()
                .fold(0usize, |a, b| (a << 8) | *b as usize),
            pos + 2 + n,
        )
    };
    (tag, start, start + len)
}

/// The SubjectPublicKeyInfo DER of an X.509 certificate (7th element of tbsCertificate when the
/// explicit version is present).
fn spki(cert: &[u8]) -> Vec<u8> {
    let (_, cert_start, _) = tlv(cert, 0);
    let (_, tbs_start, _) = tlv(cert, cert_start);
    let mut pos = tbs_start;
    let (tag, _, end) = tlv(cert, pos);
    if tag == 0xa0 {
        pos = end;
    }
    for _ in 0..5 {
        pos = tlv(cert, pos).2; // serial, signature alg, issuer, validity, subject
    }
    cert[pos..tlv(cert, pos).2].to_vec()
}

#[derive(Debug)]
struct PinVerifier(String);

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let pin = base64_encode(
            ring::digest::digest(&ring::digest::SHA256, &spki(end.as_ref())).as_ref(),
        );
        if pin == self.0 {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!("SPKI pin mismatch: {pin}")))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// One HTTP/1.1 request over a fresh TLS connection; returns the raw response text ("" if dropped).
async fn request(
    port: u16,
    pin: &str,
    host: &str,
    head: &str,
    body: &str,
) -> (String, Option<String>) {
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(PinVerifier(pin.to_string())))
    .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut tls = connector
        .connect(ServerName::try_from(host.to_string()).unwrap(), tcp)
        .await
        .unwrap();
    let alpn = tls
        .get_ref()
        .1
        .alpn_protocol()
        .map(|a| String::from_utf8_lossy(a).into_owned());
    let req = format!(
        "{head}\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    (String::from_utf8_lossy(&out).into_owned(), alpn)
}

#[test]
fn real_server_over_https() {
    let child = Command::new(env!("CARGO_BIN_EXE_motics-sandbox"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start: Value = serde_json::from_str(&line).unwrap();
    let port = start["port"].as_u64().unwrap() as u16;
    let pin = start["spki_sha256"].as_str().unwrap().to_string();
    let key = start["keys"]["practitioner"].as_str().unwrap().to_string();
    assert!(port > 0);
    assert!(
        start["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "api.uk2.cliniko.com")
    );
    assert_eq!(start["accounts"][0]["shard"], "au1");
    assert!(start["keys"]["nookal"].is_string());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let auth = format!("Authorization: Basic {}\r\nUser-Agent: Test (t@example.com)\r\nAccept: application/json", base64_encode(format!("{key}:").as_bytes()));
        let (resp, alpn) = request(port, &pin, "api.au1.cliniko.com", &format!("GET /v1/user HTTP/1.1\r\n{auth}"), "").await;
        assert_eq!(alpn.as_deref(), Some("http/1.1"));
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.contains("\"role\":\"practitioner\""));

        // drop_after: the note is created but the connection closes with no response at all.
        let (fault, _) = request(port, &pin, "admin.sandbox.test", "POST /faults HTTP/1.1", r#"{"method":"POST","path":"/v1/treatment_notes","kind":"drop_after"}"#).await;
        assert!(fault.starts_with("HTTP/1.1 200"), "{fault}");
        let (settings, _) = request(port, &pin, "api.au1.cliniko.com", &format!("GET /v1/patients?per_page=1 HTTP/1.1\r\n{auth}"), "").await;
        let pid = settings.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let body = format!(r#"{{"patient_id":"{pid}","content":null}}"#);
        request(port, &pin, "admin.sandbox.test", "POST /config HTTP/1.1", r#"{"template_required":false}"#).await;
        let (dropped, _) = request(port, &pin, "api.au1.cliniko.com", &format!("POST /v1/treatment_notes HTTP/1.1\r\n{auth}\r\nContent-Type: application/json"), &body).await;
        assert_eq!(dropped, "", "no response bytes after drop_after");
        let (notes, _) = request(port, &pin, "admin.sandbox.test", "GET /notes HTTP/1.1", "").await;
        assert!(notes.contains(&format!("\"patient_id\":\"{pid}\",\"practitioner_id\"")) || notes.contains(&pid), "note was created");

        let (motics, _) = request(port, &pin, "app.motics.ai", "GET /sessions/s-1001 HTTP/1.1", "").await;
        assert!(motics.to_ascii_lowercase().contains("content-security-policy: script-src 'none'"));
        let (unknown, _) = request(port, &pin, "example.com", "GET / HTTP/1.1", "").await;
        assert!(unknown.starts_with("HTTP/1.1 421"), "{unknown}");
    });
}
