// The options page: one connection card per EHR (options/connection-card.js), defaults for new
// notes, and About. A thin view: the background verifies and keeps the keys.
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { sampleDate } from "./lib/connection-text.js";
import { EHR_IDS } from "./lib/ehrs.js";
import { ConnectionCard } from "./options/connection-card.js";

localise();

const $ = (id) => document.getElementById(id);

// ---- One connection card per EHR ----------------------------------------------------------------

const template = $("connection-card");
const cards = EHR_IDS.map((ehr) => new ConnectionCard(ehr, template, document.querySelector(`[data-connection-card="${ehr}"]`), {
  // A new key may see other note templates (the defaults below).
  onConnected: () => loadTemplates(false),
}));

// ---- Defaults for new notes ----------------------------------------------------------------------

let settings = null;

async function loadSettings() {
  settings = await request(MSG.SETTINGS_GET);
  $("title-template").value = settings.title_template;
  $(settings.draft ? "draft-yes" : "draft-no").checked = true;
  const diary = settings.diary_window ?? { whole_day: true, hours: 3 };
  $(diary.whole_day ? "diary-whole-day" : "diary-near-only").checked = true;
  $("diary-hours").value = String(diary.hours);
  updateTitleHint();
}

let hintSeq = 0;
/** The title template's example, filled by the core (`title/fill`: the one fill, as pushes use it). */
async function updateTitleHint() {
  const seq = ++hintSeq;
  const example = await request(MSG.TITLE_FILL, {
    template: $("title-template").value, date_display: sampleDate(), patient_name: "Jane Citizen",
  }).catch(() => "");
  if (seq === hintSeq) $("title-template-hint").textContent = t("titleTemplateHint", [example]);
}
$("title-template").addEventListener("input", updateTitleHint);

async function loadTemplates(refresh) {
  const select = $("template-select");
  const status = $("templates-status");
  status.textContent = t("templatesLoading");
  try {
    const templates = await request(MSG.TEMPLATES_LIST, { ehr: "cliniko", refresh });
    const chosen = settings?.template_id ?? "";
    select.replaceChildren(new Option(t("templateNone"), ""));
    for (const tpl of templates) select.add(new Option(tpl.name, tpl.id));
    select.value = templates.some((tpl) => tpl.id === chosen) ? chosen : "";
    status.textContent = t("templatesCount", [String(templates.length)]);
  } catch (e) {
    status.textContent = e.kind === "not_connected" ? t("templatesNeedKey") : errorText(e);
    if (!select.options.length) select.add(new Option(t("templateNone"), ""));
  }
}
$("templates-refresh").addEventListener("click", () => loadTemplates(true));

$("defaults-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("defaults-error").textContent = "";
  $("defaults-status").textContent = "";
  try {
    settings = await request(MSG.SETTINGS_SET, {
      settings: {
        title_template: $("title-template").value,
        draft: $("draft-yes").checked,
        template_id: $("template-select").value || null,
        // The core checks the hours (1–12) and says so when they are out of range.
        diary_window: { whole_day: $("diary-whole-day").checked, hours: Number($("diary-hours").value) },
      },
    });
    $("defaults-status").textContent = t("defaultsSaved");
  } catch (e) {
    $("defaults-error").textContent = errorText(e);
  }
});

// ---- About ---------------------------------------------------------------------------------------

async function showAbout() {
  const info = await request(MSG.CORE_INFO);
  $("about-version").textContent = info.version;
  $("about-build").textContent = info.build;
}

async function start() {
  try {
    await showAbout();
    await Promise.all([...cards.flatMap((c) => [c.refresh(), c.checkPermission()]), loadSettings()]);
    await loadTemplates(false);
    document.body.dataset.core = "ready";
  } catch (e) {
    $("about-status").textContent = errorText(e);
    $("about-status").classList.add("error");
    document.body.dataset.core = "failed";
  }
}

start();
