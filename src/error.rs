//! The core's one error type: every failure a user can hit, by cause, with what to do next.
//!
//! The extension shows errors through `_locales/en/messages.json`: the UI looks up `err_<kind>`
//! and fills its placeholders from [`Error::params`]. Keep every `kind` here in that file too
//! (a native test checks it). EHR statuses map to these variants in one place per EHR
//! (`cliniko::responses`, `nookal::responses`); browser errors map in `wasm::js_error`.

use crate::http::TransportError;
use serde::Serialize;

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

pub use crate::ehr::Ehr;

/// Every failure, by cause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The pasted API key is not a key (the text says why); nothing was sent.
    InvalidKey(String),
    /// No API key is saved for this EHR.
    NotConnected(Ehr),
    /// The integration is switched off in the options.
    Disabled(Ehr),
    /// 401: key deleted, mistyped, or from another region.
    Unauthorized(Ehr),
    /// 403: the key's user role lacks permission.
    Forbidden(Ehr),
    /// 404 on a record we asked for by id.
    NotFound(Ehr),
    /// 429: wait until the limit resets.
    RateLimited {
        /// EHR
        ehr: Ehr,
        /// Seconds to wait (rounded up, at least 1).
        wait_s: u64,
    },
    /// 422: the EHR refused the data; field errors as the EHR gave them.
    Validation {
        /// EHR
        ehr: Ehr,
        /// `(field, message)` pairs.
        fields: Vec<(String, String)>,
    },
    /// 5xx: the EHR's servers failed.
    Server {
        /// EHR
        ehr: Ehr,
        /// HTTP status.
        status: u16,
    },
    /// A status we have no mapping for.
    UnexpectedStatus {
        /// EHR
        ehr: Ehr,
        /// HTTP status.
        status: u16,
    },
    /// The body was not what the API documents (truncated, HTML, wrong types).
    UnexpectedBody {
        /// EHR
        ehr: Ehr,
        /// Where it went wrong, for diagnostics (never contains PHI).
        detail: String,
    },
    /// An EHR answered with an error of its own (Nookal's HTTP-200 failure envelope).
    Refused {
        /// EHR
        ehr: Ehr,
        /// The EHR's message (already stripped of PHI where possible).
        message: String,
    },
    /// The user's Cliniko user is not a practitioner, so it cannot create treatment notes.
    NotPractitioner,
    /// No HTTP response arrived.
    Transport(TransportError),
    /// The note is larger than we accept.
    NoteTooLarge {
        /// Size in KB.
        kb: usize,
        /// Limit in KB.
        limit_kb: usize,
    },
    /// The note has no text.
    EmptyNote,
    /// Bad input from the UI or a message (the text says what).
    InvalidInput(String),
    /// Extension storage failed.
    Storage(String),
    /// The EHR has no such thing (e.g. Cliniko cases here, Nookal note archiving).
    Unsupported(Ehr),
    /// The appointment a note was to be linked to belongs to another patient (or case) in the
    /// EHR's own diary: nothing was sent (issue 14).
    AppointmentMismatch(Ehr),
    /// A push's note text is gone (the browser closed before it landed): it can only be read
    /// again from its Motics session ("Resume push").
    NoteGone(Ehr),
}

impl Error {
    /// A body that is not what the EHR's API documents: where (`path`, empty for the body
    /// itself) and what was expected, never the body's text.
    pub fn unexpected_body(ehr: Ehr, path: &str, expected: &str) -> Error {
        let at = if path.is_empty() { "body" } else { path };
        Error::UnexpectedBody {
            ehr,
            detail: format!("{at}: {expected}"),
        }
    }

    /// A stable machine name; the UI's message id is `err_<kind>`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidKey(_) => "invalid_key",
            Error::NotConnected(_) => "not_connected",
            Error::Disabled(_) => "disabled",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::RateLimited { .. } => "rate_limited",
            Error::Validation { .. } => "validation",
            Error::Server { .. } => "server",
            Error::UnexpectedStatus { .. } => "unexpected_status",
            Error::UnexpectedBody { .. } => "unexpected_body",
            Error::Refused { .. } => "refused",
            Error::NotPractitioner => "not_practitioner",
            Error::Transport(TransportError::Offline) => "offline",
            Error::Transport(TransportError::Timeout) => "timeout",
            Error::Transport(TransportError::Network { .. }) => "network",
            Error::NoteTooLarge { .. } => "note_too_large",
            Error::EmptyNote => "empty_note",
            Error::InvalidInput(_) => "invalid_input",
            Error::Storage(_) => "storage",
            Error::Unsupported(_) => "unsupported",
            Error::AppointmentMismatch(_) => "appointment_mismatch",
            Error::NoteGone(_) => "note_gone",
        }
    }

    /// Placeholder values for the UI message (`$1`, `$2`, … in messages.json), in order.
    /// The first is always the EHR's name where the error concerns one.
    pub fn params(&self) -> Vec<String> {
        let ehr = |e: &Ehr| e.name().to_string();
        match self {
            Error::InvalidKey(why) => vec![why.clone()],
            Error::NotConnected(e)
            | Error::Disabled(e)
            | Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::Unsupported(e)
            | Error::AppointmentMismatch(e)
            | Error::NoteGone(e) => vec![ehr(e)],
            Error::RateLimited { ehr: e, wait_s } => vec![ehr(e), wait_s.to_string()],
            Error::Validation { ehr: e, fields } => vec![
                ehr(e),
                fields
                    .iter()
                    .map(|(f, m)| format!("{f}: {m}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ],
            Error::Server { ehr: e, status } | Error::UnexpectedStatus { ehr: e, status } => {
                vec![ehr(e), status.to_string()]
            }
            Error::UnexpectedBody { ehr: e, .. } => vec![ehr(e)],
            Error::Refused { ehr: e, message } => vec![ehr(e), message.clone()],
            Error::NotPractitioner => vec![],
            Error::Transport(_) => vec![],
            Error::NoteTooLarge { kb, limit_kb } => vec![kb.to_string(), limit_kb.to_string()],
            Error::EmptyNote => vec![],
            Error::InvalidInput(why) | Error::Storage(why) => vec![why.clone()],
        }
    }

    /// Whether a failed write may still have created the record, for every EHR: no answer came
    /// (timeout, dropped connection) or a 5xx (which a server may send after saving). Statuses
    /// answered before saving (4xx, Nookal's HTTP-200 refusals) did not, and neither did a send
    /// the browser refused while offline. A job that may have created its note looks for it
    /// before sending again.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            Error::Transport(TransportError::Timeout | TransportError::Network { .. })
                | Error::Server { .. }
        )
    }

    /// Whether retrying the same request later may succeed (network, timeout, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Transport(_) | Error::Server { .. } | Error::RateLimited { .. }
        )
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind())?;
        for p in self.params() {
            write!(f, " · {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The serialisable form the background sends to its pages: `{kind, params, status?}`.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReply {
    /// [`Error::kind`]
    pub kind: &'static str,
    /// [`Error::params`]
    pub params: Vec<String>,
    /// Whether a later retry may work.
    pub transient: bool,
}

impl From<&Error> for ErrorReply {
    fn from(e: &Error) -> Self {
        ErrorReply {
            kind: e.kind(),
            params: e.params(),
            transient: e.is_transient(),
        }
    }
}
