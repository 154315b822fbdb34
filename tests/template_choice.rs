#![cfg(not(target_arch = "wasm32"))]
//! Automatic template choice over realistic clinics: 14 template sets × 22 note shapes. For every
//! pair the chosen template (and whether it was a fit or the fallback) is asserted from a table
//! written by hand, and the mapping is asserted from hand-written labels: each template question
//! and each note section carries a label ("S", "O", "A", "P", "G" for a catch-all question, or a
//! name of its own), and a section must land in the first question with its label, else the
//! template's catch-all, else its first paragraph question. The labels say what a clinician would
//! expect; they are not derived from the code's synonym table. A property test then checks that
//! no note text is ever lost, whatever the headings and templates.

mod common;

use common::html::{check_html, visible};
use motics_push::cliniko::ClinikoId;
use motics_push::cliniko::content::{self, Content, Placement, fill_template};
use motics_push::cliniko::types::TreatmentNoteTemplate;
use motics_push::note::Note;
use motics_push::note::from_markdown::blocks_from_markdown;
use motics_push::render::RenderOptions;
use motics_push::templates::choose::{self, Reason};
use proptest::prelude::*;
use serde_json::{Value, json};

/// A question: (name, type, label). Label "" for questions the note never fills.
type Q = (&'static str, &'static str, &'static str);
/// A template: name and sections (section name, questions).
type T = (&'static str, &'static [(&'static str, &'static [Q])]);

const fn p(name: &'static str, label: &'static str) -> Q {
    (name, "paragraph", label)
}

const SOAP: &[(&str, &[Q])] = &[
    ("Subjective", &[p("Subjective", "S")]),
    ("Objective", &[p("Objective", "O")]),
    ("Assessment", &[p("Assessment", "A")]),
    ("Plan", &[p("Plan", "P")]),
];

/// One clinic: its templates and, per note shape (in [`NOTES`] order), the expected choice:
/// a template name (a fit), "~name" (the fallback), or "" (none).
struct Clinic {
    name: &'static str,
    templates: &'static [T],
    expect: [&'static str; 22],
}

const CLINICS: &[Clinic] = &[
    Clinic {
        name: "SOAP and a progress note (the sandbox's clinic)",
        templates: &[
            ("Progress Note", &[("Progress note", &[p("Notes", "G")])]),
            ("SOAP Note", SOAP),
        ],
        expect: [
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "~Progress Note",
            "Progress Note",
            "~Progress Note",
            "SOAP Note",
            "SOAP Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "SOAP Note",
            "SOAP Note",
            "SOAP Note",
            "~Progress Note",
            "SOAP Note",
        ],
    },
    Clinic {
        name: "SOAP spelled as letters",
        templates: &[
            ("General", &[("General", &[p("Notes", "G")])]),
            (
                "SOAP (short)",
                &[
                    ("S:", &[p("S", "S")]),
                    ("O:", &[p("O", "O")]),
                    ("A:", &[p("A", "A")]),
                    ("P:", &[p("P", "P")]),
                ],
            ),
        ],
        expect: [
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "~General",
            "General",
            "~General",
            "SOAP (short)",
            "SOAP (short)",
            "~General",
            "~General",
            "~General",
            "SOAP (short)",
            "SOAP (short)",
            "SOAP (short)",
            "~General",
            "SOAP (short)",
        ],
    },
    Clinic {
        name: "SOAP in capitals, with named questions and a text question",
        templates: &[
            ("Quick note", &[("Note", &[p("Note", "G")])]),
            (
                "Standard Consultation",
                &[
                    (
                        "SUBJECTIVE",
                        &[p("Presenting complaint", "S"), ("Pain score", "text", "")],
                    ),
                    ("OBJECTIVE", &[p("Findings", "O")]),
                    ("ASSESSMENT", &[p("Diagnosis", "A")]),
                    ("PLAN", &[p("Treatment plan", "P")]),
                ],
            ),
        ],
        expect: [
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "~Quick note",
            "~Quick note",
            "~Quick note",
            "Standard Consultation",
            "Standard Consultation",
            "~Quick note",
            "~Quick note",
            "~Quick note",
            "Standard Consultation",
            "Standard Consultation",
            "Standard Consultation",
            "~Quick note",
            "Standard Consultation",
        ],
    },
    Clinic {
        name: "initial versus follow-up consults",
        templates: &[
            (
                "Follow-up",
                &[
                    ("Subjective", &[p("Subjective", "S")]),
                    ("Objective", &[p("Objective", "O")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
            (
                "Initial Consultation",
                &[
                    ("History", &[p("History", "S")]),
                    ("Examination", &[p("Examination", "O")]),
                    ("Assessment", &[p("Assessment", "A")]),
                    ("Goals", &[p("Goals", "goals")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
            ("Progress", &[("Progress", &[p("Progress notes", "G")])]),
        ],
        expect: [
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "Initial Consultation",
            "~Progress",
            "~Progress",
            "Progress",
            "Initial Consultation",
            "Initial Consultation",
            "~Progress",
            "~Progress",
            "~Progress",
            "Follow-up",
            "Follow-up",
            "Initial Consultation",
            "~Progress",
            "Initial Consultation",
        ],
    },
    Clinic {
        name: "a single free-text template",
        templates: &[("Treatment Note", &[("Notes", &[p("Notes", "G")])])],
        expect: [
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
        ],
    },
    Clinic {
        name: "a SOAP template with required checkbox and radio questions",
        templates: &[
            (
                "Physio Initial",
                &[
                    (
                        "Subjective",
                        &[p("Subjective", "S"), ("Areas", "checkboxes", "")],
                    ),
                    (
                        "Objective",
                        &[p("Objective", "O"), ("Side", "radiobuttons", "")],
                    ),
                    ("Assessment", &[p("Assessment", "A")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
            ("Progress Note", &[("Progress note", &[p("Notes", "G")])]),
        ],
        expect: [
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
            "~Progress Note",
        ],
    },
    Clinic {
        name: "an assessment template with a date question, and a plain SOAP",
        templates: &[
            (
                "Injury Assessment",
                &[
                    ("History", &[p("History", "S"), ("Injury date", "date", "")]),
                    ("Examination", &[p("Examination", "O")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
            ("SOAP", SOAP),
        ],
        expect: [
            "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "~SOAP",
            "~SOAP", "~SOAP", "SOAP", "SOAP", "~SOAP", "~SOAP", "~SOAP", "SOAP", "SOAP", "SOAP",
            "~SOAP", "SOAP",
        ],
    },
    Clinic {
        name: "German section names",
        templates: &[
            ("Freitext", &[("Notizen", &[p("Notizen", "de-free")])]),
            (
                "SOAP (Deutsch)",
                &[
                    ("Anamnese", &[p("Anamnese", "de-anamnese")]),
                    ("Befund", &[p("Befund", "de-befund")]),
                    ("Beurteilung", &[p("Beurteilung", "de-beurteilung")]),
                    ("Therapie", &[p("Therapie", "de-therapie")]),
                ],
            ),
        ],
        expect: [
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "SOAP (Deutsch)",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
            "~Freitext",
        ],
    },
    Clinic {
        name: "French and Spanish section names (Spanish shares the word \"Plan\")",
        templates: &[
            (
                "Bilan initial",
                &[
                    ("Anamnèse", &[p("Anamnèse", "fr-anamnese")]),
                    ("Examen", &[p("Examen", "fr-examen")]),
                    ("Diagnostic", &[p("Diagnostic", "fr-diagnostic")]),
                    ("Plan de traitement", &[p("Plan de traitement", "fr-plan")]),
                ],
            ),
            (
                "Nota de evolución",
                &[
                    ("Subjetivo", &[p("Subjetivo", "es-subjetivo")]),
                    ("Objetivo", &[p("Objetivo", "es-objetivo")]),
                    ("Análisis", &[p("Análisis", "es-analisis")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
        ],
        expect: [
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
            "Nota de evolución",
            "~Bilan initial",
            "~Bilan initial",
            "~Bilan initial",
        ],
    },
    Clinic {
        name: "sections named by abbreviations",
        templates: &[
            (
                "Hx/OE/Dx/Tx",
                &[
                    ("Hx", &[p("Hx", "S")]),
                    ("O/E", &[p("O/E", "O")]),
                    ("Dx", &[p("Dx", "A")]),
                    ("Tx", &[p("Tx", "P")]),
                ],
            ),
            ("Notes", &[("Notes", &[p("Notes", "G")])]),
        ],
        expect: [
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "~Notes",
            "Notes",
            "~Notes",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "~Notes",
            "~Notes",
            "~Notes",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "Hx/OE/Dx/Tx",
            "~Notes",
            "Hx/OE/Dx/Tx",
        ],
    },
    Clinic {
        name: "DAP and SOAP",
        templates: &[
            (
                "DAP",
                &[
                    ("Data", &[p("Data", "data")]),
                    ("Assessment", &[p("Assessment", "A")]),
                    ("Plan", &[p("Plan", "P")]),
                ],
            ),
            ("SOAP", SOAP),
        ],
        expect: [
            "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "SOAP", "~DAP", "~DAP",
            "~DAP", "SOAP", "SOAP", "DAP", "~DAP", "~DAP", "SOAP", "DAP", "SOAP", "~DAP", "SOAP",
        ],
    },
    Clinic {
        name: "a checklist without free text, and a free-text note",
        templates: &[
            (
                "Checklist",
                &[("Screening", &[("Red flags", "checkboxes", "")])],
            ),
            ("Treatment Note", &[("Treatment note", &[p("Notes", "G")])]),
        ],
        expect: [
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
            "~Treatment Note",
        ],
    },
    Clinic {
        name: "an initial consult (SOAP plus extras) and a plain SOAP",
        templates: &[
            (
                "Initial Consult (SOAP)",
                &[
                    ("Notes", &[p("Notes", "G")]),
                    ("Subjective", &[p("Subjective", "S")]),
                    ("Objective", &[p("Objective", "O")]),
                    ("Assessment", &[p("Assessment", "A")]),
                    ("Plan", &[p("Plan", "P")]),
                    ("Outcome measures", &[p("Outcome measures", "outcome")]),
                ],
            ),
            ("SOAP", SOAP),
        ],
        expect: [
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "~SOAP",
            "Initial Consult (SOAP)",
            "~SOAP",
            "SOAP",
            "SOAP",
            "~SOAP",
            "~SOAP",
            "~SOAP",
            "SOAP",
            "SOAP",
            "SOAP",
            "~SOAP",
            "SOAP",
        ],
    },
    Clinic {
        name: "assessment and plan in one section",
        templates: &[
            ("Progress", &[("Progress", &[p("Progress notes", "G")])]),
            (
                "SOA&P",
                &[
                    ("Subjective", &[p("Subjective", "S")]),
                    ("Objective", &[p("Objective", "O")]),
                    ("Assessment & Plan", &[p("Assessment & Plan", "ap")]),
                ],
            ),
        ],
        expect: [
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "~Progress",
            "SOA&P",
            "~Progress",
        ],
    },
];

/// A note shape: Markdown heading prefix, an optional preamble, and sections (heading, label,
/// extra body Markdown). Each part's body gets a unique marker word so its landing place is known.
struct Shape {
    name: &'static str,
    prefix: &'static str,
    preamble: Option<&'static str>,
    sections: &'static [(&'static str, &'static str, &'static str)],
}

const fn s(h: &'static str, l: &'static str) -> (&'static str, &'static str, &'static str) {
    (h, l, "")
}

const NOTES: [Shape; 22] = [
    Shape {
        name: "SOAP words",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment", "A"),
            s("Plan", "P"),
        ],
    },
    Shape {
        name: "SOAP letters",
        prefix: "## ",
        preamble: None,
        sections: &[s("S:", "S"), s("O:", "O"), s("A:", "A"), s("P:", "P")],
    },
    Shape {
        name: "SOAP in capitals with colons",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("SUBJECTIVE:", "S"),
            s("OBJECTIVE:", "O"),
            s("ASSESSMENT:", "A"),
            s("PLAN:", "P"),
        ],
    },
    Shape {
        name: "a title heading above SOAP",
        prefix: "## ",
        preamble: Some("# Initial consultation"),
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment", "A"),
            s("Plan", "P"),
        ],
    },
    Shape {
        name: "history, examination, treatment",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("History", "S"),
            s("Examination", "O"),
            s("Treatment", "P"),
        ],
    },
    Shape {
        name: "history, examination, impression, management",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("History", "S"),
            s("Examination", "O"),
            s("Impression", "A"),
            s("Management", "P"),
        ],
    },
    Shape {
        name: "assessment findings and a treatment plan",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Subjective", "S"),
            s("Assessment findings", "O"),
            s("Impression", "A"),
            s("Treatment plan", "P"),
        ],
    },
    Shape {
        name: "SOAP plus goals",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment", "A"),
            s("Plan", "P"),
            s("Goals", "goals"),
        ],
    },
    Shape {
        name: "SOAP out of order",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Assessment", "A"),
            s("Plan", "P"),
            s("Subjective", "S"),
            s("Objective", "O"),
        ],
    },
    Shape {
        name: "plain text, no headings",
        prefix: "",
        preamble: Some("Reviewed today, progressing well; continue the home program."),
        sections: &[],
    },
    Shape {
        name: "one section called Notes",
        prefix: "## ",
        preamble: None,
        sections: &[s("Notes", "G")],
    },
    Shape {
        name: "one section called Progress",
        prefix: "## ",
        preamble: None,
        sections: &[s("Progress", "G")],
    },
    Shape {
        name: "a preamble before SOAP",
        prefix: "## ",
        preamble: Some("Seen with an interpreter present."),
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment", "A"),
            s("Plan", "P"),
        ],
    },
    Shape {
        name: "SOAP as small headings",
        prefix: "### ",
        preamble: None,
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment", "A"),
            s("Plan", "P"),
        ],
    },
    Shape {
        name: "DAP",
        prefix: "## ",
        preamble: None,
        sections: &[s("Data", "data"), s("Assessment", "A"), s("Plan", "P")],
    },
    Shape {
        name: "goals and outcome measures",
        prefix: "## ",
        preamble: None,
        sections: &[s("Goals", "goals"), s("Outcome measures", "outcome")],
    },
    Shape {
        name: "German headings",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Anamnese", "de-anamnese"),
            s("Befund", "de-befund"),
            s("Therapie", "de-therapie"),
        ],
    },
    Shape {
        name: "subjective and plan only",
        prefix: "## ",
        preamble: None,
        sections: &[s("Subjective", "S"), s("Plan", "P")],
    },
    Shape {
        name: "plan only",
        prefix: "## ",
        preamble: None,
        sections: &[s("Plan", "P")],
    },
    Shape {
        name: "SOAP with subheadings and lists",
        prefix: "## ",
        preamble: None,
        sections: &[
            (
                "Subjective",
                "S",
                "### Pain\n\nWorse at night.\n\n### Function\n\n- stairs\n- sport",
            ),
            (
                "Objective",
                "O",
                "### Range of motion\n\n| Test | L | R |\n|---|---|---|\n| Flexion | 170 | 120 |",
            ),
            ("Assessment", "A", ""),
            ("Plan", "P", "1. Isometrics\n2. Review in 2 weeks"),
        ],
    },
    Shape {
        name: "assessment and plan together",
        prefix: "## ",
        preamble: None,
        sections: &[
            s("Subjective", "S"),
            s("Objective", "O"),
            s("Assessment & Plan", "ap"),
        ],
    },
    Shape {
        name: "abbreviations",
        prefix: "## ",
        preamble: None,
        sections: &[s("Hx", "S"), s("O/E", "O"), s("Dx", "A"), s("Tx", "P")],
    },
];

fn templates(c: &Clinic, ids: &mut u64) -> Vec<TreatmentNoteTemplate> {
    let mut out: Vec<_> = c
        .templates
        .iter()
        .map(|(name, sections)| {
            *ids += 1;
            let sections: Vec<Value> = sections
                .iter()
                .map(|(sname, qs)| {
                    let qs: Vec<Value> = qs
                        .iter()
                        .map(|(qn, kind, _)| match *kind {
                            "checkboxes" | "radiobuttons" => json!({"name": qn, "type": kind,
                                "answers": [{"value": "Yes"}, {"value": "No"}], "other": {"enabled": false}}),
                            _ => json!({"name": qn, "type": kind}),
                        })
                        .collect();
                    json!({"name": sname, "questions": qs})
                })
                .collect();
            TreatmentNoteTemplate {
                id: ClinikoId::parse(&ids.to_string()).unwrap(),
                name: (*name).into(),
                content: Some(serde_json::from_value(json!({ "sections": sections })).unwrap()),
                archived_at: None,
            }
        })
        .collect();
    // As `list_templates` gives them: sorted by name.
    out.sort_by_key(|t| t.name.to_lowercase());
    out
}

/// The note's Markdown and, per part, (marker word, label).
fn note_of(shape: &Shape, n: usize) -> (Note, Vec<(String, &'static str)>) {
    let mut md = String::new();
    let mut parts = Vec::new();
    if let Some(pre) = shape.preamble {
        let marker = format!("zqpre{n}");
        md.push_str(&format!("{pre}\n\n{marker} before the sections.\n\n"));
        parts.push((marker, "-"));
    }
    for (i, (heading, label, extra)) in shape.sections.iter().enumerate() {
        let marker = format!("zqsec{n}x{i}");
        md.push_str(&format!(
            "{}{heading}\n\n{marker} text of this part.\n\n",
            shape.prefix
        ));
        if !extra.is_empty() {
            md.push_str(&format!("{extra}\n\n"));
        }
        parts.push((marker, *label));
    }
    (Note::from_blocks(blocks_from_markdown(&md)), parts)
}

/// The question (section index, question index) a part labelled `label` should land in.
fn expected_target(c: &Content, label: &str) -> (usize, usize) {
    let labelled = |want: &str| -> Option<(usize, usize)> {
        c.sections.iter().enumerate().find_map(|(si, sec)| {
            sec.questions.iter().enumerate().find_map(|(qi, q)| {
                (q.is_paragraph() && label_of(&sec.name, &q.name) == Some(want)).then_some((si, qi))
            })
        })
    };
    labelled(label)
        .or_else(|| labelled("G"))
        .or_else(|| {
            c.sections.iter().enumerate().find_map(|(si, sec)| {
                sec.questions
                    .iter()
                    .position(|q| q.is_paragraph())
                    .map(|qi| (si, qi))
            })
        })
        .expect("a paragraph question")
}

thread_local! {
    /// (section name, question name) → label, for the clinic under test.
    static LABELS: std::cell::RefCell<Vec<(String, String, &'static str)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn label_of(section: &Option<String>, question: &str) -> Option<&'static str> {
    LABELS.with(|l| {
        l.borrow()
            .iter()
            .find(|(s, q, _)| Some(s) == section.as_ref() && q == question)
            .map(|(_, _, label)| *label)
    })
}

#[test]
fn every_clinic_and_note_shape_gets_the_expected_template_and_mapping() {
    assert!(CLINICS.len() >= 12 && NOTES.len() >= 20);
    let mut ids = 1_000_000_000_000u64;
    let mut failures = Vec::new();
    let mut pairs = 0;
    for clinic in CLINICS {
        let list = templates(clinic, &mut ids);
        LABELS.with(|l| {
            *l.borrow_mut() = clinic
                .templates
                .iter()
                .flat_map(|(_, secs)| secs.iter())
                .flat_map(|(sn, qs)| {
                    qs.iter()
                        .map(move |(qn, _, label)| (sn.to_string(), qn.to_string(), *label))
                })
                .collect();
        });
        for (n, (shape, expect)) in NOTES.iter().zip(clinic.expect).enumerate() {
            pairs += 1;
            let (note, parts) = note_of(shape, n);
            let fits = choose::fits(&list, &note);
            let got = choose::choose(&list, &fits, None);
            let got_str = match &got {
                None => String::new(),
                Some(c) if c.reason == Reason::Fallback => format!("~{}", c.name),
                Some(c) => c.name.clone(),
            };
            let ctx = format!("{} × {}", clinic.name, shape.name);
            if got_str != expect {
                failures.push(format!("{ctx}: chose {got_str:?}, expected {expect:?}"));
                continue;
            }
            let Some(choice) = got else { continue };
            let tpl = list
                .iter()
                .find(|t| t.id.to_string() == choice.template_id)
                .unwrap();
            let c = tpl.content.as_ref().unwrap();
            let filled = fill_template(Some(c), &note, &RenderOptions::default()).unwrap();
            for (marker, label) in &parts {
                let want = expected_target(c, if *label == "-" { "G" } else { label });
                let holders: Vec<(usize, usize)> = filled
                    .content
                    .sections
                    .iter()
                    .enumerate()
                    .flat_map(|(si, sec)| {
                        sec.questions
                            .iter()
                            .enumerate()
                            .map(move |(qi, q)| (si, qi, q))
                    })
                    .filter(|(_, _, q)| {
                        q.answer
                            .as_deref()
                            .is_some_and(|a| a.contains(marker.as_str()))
                    })
                    .map(|(si, qi, _)| (si, qi))
                    .collect();
                if holders != [want] {
                    failures.push(format!(
                        "{ctx}: part {label} ({marker}) landed in {holders:?}, expected {want:?}"
                    ));
                }
            }
            // A fit's "N of M sections matched" (the preview's words) counts the note's sections
            // as placed. (A fallback shows no count: with no name matching anywhere, a note is
            // split at its highest heading level, e.g. one title heading holding everything.)
            let placed = content::place(c, &note);
            let by_name = placed
                .iter()
                .filter(|p| p.heading.is_some() && p.how != Placement::General)
                .count();
            if choice.reason == Reason::Fit
                && (choice.matched, choice.sections) != (by_name, shape.sections.len())
            {
                failures.push(format!(
                    "{ctx}: {} of {} sections matched, expected {by_name} of {}",
                    choice.matched,
                    choice.sections,
                    shape.sections.len()
                ));
            }
        }
    }
    assert!(pairs >= 240, "{pairs} pairs");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn heading() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Subjective",
        "S:",
        "History",
        "Hx",
        "Objective",
        "O/E",
        "Examination",
        "Assessment findings",
        "Assessment",
        "Impression",
        "Dx",
        "Plan",
        "Treatment",
        "Management",
        "Notes",
        "Progress",
        "Goals",
        "Anamnese",
        "Befund",
        "Plan de traitement",
        "Assessment & Plan",
        "",
        "!!",
        "Red flags",
    ])
    .prop_map(String::from)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    /// Whatever the headings and the clinic, the template Automatic picks receives every word of
    /// the note: bodies always, and headings wherever they are not the question's own name.
    #[test]
    fn no_note_text_is_ever_lost(
        clinic in 0..CLINICS.len(),
        preamble in prop::option::of("[a-z]{1,8}( [a-z]{1,8}){0,3}"),
        level in prop::sample::select(vec!["# ", "## ", "### "]),
        sections in prop::collection::vec((heading(), "[a-z]{1,8}( [a-z]{1,8}){0,5}"), 0..7),
    ) {
        let mut ids = 1u64;
        let list = templates(&CLINICS[clinic], &mut ids);
        let mut md = String::new();
        if let Some(p) = &preamble { md.push_str(&format!("{p}\n\n")); }
        for (h, body) in &sections {
            md.push_str(&format!("{level}{h}\n\n{body}\n\n"));
        }
        let note = Note::from_blocks(blocks_from_markdown(&md));
        let fits = choose::fits(&list, &note);
        let Some(choice) = choose::choose(&list, &fits, None) else {
            return Ok(());
        };
        let c = list.iter().find(|t| t.id.to_string() == choice.template_id).unwrap().content.clone().unwrap();
        let Ok(filled) = fill_template(Some(&c), &note, &RenderOptions::default()) else {
            prop_assert!(preamble.is_none() && sections.iter().all(|(_, b)| b.trim().is_empty()));
            return Ok(());
        };
        let mut out = String::new();
        for q in filled.content.sections.iter().flat_map(|s| &s.questions) {
            if let Some(a) = &q.answer {
                out.push_str(&check_html(a).map_err(TestCaseError::fail)?);
                out.push(' ');
            }
        }
        let out = visible(&out).into_iter().collect::<String>();
        let mut words: Vec<&str> = preamble.iter().flat_map(|p| p.split(' ')).collect();
        for (_, body) in &sections { words.extend(body.split(' ')); }
        for w in words {
            prop_assert!(out.contains(w), "{:?} lost from {:?} in {}", w, md, choice.name);
        }
        for p in content::place(&c, &note) {
            if let (Some(h), Placement::General) = (&p.heading, p.how) {
                let h: String = visible(h).into_iter().collect();
                prop_assert!(out.contains(&h), "heading {:?} lost from {:?}", h, md);
            }
        }
    }
}
