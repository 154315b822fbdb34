//! Cliniko API v1: key parsing, request builders, response parsing, note content.

pub mod content;
