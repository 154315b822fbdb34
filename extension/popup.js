// The toolbar popup (also the push window and the Firefox test page, via ?tab=): a thin view over
// the background. It reads the note from the target tab, lets the clinician confirm the patient and
// what will be sent, and asks the background to push. Note text stays in memory only.
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { targetTab } from "./lib/target-tab.js";
import { showConnection, wireReconnect } from "./popup/connection.js";
import { readTab, readFailureText, showPicker, prepare, showPrepared, candidateLabel } from "./popup/note.js";
import { PushQueue } from "./popup/queue.js";
import { EHR, nookalStatus, nookalPickerOptions, mountDestination, NookalPanel, pushLabel } from "./popup/nookal.js";
import { PatientPicker, fullName } from "./popup/patient.js";
import { push, showReceipt, showJobs, showRecent, copyNote, stateText } from "./popup/push.js";
import { showTemplateChoice, templateFields } from "./popup/template.js";
import { sampleDate } from "./lib/connection-text.js";
import { originOf } from "./lib/motics.js";
import { readCapture, ReadAll } from "./popup/capture.js";

localise();

const $ = (id) => document.getElementById(id);
const state = {
  tab: null, page: {}, candidates: [], chosen: 0, prepared: null, picker: null, connection: null, settings: null,
  pending: null, // the job this popup started that is still waiting (id + patient)
  queue: null, // the history queue, on pages with several notes
  dest: "cliniko", // where this push goes: "cliniko" | "nookal"
  usable: { cliniko: false, nookal: false },
  nookal: null, // the Nookal panel (cases, push, receipt), when Nookal is usable
  readAll: new ReadAll(), // a capture from another site: Push waits until the whole note was seen
};

const openSettings = () => { api.runtime.openOptionsPage(); window.close(); };
$("open-options").addEventListener("click", openSettings);
$("setup-open-settings").addEventListener("click", openSettings);

function updatePushButton() {
  const ready = Boolean(state.prepared) && Boolean(state.picker?.confirmed()) && state.readAll.seen() &&
    (state.dest !== EHR.NOOKAL || Boolean(state.nookal?.ready()));
  $("push").disabled = !ready;
  $("queue-add").disabled = !ready || Boolean(state.queue?.has(state.chosen));
  $("details-section").hidden = !state.prepared;
  if (ready) schedulePreflight();
}

/** The title a push sends: as edited, else the prepared one. */
function currentTitle() {
  return $("note-title").value.trim() || state.prepared.title;
}

const PREFLIGHT_DEBOUNCE_MS = 300;
/** Ask again for the same patient and title after this long (the background trusts a "no" for 120 s). */
const PREFLIGHT_AGAIN_MS = 60_000;
let preflightTimer = null;
let preflightLast = { key: "", at: 0 };

/**
 * Cliniko's duplicate-title check, while the clinician reads the preview and the patient card:
 * the background remembers a "no" briefly, so the click then only sends the note. A "yes" is not
 * acted on here: `push/start` asks Cliniko again and puts the same question as always.
 */
function schedulePreflight() {
  clearTimeout(preflightTimer);
  const patient = state.picker?.chosen;
  if (state.dest !== EHR.CLINIKO || !state.prepared || !patient || !state.picker.confirmed()) return;
  const title = currentTitle();
  if (!title) return;
  const key = `${patient.id}\n${title}`;
  if (key === preflightLast.key && Date.now() - preflightLast.at < PREFLIGHT_AGAIN_MS) return;
  preflightTimer = setTimeout(() => {
    preflightLast = { key, at: Date.now() };
    document.body.dataset.preflight = "asking";
    request(MSG.PUSH_PREFLIGHT, { patient, title }).then(
      (found) => { document.body.dataset.preflight = found ? "found" : "clear"; },
      () => { document.body.dataset.preflight = "failed"; preflightLast = { key: "", at: 0 }; });
  }, PREFLIGHT_DEBOUNCE_MS);
}

/** Where a pre-selection is kept: the page's origin + Motics session id, or this tab + URL. */
function preselectScope() {
  return {
    origin: originOf(state.page.url ?? state.tab?.url), session_id: state.page.session_id ?? null,
    tab_id: state.tab?.id ?? null, url: state.tab?.url ?? null,
  };
}

