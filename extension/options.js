// The options page: the Cliniko connection, defaults for new notes, and About. A thin view: the
// background verifies keys, stores them and never sends them back (the page sees only a masked hint).
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { describeConnection, sampleDate } from "./lib/connection-text.js";
import { labelHistoryOffers, clearHistoryIfAsked } from "./options/history.js";

localise();
labelHistoryOffers();

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
    await clearHistoryIfAsked("cliniko");
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

// ---- Nookal connection ---------------------------------------------------------------------------
// The same shape as Cliniko's, plus the two choices a v2 key needs: the practitioner notes are
// filed under (required: the key is not tied to one) and a default location.

let nookalStatus = null;

function practitionerName(p) {
  return [p.title, p.first_name, p.last_name].filter(Boolean).join(" ") || t("nookalPractitionerFallback", [p.id]);
}

/** `{text, tone}` for Nookal's state (the key reveals no user or clinic name, only what it covers). */
function describeNookal(status) {
  const c = status.connection;
  if (status.state !== "connected") return describeConnection(status, "Nookal");
  if (status.needs_practitioner) return { text: t("nookalConnectedChoose", [String(c.locations.length)]), tone: "problem" };
  const chosen = c.practitioners.find((p) => p.id === c.practitioner_id);
  return { text: t("nookalConnectedAs", [chosen ? practitionerName(chosen) : "", String(c.locations.length)]), tone: "connected" };
}

function showNookalStatus(status) {
  nookalStatus = status;
  const line = $("nookal-status");
  const { text, tone } = describeNookal(status);
  line.textContent = text;
  line.className = `status-line ${tone}`;
  const setUp = status.state !== "not_set_up";
  $("nookal-enabled").checked = status.state !== "disabled";
  $("nookal-enabled").disabled = !setUp;
  $("nookal-remove").hidden = !setUp;
  $("nookal-verify").hidden = !setUp;
  $("nookal-key-hint").textContent = status.connection?.key_hint
    ? t("savedKeyHint", [status.connection.key_hint]) : t("nookalKeyHintEmpty");
  const warning = $("nookal-warning");
  warning.hidden = !status.needs_practitioner;
  warning.textContent = status.needs_practitioner ? t("nookalNeedsPractitioner") : "";
  showNookalChoices(status.connection);
  document.body.dataset.nookal = status.state;
  document.body.dataset.nookalPractitioner = status.needs_practitioner ? "missing" : "chosen";
}

function showNookalChoices(c) {
  $("nookal-choices").hidden = !c;
  if (!c) return;
  const who = $("nookal-practitioner");
  const placeholder = new Option(t("nookalChoosePractitioner"), "");
  placeholder.disabled = true;
  who.replaceChildren(placeholder, ...c.practitioners.map((p) =>
    new Option(p.speciality ? `${practitionerName(p)} (${p.speciality})` : practitionerName(p), p.id)));
  who.value = c.practitioner_id ?? "";
  who.setAttribute("aria-invalid", String(!c.practitioner_id));
  const where = $("nookal-location");
  where.replaceChildren(new Option(t("nookalNoDefaultLocation"), ""), ...c.locations.map((l) => new Option(l.name, l.id)));
  where.value = c.location_id ?? "";
  // v2 keys are location-scoped: say which locations this one covers, so a missing one is noticed.
  $("nookal-location-hint").textContent = t("nookalLocationsCovered", [c.locations.map((l) => l.name).join(", ") || "—"]);
}

/** The message for a Nookal failure on this page (the key field is where the fix happens). */
function nookalErrorText(e) {
  if (e?.kind === "unauthorized") return t("nookalKeyRefused");
  // An HTML page or an unreadable reply where JSON was documented: the API moved or changed.
  if (e?.kind === "unexpected_body" || (e?.kind === "unexpected_status" && e.params?.[1] === "404")) return t("nookalApiChanged");
  return errorText(e);
}

async function refreshNookalStatus() {
  try {
    showNookalStatus(await request(MSG.NOOKAL_STATUS));
  } catch (e) {
    $("nookal-error").textContent = nookalErrorText(e);
  }
}

