#![cfg(not(target_arch = "wasm32"))]
//! How well a template fits a note (`templates::fit`) and which template a push takes
//! (`templates::choose`), on small hand-written clinics; section-name synonyms (`templates::synonyms`).

use motics_push::cliniko::ClinikoId;
use motics_push::cliniko::types::TreatmentNoteTemplate;
use motics_push::note::Note;
use motics_push::note::from_markdown::blocks_from_markdown;
use motics_push::templates::choose::{Reason, choose, fits, simplest};
use motics_push::templates::fit::{Fit, best, score};
use motics_push::templates::synonyms::{is_general, name_key, synonyms};
use serde_json::json;

fn tpl(id: &str, name: &str, content: serde_json::Value) -> TreatmentNoteTemplate {
    TreatmentNoteTemplate {
        id: ClinikoId::parse(id).unwrap(),
        name: name.into(),
        content: Some(serde_json::from_value(content).unwrap()),
        archived_at: None,
    }
}

fn note(md: &str) -> Note {
    Note::from_blocks(blocks_from_markdown(md))
}

// ---- fit ----
fn soap(id: &str, names: [&str; 4]) -> TreatmentNoteTemplate {
    let sections: Vec<_> = names
        .iter()
        .map(|n| json!({"name": n, "questions": [{"name": n, "type": "paragraph"}]}))
        .collect();
    tpl(id, "SOAP", json!({ "sections": sections }))
}

const SOAP_NOTE: &str = "# Subjective\n\na\n\n# Objective\n\nb\n\n# Assessment\n\nc\n\n# Plan\n\nd";

#[test]
fn a_soap_note_fits_a_soap_template_exactly() {
    let f = score(
        &soap("1", ["Subjective", "Objective", "Assessment", "Plan"]),
        &note(SOAP_NOTE),
    );
    assert_eq!(
        (f.sections, f.matched, f.exact, f.out_of_order),
        (4, 4, 4, 0)
    );
    assert!(f.is_eligible());
}

#[test]
fn initials_count_as_synonyms_and_lose_ties_to_exact_names() {
    let letters = score(&soap("2", ["S", "O", "A", "P"]), &note(SOAP_NOTE));
    assert_eq!((letters.matched, letters.exact), (4, 0));
    let words = score(
        &soap("3", ["Subjective", "Objective", "Assessment", "Plan"]),
        &note(SOAP_NOTE),
    );
    let fits = [letters, words];
    assert_eq!(best(&fits).unwrap().template_id, "3");
}

#[test]
fn order_breaks_ties() {
    let reversed = score(
        &soap("4", ["Plan", "Assessment", "Objective", "Subjective"]),
        &note(SOAP_NOTE),
    );
    assert_eq!(reversed.out_of_order, 6);
    let straight = score(
        &soap("5", ["Subjective", "Objective", "Assessment", "Plan"]),
        &note(SOAP_NOTE),
    );
    let fits = [reversed, straight];
    assert_eq!(best(&fits).unwrap().template_id, "5");
}

#[test]
fn threshold() {
    let f = |matched, sections| Fit {
        template_id: "1".into(),
        name: "x".into(),
        sections,
        matched,
        exact: matched,
        out_of_order: 0,
        unfilled: 0,
        unanswerable: vec![],
        catch_all: None,
    };
    assert!(f(1, 1).is_good());
    assert!(f(3, 4).is_good());
    assert!(f(4, 5).is_good());
    assert!(!f(2, 3).is_good());
    assert!(!f(1, 2).is_good());
    assert!(!f(0, 0).is_good(), "a note without headings fits nothing");
}

#[test]
fn questions_the_note_cannot_answer_block_the_automatic_choice() {
    let t = tpl(
        "6",
        "Initial",
        json!({"sections": [
            {"name": "Subjective", "questions": [{"name": "Subjective", "type": "paragraph"},
                {"name": "Onset", "type": "date"}]},
            {"name": "Plan", "questions": [{"name": "Plan", "type": "paragraph"},
                {"name": "Pain score", "type": "text"}]}]}),
    );
    let f = score(&t, &note("# Subjective\n\na\n\n# Plan\n\nb"));
    assert!(f.is_good());
    assert_eq!(f.unanswerable, ["Onset"]);
    assert!(!f.is_eligible());
}

