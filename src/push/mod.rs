//! Push to Cliniko and Nookal: jobs in one persisted outbox, driven by a state machine that never duplicates.
//!
//! - [`job`]: the job (one per push, any EHR: its payload is EHR-tagged) and its states
//!   (queued → sending → done | retry_wait | needs_reconnect | failed).
//! - [`policy`]: exponential backoff with jitter, and when to park a job for a manual Retry.
//! - [`reference`]: finding a job's push reference ("ref XXXXXX") in Cliniko's notes; which copy to keep.
//! - [`outbox`]: the jobs in `storage.session`, the badge and the alarm wakeup.
//! - [`record`]: each unfinished job's record in `storage.local` (no note text, no names), so a
//!   browser restart loses nothing.
//! - [`receipts`]: what was pushed, in `storage.local` (no note text, no names).
//! - [`landing`]: a click's landing, saved after its reply.
//! - [`guard`]: "Already pushed to … — push again?".
//! - [`ahead`]: the push prepared at the preflight, for the click.
//! - [`preflight`]: the title check run ahead of the click, and its short memory.
//! - [`attempt`]: one step of one job, whatever its EHR: claim, reconcile before any retry, create
//!   the note through the EHR interface (`ehr::note`), file failures (`attempt::file_error`); for
//!   a landed job, the check for copies left due.
//! - [`run`]: the entry points the messages call: start, queue, tick, retry, discard, resume.

pub mod ahead;
pub mod attempt;
pub mod guard;
pub mod job;
pub mod landing;
pub mod outbox;
pub mod policy;
pub mod preflight;
pub mod receipts;
pub mod record;
pub mod reference;
pub mod run;
pub mod time;

pub use job::{Job, JobError, JobState, JobView};
pub use receipts::Receipt;
pub use run::{Started, discard, enqueue, get, list, resume, resume_ehr, retry, start, tick};
