//! Cliniko's note operations for a push job (the `ehr::note` interface dispatches here): build the
//! content once, `POST /treatment_notes`, find a note again by its push reference among the
//! practitioner's recent notes for the patient, and archive extra copies a browser resend made.
//!
//! Request count of a normal push: one POST, then, as a separate step, one verifying GET (the
//! GET of recent notes finds copies a browser resend made; see architecture.md §3). The
//! verification is a step of its own so the click waits for the POST alone.

use super::content::{Content, fill_template};
use super::requests::{self, NewTreatmentNote};
use super::store::{self, Connection};
use super::types::{Page, TreatmentNote, TreatmentNoteTemplate};
use super::{ClinikoId, ClinikoKey, Shard, client, connect, links, responses};
use crate::error::{Ehr, Error};
use crate::push::job::{ClinikoPayload, Job};
use crate::push::receipts::{self, Receipt};
use crate::push::time::iso_utc;
use crate::push::{attempt, outbox, reference};
use crate::render::{Footer, RenderOptions};
use crate::worker::Env;
use crate::{Result, note};

/// How far before the job's start the reconciling list looks, for clock skew between this
/// computer and Cliniko (a clinic PC's clock can be minutes off; listing a little more costs
/// nothing but bytes, while missing a copy would mean a duplicate).
pub const SKEW_MARGIN_MS: i64 = 30 * 60_000;
/// Notes per reconciling list: the most Cliniko serves (§4). One practitioner's notes for one
/// patient since the job started never come near it.
const RECENT_PER_PAGE: u8 = 100;

/// Who and where: the key, the connection, the practitioner and the patient as ids.
pub(crate) struct Target {
    pub(crate) key: ClinikoKey,
    pub(crate) conn: Connection,
    pub(crate) practitioner: ClinikoId,
    pub(crate) patient: ClinikoId,
}

async fn target<P: Env>(p: &P, job: &Job) -> Result<Target> {
    target_for(p, &job.patient.id).await
}

/// The active connection's key and practitioner, and `patient_id` checked as a Cliniko id.
pub(crate) async fn target_for<P: Env>(p: &P, patient_id: &str) -> Result<Target> {
    let (key, conn) = store::STORE.active(p).await?;
    let practitioner = conn
        .practitioner_id
        .as_deref()
        .ok_or(Error::NotPractitioner)
        .and_then(ClinikoId::parse)?;
    let patient = ClinikoId::parse(patient_id)?;
    Ok(Target {
        key,
        conn,
        practitioner,
        patient,
    })
}

/// Build the content to send, once (kept in the job so every retry sends exactly it).
pub(crate) async fn prepare<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let t = target(p, job).await?;
    ensure_content(p, &t, job).await.map(drop)
}

/// `POST /treatment_notes` with the prepared content; landed on a 201. A 2xx we cannot read
/// still created the note: it is found by its reference at once.
pub(crate) async fn create<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let t = target(p, job).await?;
    let body = NewTreatmentNote {
        patient_id: t.patient.clone(),
        treatment_note_template_id: template_id(p, job).await?,
        title: job.title.clone(),
        draft: job.cliniko()?.draft,
        content: ensure_content(p, &t, job).await?,
    };
    let req = match &job.appointment {
        None => requests::create_treatment_note(&t.key, &body)?,
        // Checked against the patient again right before sending (the job may be old).
        Some(link) => {
            let verified = crate::diary::verify(link, t.patient.as_str(), None)
                .map_err(|_| Error::AppointmentMismatch(Ehr::Cliniko))?;
            super::appointments::create_linked_treatment_note(&t.key, &body, &verified)?
        }
    };
    let resp = client::send(p, &req).await?;
    match responses::parse_body::<TreatmentNote>(&resp.body) {
        Ok(created) => {
            job.note_id = Some(created.id.to_string());
            mark_landed(p, &t, job).await
        }
        Err(e) => {
            if reconcile(p, &t, job).await? {
                return Ok(());
            }
            Err(e)
        }
    }
}

/// Find the job's note by its push reference; found → landed (the oldest copy kept, the rest archived).
pub(crate) async fn find<P: Env>(p: &P, job: &mut Job) -> Result<bool> {
    let t = target(p, job).await?;
    reconcile(p, &t, job).await
}

/// The job's template id: the chosen one (`templates::for_push` decided it when the job was
/// made), else the clinic's simplest free-text template (`templates::choose::simplest`).
/// `POST /treatment_notes` always carries a template id:
/// whether Cliniko requires one is UNCONFIRMED (§8), and sending one works either way.
async fn template_id<P: Env>(p: &P, job: &mut Job) -> Result<ClinikoId> {
    if let Some(id) = job.cliniko()?.template_id.as_deref() {
        return ClinikoId::parse(id);
    }
    let templates = connect::list_templates(p, false).await?;
    let pick = crate::templates::choose::simplest(&templates).ok_or_else(|| {
        Error::InvalidInput("choose a treatment-note template in the options".into())
    })?;
    job.cliniko()?.template_id = Some(pick.id.to_string());
    Ok(pick.id.clone())
}

/// The content to send, built once from the note and the template, then kept in the job so every
/// retry sends exactly the same thing. The caller saves it (with `maybe_sent`) before the POST;
/// until then nothing was sent, and a stopped worker's next attempt simply builds it again.
async fn ensure_content<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<Option<Content>> {
    if let Some(c) = &job.cliniko()?.content {
        return Ok(Some(c.clone()));
    }
    let source = job
        .cliniko()?
        .source
        .as_ref()
        .ok_or_else(|| Error::InvalidInput("the job has no note to send".into()))?;
    let note = note::from_source(source)?;
    let tid = template_id(p, job).await?;
    let template = template_content(p, t, &tid).await?;
    let opts = RenderOptions {
        footer: Some(Footer {
            author: (note.meta.site.is_some()).then(|| t.conn.user_name.clone()),
            created: job.cliniko()?.created_display.clone(),
            reference: Some(job.push_ref.clone()),
        }),
    };
    let filled = fill_template(template.as_ref(), &note, &opts)?;
    let c = job.cliniko()?;
    c.content = Some(filled.content.clone());
    c.source = None;
    Ok(Some(filled.content))
}

