//! A push job's note operations, per EHR: prepare what will be sent, create the note, find it
//! again by its push reference, and the check for extra copies (archived where the EHR can,
//! [`Ehr::can_archive`]). `push::attempt` drives them the same way for every EHR.
//!
//! Each operation marks the job landed itself (`push::attempt::landed`) when the note is in the
//! EHR, with that EHR's receipt. Reading the note back is the landed job's check, after the
//! click's reply (Nookal reads every note back, since it may store the text double-encoded;
//! Cliniko's 201 returns the note, and its check looks for copies).

use super::Ehr;
use crate::push::job::Job;
use crate::worker::Env;
use crate::{Result, cliniko, nookal};

impl Ehr {
    /// Build what will be sent, once, into the job (every retry sends exactly it).
    pub(crate) async fn prepare_note<P: Env>(self, p: &P, job: &mut Job) -> Result<()> {
        match self {
            Ehr::Cliniko => cliniko::push::prepare(p, job).await,
            Ehr::Nookal => nookal::push::prepare(job),
        }
    }

    /// Create the job's note; on success the job is landed.
    pub(crate) async fn create_note<P: Env>(self, p: &P, job: &mut Job) -> Result<()> {
        match self {
            Ehr::Cliniko => cliniko::push::create(p, job).await,
            Ehr::Nookal => nookal::push::create(p, job).await,
        }
    }

    /// Look for the job's note (an earlier attempt may have created it); found → landed, `true`.
    pub(crate) async fn find_note<P: Env>(self, p: &P, job: &mut Job) -> Result<bool> {
        match self {
            Ehr::Cliniko => cliniko::push::find(p, job).await,
            Ehr::Nookal => nookal::push::find(p, job).await,
        }
    }

    /// The check a landed job left due, after the click's reply: Cliniko archives copies; Nookal
    /// reads the note back (landed, garbled characters) and names copies (it cannot archive).
    pub(crate) async fn verify_note<P: Env>(self, p: &P, job: &mut Job) -> Result<()> {
        match self {
            Ehr::Cliniko => cliniko::push::verify(p, job).await,
            Ehr::Nookal => nookal::push::verify(p, job).await,
        }
    }
}
