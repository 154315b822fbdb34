//! `note/prepare` with `head` (issue 18): the head of a long note, previewed while the page is read
//! whole, is rendered at once without asking the EHR, and carries no footer, title or
//! template advice; the same note prepared whole does.
#![cfg(not(target_arch = "wasm32"))]

mod push_support;

use push_support::{SandboxPlatform, source};
use serde_json::json;

const NOTE: &str =
    "## Subjective\n\nKnee sore after netball.\n\n## Plan\n\nBrace, review in 2 weeks.";

#[test]
fn a_heads_preview_has_no_footer_title_or_advice_and_asks_the_ehr_nothing() {
    for ehr in ["cliniko", "nookal"] {
        let p = SandboxPlatform::new();
        p.connect();
        let before = p.sb.borrow().requests(None, None).len();
        let head =
            p.ok(json!({"type": "note/prepare", "source": source(NOTE), "ehr": ehr, "head": true}));
        assert_eq!(
            p.sb.borrow().requests(None, None).len(),
            before,
            "{ehr}: a head asked the EHR"
        );
        let shown = head["preview"].to_string();
        assert!(shown.contains("Knee sore after netball."), "{ehr}: {shown}");
        assert!(
            !shown.contains("Pushed from"),
            "{ehr}: a head has no footer: {shown}"
        );
        assert_eq!(head["title"], "", "{ehr}");
        assert_eq!(head["template"], serde_json::Value::Null, "{ehr}");
        assert_eq!(head["ehr"], ehr);

        let whole = p.ok(json!({"type": "note/prepare", "source": source(NOTE), "ehr": ehr}));
        assert!(
            whole["preview"].to_string().contains("Pushed from"),
            "{ehr}: {whole}"
        );
        assert_ne!(whole["title"], "", "{ehr}");
    }
}