/** The chosen patient's name, for `{patient}` in the title (never the name the page shows). */
const chosenName = () => (state.picker?.chosen ? fullName(state.picker.chosen) : null);

/** Fill the title again for the patient now chosen, unless the clinician has edited it. */
async function refreshTitle() {
  const source = state.candidates[state.chosen];
  if (!state.prepared || !source || $("note-title").dataset.edited) return;
  const again = await prepare(source, { ehr: state.dest, pushRef: state.prepared.push_ref, dateDisplay: sessionDate(source), patientName: chosenName() })
    .catch(() => null);
  if (!again || state.candidates[state.chosen] !== source || !state.prepared) return;
  state.prepared.title = again.title;
  $("note-title").value = again.title ?? "";
}

async function onPatientChange(patient) {
  if (state.dest === EHR.NOOKAL && state.nookal && patient !== state.nookal.patient) await state.nookal.setPatient(patient);
  await refreshTitle();
  updatePushButton();
  // Before the note exists (recording in progress), the choice is kept for this session only
  // (Cliniko patients only: a pre-selection names a Cliniko id).
  if (!state.prepared && state.page.session_id && state.dest === EHR.CLINIKO) {
    await request(patient ? MSG.PRESELECT_SET : MSG.PRESELECT_CLEAR, { scope: preselectScope(), patient }).catch(() => {});
  }
}

async function choose(index) {
  state.chosen = index;
  state.prepared = null;
  updatePushButton();
  const source = state.candidates[index];
  // On a history page each note names its own patient: compare the choice with that one.
  state.picker.setPagePatient(source.meta?.patient_name ?? state.page.patient_name, source.meta?.patient_dob ?? state.page.patient_dob);
  if (state.picker.chosen) await state.picker.checkPageMatch();
  try {
    state.prepared = await prepare(source, { ehr: state.dest, pushRef: state.prepared?.push_ref, dateDisplay: sessionDate(source), patientName: chosenName() });
    showPrepared(state.prepared);
    $("note-summary").hidden = false;
    $("note-status").textContent = "";
    $("note-title").value = state.prepared.title ?? "";
    delete $("note-title").dataset.edited;
    await fillDetails();
    showTemplateChoice(state.prepared.template);
  } catch (e) {
    $("note-status").textContent = errorText(e);
    $("note-status").className = "small error";
  }
  updatePushButton();
}

/** The session date for the title (the note's creation date, else today), in the browser's locale. */
function sessionDate(source) {
  const created = source.meta?.created_at ? new Date(source.meta.created_at) : new Date();
  return sampleDate(Number.isNaN(created.getTime()) ? new Date() : created);
}

/** Draft/final and the template, from the saved defaults (each can be changed for this push). */
async function fillDetails() {
  if (state.settings) return;
  state.settings = await request(MSG.SETTINGS_GET);
  $(state.settings.draft ? "as-draft" : "as-final").checked = true;
  const select = $("note-template");
  select.replaceChildren(new Option(t("templateNone"), ""));
  try {
    for (const tpl of await request(MSG.CLINIKO_TEMPLATES, { refresh: false })) select.add(new Option(tpl.name, tpl.id));
  } catch {
    // Without the list the default still applies; the push itself reports any real problem.
  }
  select.value = state.settings.template_id ?? "";
}

/** Exactly what a push sends: the note as read, the confirmed patient, and the choices shown. */
function pushPayload(patient) {
  return {
    source: state.candidates[state.chosen],
    patient,
    title: currentTitle(),
    draft: $("as-draft").checked,
    ...templateFields(state.prepared.template),
    push_ref: state.prepared.push_ref,
    created_display: state.prepared.created_display ?? null,
    scope: preselectScope(),
    confirm_duplicate: false,
  };
}

/** Queue the chosen note for the chosen patient, then move on to the next note not yet queued. */
async function onQueueAdd() {
  const patient = state.picker.chosen;
  if (!state.prepared || !patient || !state.picker.confirmed()) return;
  state.queue.add(state.chosen, candidateLabel(state.candidates[state.chosen], state.chosen), pushPayload(patient));
  state.picker.clear(false);
  const next = state.candidates.findIndex((_, i) => !state.queue.has(i));
  if (next >= 0) {
    showPicker(state.candidates, next, choose);
    await choose(next);
  }
  updatePushButton();
  $("patient-search").focus();
}

