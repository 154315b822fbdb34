//! The server certificate: generated at start for every served host (rcgen, ring), plus the base64
//! SHA-256 of its SubjectPublicKeyInfo that Chromium's `--ignore-certificate-errors-spki-list` takes.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::cliniko::SHARDS;
use crate::codec::base64_encode;

/// A rustls server config (ALPN `http/1.1` only) and the SPKI pin.
pub fn server_config(hosts: &[String]) -> Result<(ServerConfig, String), String> {
    let mut names: Vec<String> = hosts.to_vec();
    // Wildcards cover clinics added later (`<subdomain>.<shard>.cliniko.com`).
    names.extend(SHARDS.iter().map(|s| format!("*.{s}.cliniko.com")));
    names.extend(["localhost".to_string(), "127.0.0.1".to_string()]);
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| format!("certificate: {e}"))?;
    let spki = rcgen::PublicKeyData::subject_public_key_info(&certified.signing_key);
    let pin = base64_encode(ring::digest::digest(&ring::digest::SHA256, &spki).as_ref());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .map_err(|e| format!("tls: {e}"))?;
    // HTTP/1.1 only: Chromium's resend-after-dropped-connection behaviour happens on reused
    // HTTP/1.1 connections, which the push state machine must survive.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((config, pin))
}
