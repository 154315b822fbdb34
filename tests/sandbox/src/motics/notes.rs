//! The Motics sessions and their generated notes (realistic SOAP content in HTML or Markdown).

/// A Motics session page's data.
pub struct Session {
    /// Session id (`s-1001`).
    pub id: &'static str,
    /// Patient name as Motics shows it (matches a seeded au1 Cliniko patient).
    pub patient: &'static str,
    /// Date of birth, when the page shows it.
    pub dob: Option<&'static str>,
    /// Clinician.
    pub author: &'static str,
    /// Note title.
    pub title: &'static str,
    /// When the note was generated.
    pub created_at: &'static str,
    /// `html` or `markdown`; `None` while recording (no note yet).
    pub format: Option<&'static str>,
    /// Complaint used in the note text.
    pub complaint: &'static str,
}

/// Seeded sessions (each for a different seeded patient).
pub const SESSIONS: &[Session] = &[
    Session {
        id: "s-1001",
        patient: "Margaret O'Brien",
        dob: None,
        author: "Dr Amelia Hart",
        title: "Follow-up: lower back pain",
        created_at: "2025-11-03T09:41:00Z",
        format: Some("html"),
        complaint: "lower back pain",
    },
    Session {
        id: "s-1002",
        patient: "James Smith",
        dob: Some("1985-11-02"),
        author: "Dr Amelia Hart",
        title: "Initial consult: right shoulder",
        created_at: "2025-11-03T10:15:00Z",
        format: Some("markdown"),
        complaint: "right shoulder pain",
    },
    Session {
        id: "s-1003",
        patient: "Aroha Ngāta",
        dob: None,
        author: "Tom Nguyen",
        title: "Review: ankle sprain",
        created_at: "2025-11-04T14:05:00Z",
        format: Some("html"),
        complaint: "left ankle sprain",
    },
    Session {
        id: "s-1004",
        patient: "Chloé Lefèvre-Martin",
        dob: None,
        author: "Dr Priya Raman",
        title: "Neck stiffness — osteopathy",
        created_at: "2025-11-05T08:30:00Z",
        format: Some("markdown"),
        complaint: "neck stiffness",
    },
    Session {
        id: "s-1005",
        patient: "Tāne Te Whāiti",
        dob: None,
        author: "Dr Amelia Hart",
        title: "Recording…",
        created_at: "2025-11-06T11:00:00Z",
        format: None,
        complaint: "",
    },
];

/// The SOAP note as HTML: headings, nested lists, bold/italic/underline, a table and a link.
pub fn soap_html(s: &Session, version: u32) -> String {
    let extra = if version > 1 {
        "<p><i>Edited after review: home program updated.</i></p>"
    } else {
        ""
    };
    format!(
        "<h2>Subjective</h2>\
<p>Patient reports <b>{c}</b> for three weeks, worse in the <i>mornings</i>; pain <u>6/10</u> at worst.</p>\
<ul><li>Aggravating: sitting &gt; 30 min, lifting\
<ul><li>Gardening on the weekend</li><li>Carrying shopping</li></ul></li>\
<li>Easing: walking, heat pack</li></ul>\
<h2>Objective</h2>\
<table><thead><tr><th>Test</th><th>Left</th><th>Right</th></tr></thead>\
<tbody><tr><td>Range of motion</td><td>80%</td><td>65%</td></tr><tr><td>Strength</td><td>5/5</td><td>4/5</td></tr></tbody></table>\
<h3>Palpation</h3><p>Tenderness over the affected segment; no neurological signs.</p>\
<h2>Assessment</h2><p>Mechanical {c}, improving. Red flags screened &amp; clear.</p>\
<h2>Plan</h2><ol><li>Manual therapy, <b>two</b> sessions</li><li>Home exercises\
<ol><li>Stretch twice daily</li><li>Walk 20 min</li></ol></li>\
<li>Review in 2 weeks — see <a href=\"https://www.example.org/exercise-guide\">exercise guide</a></li></ol>{extra}",
        c = s.complaint
    )
}

/// The SOAP note as Markdown source.
pub fn soap_markdown(s: &Session, version: u32) -> String {
    let extra = if version > 1 {
        "\n_Edited after review: home program updated._\n"
    } else {
        ""
    };
    format!(
        "## Subjective\n\nPatient reports **{c}** for two weeks, worse *overnight*; pain 5/10.\n\n\
- Aggravating: reaching overhead\n  - Hanging washing\n  - Driving\n- Easing: rest, ice\n\n\
## Objective\n\n| Test | Left | Right |\n|---|---|---|\n| Flexion | 170° | 120° |\n| Strength | 5/5 | 4/5 |\n\n\
### Special tests\n\nHawkins-Kennedy positive; neurovascular intact.\n\n\
## Assessment\n\nLikely rotator cuff tendinopathy — {c}.\n\n\
## Plan\n\n1. Education & load management\n2. Exercises\n   1. Isometrics, 5 × 45 s\n   2. Scapular setting\n\
3. Review in 10 days — [exercise guide](https://www.example.org/exercise-guide)\n{extra}",
        c = s.complaint
    )
}