/// The template's structure: from the cached list when it has it, else `GET /treatment_note_templates/{id}`.
async fn template_content<P: Env>(p: &P, t: &Target, id: &ClinikoId) -> Result<Option<Content>> {
    if let Some(cache) = store::load_templates(p).await?
        && cache.key_hint == t.conn.key_hint
        && let Some(found) = cache.templates.iter().find(|x| &x.id == id)
        && found.content.is_some()
    {
        return Ok(found.content.clone());
    }
    let tpl: TreatmentNoteTemplate = client::fetch(p, &requests::get_template(&t.key, id)).await?;
    Ok(tpl.content)
}

/// The practitioner's notes for the patient since the job started (less the skew margin).
async fn recent<P: Env>(p: &P, t: &Target, job: &Job) -> Result<Vec<TreatmentNote>> {
    let after = iso_utc(job.created_at_ms - SKEW_MARGIN_MS);
    let req =
        requests::list_recent_notes(&t.key, &t.patient, &t.practitioner, &after, RECENT_PER_PAGE);
    let page: Page<TreatmentNote> = client::fetch(p, &req).await?;
    Ok(page.items)
}

/// Look for the job's note in Cliniko. Found → keep the oldest copy, archive the rest, done.
async fn reconcile<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<bool> {
    let notes = recent(p, t, job).await?;
    let copies = reference::copies(&notes, &job.push_ref);
    let Some(keep) = reference::keeper(&copies, None) else {
        return Ok(false);
    };
    job.note_id = Some(keep.to_string());
    mark_landed(p, t, job).await?;
    archive_extras(p, t, job, &copies, &keep).await?;
    Ok(true)
}

/// The check for copies left due after landing (a 201, or a reconcile): list once more and
/// archive every other copy of this job (a browser resend).
pub(crate) async fn verify<P: Env>(p: &P, job: &mut Job) -> Result<()> {
    let t = target(p, job).await?;
    let Some(keep) = job.note_id.as_deref().map(ClinikoId::parse).transpose()? else {
        return Ok(());
    };
    let notes = recent(p, &t, job).await?;
    let copies = reference::copies(&notes, &job.push_ref);
    archive_extras(p, &t, job, &copies, &keep).await
}

/// Archive every copy but `keep`, then mark the job verified and update its receipt.
async fn archive_extras<P: Env>(
    p: &P,
    t: &Target,
    job: &mut Job,
    copies: &[&TreatmentNote],
    keep: &ClinikoId,
) -> Result<()> {
    for extra in copies.iter().filter(|n| &n.id != keep) {
        match client::send(p, &requests::archive_treatment_note(&t.key, &extra.id)).await {
            // 404: already archived (an archived note is not found without q[]=archived_at:*).
            Ok(_) | Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let id = extra.id.to_string();
        if !job.archived_copies.contains(&id) {
            job.archived_copies.push(id);
        }
        // Saved per copy so an interruption never archives twice or forgets one.
        outbox::put(p, job).await?;
    }
    job.verify_due = false;
    job.next_at_ms = None;
    if let Some(r) = job.receipt.as_mut() {
        r.archived_copies = job.archived_copies.clone();
        r.verified = true;
        receipts::record(p, r).await?;
    }
    outbox::put(p, job).await
}

/// The note is in Cliniko: its receipt, the note dropped from the payload, the job done.
async fn mark_landed<P: Env>(p: &P, t: &Target, job: &mut Job) -> Result<()> {
    let note_id = job.note_id.clone().unwrap_or_default();
    let now = p.now_ms();
    let (link, note_link) = web_links(&t.conn, &t.patient, &note_id);
    let receipt = Receipt {
        job_id: job.id.clone(),
        at_ms: now,
        ehr: Ehr::Cliniko,
        patient_id: t.patient.to_string(),
        note_id,
        link,
        note_link,
        push_ref: job.push_ref.clone(),
        fingerprint: job.fingerprint.clone(),
        archived_copies: job.archived_copies.clone(),
        verified: false,
        nookal: None,
        appointment: job.appointment.clone(),
    };
    let c = job.cliniko()?;
    *c = ClinikoPayload {
        template_id: c.template_id.take(),
        draft: c.draft,
        ..ClinikoPayload::default()
    };
    // A check for copies is left due (see the module docs).
    attempt::landed(p, job, receipt, true).await
}

/// "Open in Cliniko". Decision: `link` is the patient's page, `/patients/{id}` — the best-attested
/// web URL (several independent codebases, cliniko-api.md §10), so it opens even if the app's
/// note routes differ; `note_link` is `/patients/{id}/treatment_notes/{note}`, built from the
/// note id, attested only with `/edit` by one third party, so the popup offers it second.
fn web_links(
    conn: &Connection,
    patient: &ClinikoId,
    note_id: &str,
) -> (Option<String>, Option<String>) {
    let (Some(sub), Some(shard)) = (conn.subdomain.as_deref(), Shard::parse(&conn.shard)) else {
        return (None, None);
    };
    let link = links::patient_page(sub, &shard, patient).ok();
    let note_link = ClinikoId::parse(note_id)
        .ok()
        .and_then(|n| links::treatment_note_page(sub, &shard, patient, &n).ok());
    (link, note_link)
}
