//! Nookal API v2: form-encoded requests, the HTTP-200 failure envelope, patients, cases, notes.