async function nookalBusy(control, work) {
  const error = $("nookal-error");
  error.textContent = "";
  $("nookal-choice-status").textContent = "";
  control.disabled = true;
  // Only a button shows "Working…" (a select's text is its options; a switch has none).
  const isButton = control.tagName === "BUTTON";
  const label = control.textContent;
  if (isButton) control.textContent = t("working");
  try {
    await work();
  } catch (e) {
    error.textContent = nookalErrorText(e);
    await refreshNookalStatus();
  } finally {
    control.disabled = false;
    if (isButton) control.textContent = label;
  }
}

$("nookal-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("nookal-key");
  if (!input.value.trim()) {
    $("nookal-error").textContent = t("nookalKeyRequired");
    input.focus();
    return;
  }
  nookalBusy($("nookal-save"), async () => {
    // verify, then getLocations and getPractitioners: saved only if all of that worked.
    const status = await request(MSG.NOOKAL_CONNECT, { key: input.value });
    input.value = "";
    setNookalKeyVisible(false);
    showNookalStatus(status);
    if (status.needs_practitioner) $("nookal-practitioner").focus();
  });
});

$("nookal-verify").addEventListener("click", () =>
  nookalBusy($("nookal-verify"), async () => showNookalStatus(await request(MSG.NOOKAL_VERIFY))));

$("nookal-enabled").addEventListener("change", (event) =>
  nookalBusy(event.target, async () =>
    showNookalStatus(await request(MSG.NOOKAL_SET_ENABLED, { enabled: event.target.checked }))));

$("nookal-practitioner").addEventListener("change", (event) =>
  nookalBusy(event.target, async () => {
    showNookalStatus(await request(MSG.NOOKAL_SET_PRACTITIONER, { practitioner_id: event.target.value }));
    $("nookal-choice-status").textContent = t("nookalChoiceSaved");
  }));

$("nookal-location").addEventListener("change", (event) =>
  nookalBusy(event.target, async () => {
    showNookalStatus(await request(MSG.NOOKAL_SET_LOCATION, { location_id: event.target.value || null }));
    $("nookal-choice-status").textContent = t("nookalChoiceSaved");
  }));

$("nookal-remove").addEventListener("click", () => {
  $("nookal-remove-confirm").hidden = false;
  $("nookal-remove-no").focus();
});
$("nookal-remove-no").addEventListener("click", () => {
  $("nookal-remove-confirm").hidden = true;
  $("nookal-remove").focus();
});
$("nookal-remove-yes").addEventListener("click", () =>
  nookalBusy($("nookal-remove-yes"), async () => {
    showNookalStatus(await request(MSG.NOOKAL_REMOVE));
    await clearHistoryIfAsked("nookal");
    $("nookal-remove-confirm").hidden = true;
    $("nookal-key").focus();
  }));

function setNookalKeyVisible(visible) {
  $("nookal-key").type = visible ? "text" : "password";
  const toggle = $("nookal-key-toggle");
  toggle.setAttribute("aria-pressed", String(visible));
  toggle.textContent = t(visible ? "hideKey" : "showKey");
  toggle.setAttribute("aria-label", t(visible ? "hideNookalKey" : "showNookalKey"));
}
$("nookal-key-toggle").addEventListener("click", () => setNookalKeyVisible($("nookal-key").type === "password"));

// Like Cliniko's: Firefox users grant (or revoke) host access themselves.
const NOOKAL_ORIGINS = ["https://api.nookal.com/*"];
async function checkNookalPermission() {
  $("nookal-permission").hidden = await api.permissions.contains({ origins: NOOKAL_ORIGINS });
}
$("nookal-allow").addEventListener("click", async () => {
  await api.permissions.request({ origins: NOOKAL_ORIGINS });
  await checkNookalPermission();
});
api.permissions.onAdded?.addListener(checkNookalPermission);
api.permissions.onRemoved?.addListener(checkNookalPermission);

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
    await Promise.all([refreshClinikoStatus(), refreshNookalStatus(), loadSettings(), checkPermission(), checkNookalPermission()]);
    await loadTemplates(false);
    document.body.dataset.core = "ready";
  } catch (e) {
    $("about-status").textContent = errorText(e);
    $("about-status").classList.add("error");
    document.body.dataset.core = "failed";
  }
}

start();
