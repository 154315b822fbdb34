// The template part of the popup: the "Treatment note template" picker, with what Automatic picks
// for this note and why ("SOAP Note: 4 of 4 sections matched"), and a warning for a template that
// asks questions the note can't answer. The choice itself is made in the core (note/prepare's
// `template`); this only shows it and says what the clinician picked.
import { t } from "../lib/i18n.js";

const $ = (id) => document.getElementById(id);

/** The sentence explaining one template for this note. */
function why(choice, fit) {
  if (choice?.reason === "learned") return t("templateWhyLearned", [choice.name]);
  if (choice?.reason === "fallback") return t("templateWhyFallback", [choice.name]);
  if (!fit || !fit.sections) return "";
  const counts = [fit.name, String(fit.matched), String(fit.sections)];
  // Nothing is dropped: say where the sections that match nothing go.
  if (fit.matched < fit.sections && fit.catch_all) return t("templateWhyFitRest", [...counts, fit.catch_all]);
  return t("templateWhyFit", counts);
}

/** Show the automatic choice in the picker's first option and explain the current selection. */
export function showTemplateChoice(advice) {
  const select = $("note-template");
  const auto = advice?.automatic ?? null;
  const first = select.options[0];
  if (first && first.value === "") first.textContent = auto ? t("templateAutomaticChoice", [auto.name]) : t("templateNone");
  const update = () => {
    const box = $("template-why");
    const id = select.value;
    const fit = advice?.fits?.find((f) => f.template_id === (id || auto?.template_id)) ?? null;
    let text = id ? why(null, fit) : why(auto, fit);
    // Automatic found nothing it may take (every template asks a question the note can't answer).
    if (!id && !auto && advice?.fits?.length) text = t("templateChooseOne");
    const warn = Boolean(fit?.unanswerable?.length);
    if (warn) text = `${text} ${t("templateUnanswerable", [fit.name, fit.unanswerable.join(", ")])}`.trim();
    box.textContent = text;
    box.className = warn ? "small warning" : "small muted";
    box.hidden = !text;
  };
  select.onchange = update;
  update();
}

/** What a push says about the template: the clinician's pick (null: Automatic) and what Automatic showed. */
export function templateFields(advice) {
  return {
    template_id: $("note-template").value || null,
    automatic_template_id: advice?.automatic?.template_id ?? null,
  };
}
