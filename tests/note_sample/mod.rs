//! Deterministic sample notes of any size, for size tests.

use motics_push::note::{NoteSource, SourceFormat, SourceMeta};

const SENTENCES: &[&str] = &[
    "Patient reports intermittent lower back pain, worse after prolonged sitting.",
    "Pain rated 6/10 at worst, 2/10 at rest; no night pain or bladder changes.",
    "Lumbar flexion limited to mid-shin with end-range discomfort.",
    "Neurological screen unremarkable; straight-leg raise negative bilaterally.",
    "Findings consistent with mechanical low back pain (L4/5) — likely discogenic.",
    "Reviewed ergonomics & sitting breaks; café chair replaced with supportive seat.",
    "Plan: graded activity, core endurance programme, review in 2 weeks.",
];

/// A Markdown SOAP note of at least `bytes` bytes (and less than `bytes` + 1 KB): headings,
/// paragraphs, bullet and numbered lists, bold text and a table, repeated until big enough.
pub fn soap_note_of_size(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 1024);
    let mut n = 0usize;
    while s.len() < bytes {
        let pick = |k: usize| SENTENCES[(n + k) % SENTENCES.len()];
        s.push_str(&format!(
            "## Subjective {n}\n\n{} **{}**\n\n",
            pick(0),
            pick(1)
        ));
        s.push_str(&format!(
            "## Objective {n}\n\n- {}\n- {}\n  1. {}\n\n",
            pick(2),
            pick(3),
            pick(4)
        ));
        s.push_str(&format!(
            "| Test | Result |\n|---|---|\n| SLR | negative {n} |\n\n"
        ));
        s.push_str(&format!(
            "## Assessment {n}\n\n{}\n\n## Plan {n}\n\n1. {}\n2. {}\n\n",
            pick(4),
            pick(5),
            pick(6)
        ));
        n += 1;
    }
    s
}

/// [`soap_note_of_size`] wrapped as a Markdown [`NoteSource`] with typical metadata.
pub fn soap_source_of_size(bytes: usize) -> NoteSource {
    NoteSource {
        format: SourceFormat::Markdown,
        tree: None,
        text: Some(soap_note_of_size(bytes)),
        meta: SourceMeta {
            title: Some("Follow-up consultation".into()),
            author: Some("Jane Smith".into()),
            created_at: Some("2025-01-31T10:02:00+11:00".into()),
            session_id: Some("sess-0001".into()),
            patient_name: Some("Alex Example".into()),
            ..SourceMeta::default()
        },
    }
}