/** Point the flow at one EHR: its search, its preview, its details and its push button. */
async function switchTo(ehr) {
  state.dest = ehr;
  Object.assign(state.picker, ehr === EHR.NOOKAL ? nookalPickerOptions()
    : { searchType: MSG.PATIENTS_SEARCH, idLabel: "clinikoId", dobUnknownLabel: "dobUnknown" });
  if (state.picker.chosen) state.picker.clear(false); // patient ids belong to one EHR
  $("push").textContent = pushLabel(ehr);
  $("cliniko-details").hidden = ehr !== EHR.CLINIKO;
  $("nookal-section").hidden = ehr !== EHR.NOOKAL;
  $("queue-add").hidden = ehr !== EHR.CLINIKO || !state.queue;
  if (state.candidates.length) await choose(state.chosen);
  updatePushButton();
}

async function onPushNookal(patient) {
  $("push").disabled = true;
  try {
    const outcome = await state.nookal.push({ prepared: state.prepared, patient });
    document.body.dataset.push = outcome.state;
  } finally {
    updatePushButton();
    refreshLists();
  }
}

async function onPush() {
  const patient = state.picker.chosen;
  if (!state.prepared || !patient || !state.picker.confirmed()) return;
  if (state.dest === EHR.NOOKAL) return onPushNookal(patient);
  $("push-error").textContent = "";
  $("receipt").hidden = true;
  $("push").disabled = true;
  $("push-status").textContent = t("pushing");
  try {
    const job = await push(pushPayload(patient), { patientName: fullName(patient), onProgress: (job) => { $("push-status").textContent = stateText(job); } });
    if (!job) {
      $("push-status").textContent = "";
    } else if (job.state === "done") {
      $("push-status").textContent = "";
      showReceipt(job, patient);
      document.body.dataset.push = "done";
    } else {
      $("push-status").textContent = stateText(job);
      if (job.error) $("push-error").textContent = errorText(job.error);
      document.body.dataset.push = job.state;
      state.pending = { id: job.id, patient };
      // A 401 parks the job: show the inline "Reconnect Cliniko" form right here.
      if (job.state === "needs_reconnect") showConnection(await request(MSG.CLINIKO_STATUS));
    }
  } catch (e) {
    $("push-status").textContent = "";
    $("push-error").textContent = errorText(e);
    document.body.dataset.push = "error";
  } finally {
    updatePushButton();
    refreshLists();
  }
}

function refreshLists() {
  showJobs(refreshLists);
  showRecent();
}

$("push").addEventListener("click", onPush);
$("note-title").addEventListener("input", () => {
  $("note-title").dataset.edited = "yes";
  if (!$("push").disabled) schedulePreflight();
});
$("queue-add").addEventListener("click", onQueueAdd);
$("copy-note").addEventListener("click", async () => {
  if (!state.prepared) return;
  try {
    await copyNote(state.prepared);
    $("push-status").textContent = t("noteCopied");
  } catch (e) {
    $("push-error").textContent = errorText(e);
  }
});

/**
 * The note to work on: what a context-menu click captured (the push window is opened with
 * ?capture=<id>), else what the target tab shows now.
 */
async function readSource() {
  const capture = new URLSearchParams(location.search).get("capture");
  if (capture) {
    const reply = await readCapture(capture);
    if (reply.page?.site) state.readAll.require(reply.page.site, updatePushButton);
    return reply;
  }
  return state.tab ? readTab(state.tab.id) : { ok: false, error: "unreadable", page: {} };
}

/** After the "push to pre-selected patient" shortcut: put focus on Push (the click is still the clinician's). */
async function focusPushIfAsked() {
  const flag = (await api.storage.session.get("ui.focus_push"))["ui.focus_push"];
  if (!flag) return;
  await api.storage.session.remove("ui.focus_push");
  if (!$("push").disabled) $("push").focus();
}

/**
 * Whether the browser lets the extension reach an EHR. Firefox MV3 host permissions are the
 * user's to grant or revoke (Chrome users can restrict site access too); without it every request
 * would fail as a network error, so say what to do instead: Settings has "Allow access to …".
 */
