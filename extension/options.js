// The options page: the Cliniko connection, defaults for new notes, and About. A thin view: the
// background verifies keys, stores them and never sends them back (the page sees only a masked hint).
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { describeConnection, sampleDate } from "./lib/connection-text.js";

localise();

const CLINIKO_ORIGINS = ["https://*.cliniko.com/*"];
const $ = (id) => document.getElementById(id);

// ---- Cliniko connection ------------------------------------------------------------------------

function showClinikoStatus(status) {
  const line = $("cliniko-status");
  const { text, tone } = describeConnection(status, "Cliniko");
  line.textContent = text;
  line.className = `status-line ${tone}`;
  $("cliniko-enabled").checked = status.state !== "disabled";
  $("cliniko-enabled").disabled = status.state === "not_set_up";
  $("cliniko-remove").hidden = status.state === "not_set_up";
  $("cliniko-verify").hidden = status.state === "not_set_up";
  $("cliniko-key-hint").textContent = status.connection?.key_hint
    ? t("savedKeyHint", [status.connection.key_hint]) : t("keyHintEmpty");
  const warning = $("cliniko-warning");
  const notPractitioner = status.connection && !status.connection.practitioner_id;
  warning.hidden = !notPractitioner;
  warning.textContent = notPractitioner ? t("notPractitionerWarning", [status.connection.user_name]) : "";
  document.body.dataset.cliniko = status.state;
}

async function refreshClinikoStatus() {
  try {
    showClinikoStatus(await request(MSG.CLINIKO_STATUS));
  } catch (e) {
    $("cliniko-error").textContent = errorText(e);
  }
}

async function withBusy(button, work) {
  const error = $("cliniko-error");
  error.textContent = "";
  button.disabled = true;
  const label = button.textContent;
  button.textContent = t("working");
  try {
    await work();
  } catch (e) {
    error.textContent = errorText(e);
    // A failure can change the state (a 401 flags "needs reconnect"): show the state as it is now.
    await refreshClinikoStatus();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

$("cliniko-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("cliniko-key");
  if (!input.value.trim()) {
    $("cliniko-error").textContent = t("keyRequired");
    input.focus();
    return;
  }
  withBusy($("cliniko-save"), async () => {
    // Verified before it is saved: an invalid key is never stored silently.
    const status = await request(MSG.CLINIKO_CONNECT, { key: input.value });
    input.value = "";
    setKeyVisible(false);
    showClinikoStatus(status);
    loadTemplates(false);
  });
});

$("cliniko-verify").addEventListener("click", () =>
  withBusy($("cliniko-verify"), async () => showClinikoStatus(await request(MSG.CLINIKO_VERIFY))));

$("cliniko-enabled").addEventListener("change", (event) =>
  withBusy(event.target, async () =>
    showClinikoStatus(await request(MSG.CLINIKO_SET_ENABLED, { enabled: event.target.checked }))));

$("cliniko-remove").addEventListener("click", () => {
  $("cliniko-remove-confirm").hidden = false;
  $("cliniko-remove-no").focus();
});
$("cliniko-remove-no").addEventListener("click", () => {
  $("cliniko-remove-confirm").hidden = true;
  $("cliniko-remove").focus();
});
$("cliniko-remove-yes").addEventListener("click", () =>
  withBusy($("cliniko-remove-yes"), async () => {
    showClinikoStatus(await request(MSG.CLINIKO_REMOVE));
    $("cliniko-remove-confirm").hidden = true;
    $("cliniko-key").focus();
  }));

function setKeyVisible(visible) {
  $("cliniko-key").type = visible ? "text" : "password";
  const toggle = $("cliniko-key-toggle");
  toggle.setAttribute("aria-pressed", String(visible));
  toggle.textContent = t(visible ? "hideKey" : "showKey");
}
$("cliniko-key-toggle").addEventListener("click", () => setKeyVisible($("cliniko-key").type === "password"));

// Firefox MV3 host permissions are the user's to grant or revoke; Chrome users can restrict site
// access too. The request must come from a click on an extension page.
async function checkPermission() {
  const granted = await api.permissions.contains({ origins: CLINIKO_ORIGINS });
  $("cliniko-permission").hidden = granted;
}
$("cliniko-allow").addEventListener("click", async () => {
  await api.permissions.request({ origins: CLINIKO_ORIGINS });
  await checkPermission();
});
api.permissions.onAdded?.addListener(checkPermission);
api.permissions.onRemoved?.addListener(checkPermission);

// ---- Defaults for new notes ----------------------------------------------------------------------

let settings = null;

async function loadSettings() {
  settings = await request(MSG.SETTINGS_GET);
  $("title-template").value = settings.title_template;
  $(settings.draft ? "draft-yes" : "draft-no").checked = true;
  updateTitleHint();
}

function updateTitleHint() {
  const example = $("title-template").value.replaceAll("{date}", sampleDate()).replaceAll("{patient}", "Jane Citizen");
  $("title-template-hint").textContent = t("titleTemplateHint", [example]);
}
$("title-template").addEventListener("input", updateTitleHint);

async function loadTemplates(refresh) {
  const select = $("template-select");
  const status = $("templates-status");
  status.textContent = t("templatesLoading");
  try {
    const templates = await request(MSG.CLINIKO_TEMPLATES, { refresh });
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
    await Promise.all([refreshClinikoStatus(), loadSettings(), checkPermission()]);
    await loadTemplates(false);
    document.body.dataset.core = "ready";
  } catch (e) {
    $("about-status").textContent = errorText(e);
    $("about-status").classList.add("error");
    document.body.dataset.core = "failed";
  }
}

start();
