//! `note/prepare`: the note the page gave, parsed once and rendered exactly as it will be sent.

use crate::Result;
use crate::error::Ehr;
use crate::note::{self, Meta, NoteSource};
use crate::push::reference::{is_push_ref, new_push_ref};
use crate::render::{self, Footer, PreviewNode, RenderOptions, Report};
use crate::settings;
use crate::worker::Env;
use serde::{Deserialize, Serialize};

/// What the popup sends: the source read from the page, and locale-formatted dates (the browser
/// formats dates; the core never guesses a locale).
#[derive(Debug, Deserialize)]
pub struct PrepareRequest {
    /// The note as `read-note.js` returned it.
    pub source: NoteSource,
    /// Where it will go (decides the preview and the report).
    #[serde(default = "default_ehr")]
    pub ehr: Ehr,
    /// The creation time for the footer, e.g. "31/01/2025, 10:02 am".
    #[serde(default)]
    pub created_display: Option<String>,
    /// The session date for the title, e.g. "31/01/2025" (today when the page gives none).
    #[serde(default)]
    pub date_display: Option<String>,
    /// A push reference already shown for this note (kept so the preview stays what is sent).
    #[serde(default)]
    pub push_ref: Option<String>,
    /// The chosen patient's name, for `{patient}` in the title template: never the name the page
    /// shows (issue 15 §6). Empty until a patient is chosen.
    #[serde(default)]
    pub patient_name: Option<String>,
    /// Also the Cliniko HTML and the plain text, for Copy note. Only Copy asks: a popup opening
    /// waits for this reply, and the two are another render and ~2× the preview's bytes to send.
    #[serde(default)]
    pub copy: bool,
    /// The source is the head of a long note (`read-note.js` `partial`), shown while the page is
    /// read whole: only its preview is made (no footer, no template advice, no title). Nothing
    /// prepared from a head is ever pushed: the popup pushes the whole note's preparation.
    #[serde(default)]
    pub head: bool,
}

fn default_ehr() -> Ehr {
    Ehr::Cliniko
}

/// The prepared note: what the popup shows and what a push sends.
#[derive(Debug, Serialize)]
pub struct Prepared {
    /// The EHR it was prepared for.
    pub ehr: Ehr,
    /// That EHR's name ("Cliniko", "Nookal"): the preview's headings name it.
    pub ehr_name: &'static str,
    /// Author, created time, session, patient, version (from the page).
    pub meta: Meta,
    /// The note's own title as the page gave it (shown in the popup), if any.
    pub note_title: Option<String>,
    /// The suggested note title, from the title template.
    pub title: String,
    /// What the EHR will show, as a safe tree.
    pub preview: Vec<PreviewNode>,
    /// What had to change for this EHR.
    pub report: Report,
    /// Cliniko paragraph HTML (for Copy note as rich text); only when the request asks `copy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Plain text with the structure kept (for Copy note, and what Nookal receives); only when
    /// the request asks `copy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Normalised content fingerprint (duplicate guard).
    pub fingerprint: String,
    /// The push reference shown in the footer; the same across retries of one push.
    pub push_ref: String,
    /// Cliniko: the template Automatic picks and every template's fit (`None` without a template
    /// list, e.g. offline: the push then falls back as before). Always `None` for Nookal, whose
    /// v2 API has no note templates.
    pub template: Option<crate::templates::Advice>,
}

/// Parse and render one note source.
pub async fn prepare<P: Env>(p: &P, req: PrepareRequest) -> Result<Prepared> {
    let note = note::from_source(&req.source)?;
    if req.head {
        return Ok(head(&note, req.ehr, p.random_u64()));
    }
    let settings = settings::load(p).await?;
    let push_ref = match req.push_ref {
        Some(r) if is_push_ref(&r) => r,
        _ => new_push_ref(p.random_u64()),
    };
    let opts = RenderOptions {
        footer: Some(Footer {
            author: crate::ehr::connection::footer_author(p, req.ehr, &note).await?,
            created: req.created_display.clone(),
            reference: Some(push_ref.clone()),
        }),
    };
    let (preview, report, html, text) = render_for(&note, req.ehr, &opts, req.copy);
    // Without the template list (e.g. offline) the preview shows no advice: the push falls back.
    let template = crate::ehr::connection::template_advice(p, req.ehr, &note)
        .await
        .ok()
        .flatten();
    let title = settings.title_for(
        req.date_display.as_deref().unwrap_or_default(),
        req.patient_name.as_deref().unwrap_or_default(),
    );
    Ok(Prepared {
        ehr: req.ehr,
        ehr_name: req.ehr.name(),
        note_title: note.title.clone(),
        title,
        html,
        text,
        fingerprint: note::fingerprint(&note),
        meta: note.meta,
        preview,
        report,
        push_ref,
        template,
    })
}

/// The preview of a long note's head, made at once: no storage read, no footer (the whole note's
/// preparation replaces it before any push can be chosen). Its reference is never shown.
fn head(note: &note::Note, ehr: Ehr, random: u64) -> Prepared {
    let (preview, report, _, _) = render_for(note, ehr, &RenderOptions { footer: None }, false);
    Prepared {
        ehr,
        ehr_name: ehr.name(),
        note_title: note.title.clone(),
        title: String::new(),
        html: None,
        text: None,
        fingerprint: String::new(),
        meta: note.meta.clone(),
        preview,
        report,
        push_ref: new_push_ref(random),
        template: None,
    }
}

/// The preview and report for `ehr`, each rendering made once; with `copy`, also the Cliniko HTML
/// and the plain text (Copy note): the preview's own form reused, the other EHR's rendered.
fn render_for(
    note: &note::Note,
    ehr: Ehr,
    opts: &RenderOptions,
    copy: bool,
) -> (Vec<PreviewNode>, Report, Option<String>, Option<String>) {
    match ehr {
        Ehr::Cliniko => {
            let r = render::preview(note, opts);
            let html = copy.then(|| render::safe_tree::to_html(&r.nodes));
            let text = copy.then(|| render::nookal_text(note, opts).text);
            (r.nodes, r.report, html, text)
        }
        Ehr::Nookal => {
            let r = render::nookal_text(note, opts);
            let html = copy.then(|| render::cliniko_html(note, opts).html);
            let preview = vec![PreviewNode::text(&r.text)];
            (preview, r.report, html, copy.then_some(r.text))
        }
    }
}