async function hostAccess(origin, ehr) {
  const granted = await api.permissions.contains({ origins: [origin] }).catch(() => true);
  if (!granted) {
    $("setup").hidden = false;
    $("setup-text").textContent = t("popupNoHostAccess", [ehr]);
    document.body.dataset.access = "missing";
  }
  return granted;
}

/** Where to push: asked only when both EHRs are usable; remembered per Motics session. */
async function chooseDestination() {
  let dest = state.usable.cliniko ? EHR.CLINIKO : EHR.NOOKAL;
  if (state.usable.cliniko && state.usable.nookal) {
    dest = await mountDestination($("destination"), { scope: preselectScope(), onChange: switchTo });
  }
  await switchTo(dest);
}

async function startFlow() {
  $("flow").hidden = false;
  refreshLists();
  state.picker = new PatientPicker({ term: state.connection?.patient_term || "patient", onChange: onPatientChange });
  if (state.usable.nookal) {
    state.nookal = new NookalPanel($("nookal-section"), { onChange: updatePushButton });
  }
  $("note-status").textContent = t("readingNote");
  state.tab = await targetTab().catch(() => null);
  const reply = await readSource();
  state.page = reply.page ?? {};
  state.picker.setPagePatient(state.page.patient_name, state.page.patient_dob);
  if (reply.ok) {
    state.candidates = reply.candidates;
    if (state.candidates.length > 1) state.queue = new PushQueue();
    showPicker(state.candidates, 0, choose);
  }
  // The destination decides the search, the preview and the details; then a Cliniko
  // pre-selection (made while recording) fills the patient.
  await chooseDestination();
  if (state.dest === EHR.CLINIKO) {
    const pre = await request(MSG.PRESELECT_GET, { scope: preselectScope() }).catch(() => null);
    if (pre) await state.picker.choose(pre, { preselected: true });
  }
  if (!reply.ok) {
    $("note-status").textContent = readFailureText(reply);
    document.body.dataset.note = reply.error;
    return;
  }
  document.body.dataset.note = "ready";
  await focusPushIfAsked();
}

async function start() {
  const status = $("core-status");
  try {
    const info = await request(MSG.CORE_INFO);
    $("about").textContent = t("aboutVersion", [info.version, info.build]);
    const [connection, nookal] = await Promise.all([request(MSG.CLINIKO_STATUS), nookalStatus()]);
    state.connection = connection.connection;
    status.textContent = "";
    state.usable.cliniko = showConnection(connection) && (await hostAccess("https://*.cliniko.com/*", "Cliniko"));
    state.usable.nookal = nookal.state === "connected" && !nookal.needs_practitioner;
    // A clinic on Nookal only never needs the Cliniko setup prompt, and the header names Nookal.
    if (!state.usable.cliniko && state.usable.nookal && connection.state === "not_set_up") {
      $("setup").hidden = true;
      $("connection").textContent = t("connectedNookalOnly");
      $("connection").className = "small connected";
    }
    if (state.usable.cliniko || state.usable.nookal) await startFlow();
    document.body.dataset.core = "ready";
  } catch (e) {
    status.textContent = errorText(e);
    status.classList.add("error");
    document.body.dataset.core = "failed";
  }
}

/** Follow a job that was waiting (e.g. resumed after a reconnect) until it lands or stops. */
async function followPending() {
  const pending = state.pending;
  if (!pending) return;
  for (let i = 0; i < 60; i++) {
    const job = await request(MSG.JOBS_GET, { id: pending.id }).catch(() => null);
    if (!job) return;
    $("push-status").textContent = stateText(job);
    if (job.state === "done") {
      $("push-status").textContent = "";
      $("push-error").textContent = "";
      showReceipt(job, pending.patient);
      document.body.dataset.push = "done";
      state.pending = null;
      refreshLists();
      return;
    }
    if (job.state !== "queued" && job.state !== "sending") return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

wireReconnect((connection) => {
  state.connection = connection.connection;
  state.usable.cliniko = showConnection(connection);
  if (state.usable.cliniko && $("flow").hidden) startFlow();
  refreshLists();
  followPending();
});
start();
