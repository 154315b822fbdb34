//! The half of a job that may reach the disk: its record in `storage.local`, so a push that was
//! not finished when the browser closed (or the extension was reloaded or updated) is not lost.
//!
//! The note stays in `storage.session` (the outbox) only. A record holds what finds the note
//! again in the EHR (EHR, patient id, push reference, time), what opens the Motics session
//! again, the choices the clinician made, a 64-bit fingerprint (a hash: no text can be rebuilt
//! from it) and the state. No patient name: a title that contains one is not kept either.
//! Records of landed and discarded jobs are dropped with the outbox write that ends them.

use super::job::{ClinikoPayload, Job, JobState, NookalPayload, Payload};
use crate::diary::Link;
use crate::error::Ehr;
use crate::search::rank::{PatientSummary, Tier};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// storage.local key of the job records (a list, oldest first).
pub const STORAGE_KEY: &str = "push.records";

/// The clinician's choices for a push and where its note came from: read from `push/start`
/// beside the push's own fields, and kept in the job (and its record) from the first click on,
/// so a push resumed after the browser closed is sent as chosen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resumable {
    /// The Motics session's page ("Open the Motics session").
    #[serde(default)]
    pub session_url: Option<String>,
    /// The Motics session's id, when the page names one.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Create as a draft (EHRs with drafts).
    #[serde(default)]
    pub draft: bool,
    /// Treatment-note template id (string): as sent, the clinician's pick or null for Automatic;
    /// in a job, the one chosen for the push (EHRs with templates).
    #[serde(default)]
    pub template_id: Option<String>,
    /// The creation time for the footer, as the preview showed it (a resumed push sends the
    /// same footer).
    #[serde(default)]
    pub created_display: Option<String>,
    /// The case to file under (EHRs with cases); none → the most recent open one, or a new one.
    #[serde(default)]
    pub case_id: Option<String>,
    /// The title of a case created because the patient has none.
    #[serde(default)]
    pub new_case_title: Option<String>,
    /// The browser's offset from UTC (minutes east) at the session's time: EHRs that file a
    /// note under a clinic-local date-time get the session's time in it (or now, without one).
    #[serde(default)]
    pub utc_offset_min: Option<i32>,
}

/// One job as `storage.local` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Job id.
    pub id: String,
    /// Which EHR.
    pub ehr: Ehr,
    /// The patient's id in the EHR (no name).
    pub patient_id: String,
    /// The push reference in the note's footer: finds the note in the EHR.
    pub push_ref: String,
    /// The note title, unless it names the patient.
    #[serde(default)]
    pub title: Option<String>,
    /// The note's fingerprint (64-bit hash): a resumed push must read the same note.
    pub fingerprint: String,
    /// State when last written.
    pub state: JobState,
    /// Failed attempts.
    pub attempts: u32,
    /// Created (ms): the EHR is searched for the note from then on (less a margin for skew).
    pub created_at_ms: i64,
    /// The page's pre-selection scope (session id and origin; opaque here).
    #[serde(default)]
    pub scope: Option<Value>,
    /// The clinician's choices and the session.
    #[serde(default)]
    pub resume: Resumable,
    /// The appointment the note links to (ids, time and type name: no note text, no name).
    #[serde(default)]
    pub appointment: Option<Link>,
}

impl JobRecord {
    /// The record of `job`: everything but the note and the patient's name.
    pub fn of(job: &Job) -> JobRecord {
        JobRecord {
            id: job.id.clone(),
            ehr: job.ehr(),
            patient_id: job.patient.id.clone(),
            push_ref: job.push_ref.clone(),
            title: (!names_patient(&job.title, &job.patient)).then(|| job.title.clone()),
            fingerprint: job.fingerprint.clone(),
            // Sending and queued read the same after a restart (both look in the EHR first), so
            // the write that marks the send does not rewrite the record before the POST.
            state: match job.state {
                JobState::Sending => JobState::Queued,
                s => s,
            },
            attempts: job.attempts,
            created_at_ms: job.created_at_ms,
            scope: job.scope.clone(),
            resume: job.resume.clone(),
            appointment: job.appointment.clone(),
        }
    }

    /// The job again after its note text was lost (browser closed, extension reloaded):
    /// `interrupted`, with nothing to send, so the next step looks for it in the EHR first.
    pub fn adopt(self) -> Job {
        let payload = match self.ehr {
            Ehr::Cliniko => Payload::Cliniko(ClinikoPayload {
                template_id: self.resume.template_id.clone(),
                draft: self.resume.draft,
                created_display: self.resume.created_display.clone(),
                ..ClinikoPayload::default()
            }),
            Ehr::Nookal => Payload::Nookal(NookalPayload {
                input: None,
                outcome: None,
            }),
        };
        let patient = PatientSummary {
            id: self.patient_id,
            first_name: String::new(),
            last_name: String::new(),
            preferred_first_name: None,
            date_of_birth: None,
            email: None,
            phone: None,
            archived: false,
            tier: Tier::Other,
        };
        Job {
            state: JobState::Interrupted,
            scope: self.scope,
            resume: self.resume,
            appointment: self.appointment,
            attempts: 0,
            ..Job::queued(
                self.id,
                payload,
                self.push_ref,
                patient,
                self.title.unwrap_or_default(),
                self.fingerprint,
                self.created_at_ms,
            )
        }
    }
}

/// The records of an outbox's jobs still to land (a landed job needs none: its receipt stays).
pub fn of_jobs(jobs: &[Job]) -> Vec<JobRecord> {
    jobs.iter()
        .filter(|j| j.state.is_pending())
        .map(JobRecord::of)
        .collect()
}

/// Whether `title` contains any part of the patient's name (whole words, any case).
fn names_patient(title: &str, patient: &PatientSummary) -> bool {
    let title = title.to_lowercase();
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    [
        Some(&patient.first_name),
        Some(&patient.last_name),
        patient.preferred_first_name.as_ref(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|n| {
        n.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_string)
            .collect::<Vec<_>>()
    })
    .any(|part| words.contains(&part.as_str()))
}
