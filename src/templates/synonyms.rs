//! The one table of clinical section names: spellings, abbreviations and synonyms per concept.
//!
//! Matching a note's heading to a template's section is done on [`name_key`]s (lowercase letters
//! and digits only, so case, spacing and punctuation never matter). Two keys that differ can still
//! mean the same section: [`concept`] maps each known spelling to one SOAP concept. The table is
//! deliberately English-only and whole-word: "Befund" or "Examen" match nothing, rather than
//! something by accident (a fuzzy or prefix match would turn "Plan de traitement" into "Plan").

/// A comparable form of a section name: lowercase letters and digits only ("S:" → "s",
/// " Subjective: " → "subjective", "Assessment & Plan" → "assessmentplan").
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// (concept, the name keys that mean it). A key appears in at most one row (a unit test checks).
///
/// Sources for the pairings: the SOAP note's four parts and their usual initials; physiotherapy
/// notes commonly say "History" (Hx) for the subjective part, "Examination"/"On examination"/
/// "Assessment findings" for the objective part, "Impression"/"Diagnosis" (Dx) for the assessment
/// and "Treatment" (Tx)/"Management" for the plan (the pairings the issue names, plus their
/// standard abbreviations). "Assessment" alone stays the assessment (the A of SOAP).
const TABLE: &[(&str, &[&str])] = &[
    (
        "subjective",
        &[
            "subjective",
            "s",
            "history",
            "hx",
            "subjectivehistory",
            "patienthistory",
            "subjectiveassessment",
        ],
    ),
    (
        "objective",
        &[
            "objective",
            "o",
            "examination",
            "exam",
            "oe",
            "onexamination",
            "assessmentfindings",
            "examinationfindings",
            "objectivefindings",
            "objectiveassessment",
            "physicalexamination",
        ],
    ),
    (
        "assessment",
        &[
            "assessment",
            "a",
            "impression",
            "clinicalimpression",
            "diagnosis",
            "dx",
            "workingdiagnosis",
        ],
    ),
    (
        "plan",
        &[
            "plan",
            "p",
            "treatment",
            "tx",
            "management",
            "treatmentplan",
            "managementplan",
        ],
    ),
];

/// Names of catch-all questions: where text that fits no section goes, when a template has one.
const GENERAL: &[&str] = &[
    "notes",
    "note",
    "general",
    "generalnotes",
    "other",
    "othernotes",
    "comments",
    "additionalnotes",
    "clinicalnotes",
    "progressnote",
    "progressnotes",
    "treatmentnote",
    "treatmentnotes",
    "sessionnotes",
    "consultnotes",
    "freetext",
];

/// The concept a name key stands for ("hx" → "subjective"), if it is in the table.
pub fn concept(key: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(_, keys)| keys.contains(&key))
        .map(|(c, _)| *c)
}

/// Whether two names mean the same section by the table (and are not simply equal keys).
pub fn synonyms(a_key: &str, b_key: &str) -> bool {
    a_key != b_key && concept(a_key).is_some_and(|c| concept(b_key) == Some(c))
}

/// Whether a section or question name is a catch-all ("Notes", "Progress note", "Other").
pub fn is_general(name: &str) -> bool {
    GENERAL.contains(&name_key(name).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_concept_and_is_already_a_key() {
        let mut seen = std::collections::HashSet::new();
        for (_, keys) in TABLE {
            for k in *keys {
                assert_eq!(&name_key(k), k, "{k} is not in key form");
                assert!(seen.insert(*k), "{k} is in two rows");
                assert!(
                    !GENERAL.contains(k),
                    "{k} is both a section and a catch-all"
                );
            }
        }
        for k in GENERAL {
            assert_eq!(&name_key(k), k);
        }
    }
}