// ---- choose ----
fn clinic() -> Vec<TreatmentNoteTemplate> {
    vec![
        tpl(
            "10",
            "Progress",
            json!({"sections": [{"name": "Progress", "questions": [{"name": "Notes", "type": "paragraph"}]}]}),
        ),
        tpl(
            "20",
            "SOAP",
            json!({"sections": [
                {"name": "Subjective", "questions": [{"name": "Subjective", "type": "paragraph"}]},
                {"name": "Objective", "questions": [{"name": "Objective", "type": "paragraph"}]},
                {"name": "Assessment", "questions": [{"name": "Assessment", "type": "paragraph"}]},
                {"name": "Plan", "questions": [{"name": "Plan", "type": "paragraph"}]}]}),
        ),
    ]
}

#[test]
fn a_soap_note_goes_to_the_soap_template() {
    let t = clinic();
    let n = note("## S\n\na\n\n## O\n\nb\n\n## A\n\nc\n\n## P\n\nd");
    let c = choose(&t, &fits(&t, &n), None).unwrap();
    assert_eq!(
        (c.template_id.as_str(), c.reason, c.matched, c.sections),
        ("20", Reason::Fit, 4, 4)
    );
}

#[test]
fn a_learned_choice_wins_and_a_stale_one_is_ignored() {
    let t = clinic();
    let n = note("# Subjective\n\na\n\n# Plan\n\nb");
    let f = fits(&t, &n);
    assert_eq!(choose(&t, &f, Some("10")).unwrap().reason, Reason::Learned);
    assert_eq!(choose(&t, &f, Some("99")).unwrap().template_id, "20");
}

#[test]
fn the_fallback_never_takes_a_template_with_questions_the_note_cannot_answer() {
    let t = vec![
        tpl(
            "30",
            "Checked",
            json!({"sections": [{"name": "Notes", "questions": [
                {"name": "Notes", "type": "paragraph"},
                {"name": "Side", "type": "radiobuttons", "answers": [{"value": "L"}]}]}]}),
        ),
        clinic().remove(1),
    ];
    assert_eq!(simplest(&t).unwrap().id.to_string(), "20");
    assert!(simplest(&t[..1]).is_none());
}

#[test]
fn no_fit_falls_back_to_the_simplest() {
    let t = clinic();
    let n = note("# Goals\n\na\n\n# Outcome measures\n\nb");
    let c = choose(&t, &fits(&t, &n), None).unwrap();
    assert_eq!((c.template_id.as_str(), c.reason), ("10", Reason::Fallback));
    assert!(choose(&[], &[], None).is_none());
}

// ---- synonyms ----
#[test]
fn keys_ignore_case_spacing_and_punctuation() {
    assert_eq!(name_key("S:"), "s");
    assert_eq!(name_key("SUBJECTIVE"), "subjective");
    assert_eq!(name_key(" Subjective: "), "subjective");
    assert_eq!(name_key("Assessment & Plan"), "assessmentplan");
    assert_eq!(name_key("O/E"), "oe");
    assert_ne!(name_key("Plan"), name_key("Planning"));
}

#[test]
fn the_soap_initials_and_clinical_synonyms_pair_up() {
    let pairs = [
        ("S", "Subjective"),
        ("O:", "Objective"),
        ("A.", "Assessment"),
        ("P", "Plan"),
        ("History", "Subjective"),
        ("Hx", "History"),
        ("Examination", "Objective"),
        ("Assessment findings", "Objective"),
        ("O/E", "Examination"),
        ("Treatment", "Plan"),
        ("Management", "Plan"),
        ("Tx", "Treatment plan"),
        ("Impression", "Assessment"),
        ("Diagnosis", "Impression"),
    ];
    for (a, b) in pairs {
        assert!(synonyms(&name_key(a), &name_key(b)), "{a} ~ {b}");
    }
}

#[test]
fn different_parts_and_other_languages_do_not_pair() {
    let apart = [
        ("Subjective", "Objective"),
        ("Assessment", "Assessment findings"),
        ("Assessment", "Plan"),
        ("Plan", "Planning"),
        ("Anamnese", "History"),
        ("Befund", "Examination"),
        ("Examen", "Exam"),
        ("Objetivo", "Objective"),
        ("Évaluation", "Assessment"),
        ("Plan de traitement", "Plan"),
        ("Subjective", "Subjective"),
    ];
    for (a, b) in apart {
        assert!(!synonyms(&name_key(a), &name_key(b)), "{a} !~ {b}");
    }
}

#[test]
fn catch_all_names() {
    assert!(is_general("Notes"));
    assert!(is_general("Progress note"));
    assert!(is_general("Additional notes:"));
    assert!(!is_general("Plan"));
    assert!(!is_general("Notizen"));
}
