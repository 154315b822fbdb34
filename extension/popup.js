// The toolbar popup (also the push window and the Firefox test page, via ?tab=): a thin view over
// the background. It reads the note from the target tab, lets the clinician confirm the patient and
// what will be sent, and asks the background to push. Note text stays in memory only.
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { EHRS, te } from "./lib/ehrs.js";
import { loadStatuses, showConnections } from "./popup/connection.js";
import { readFailureText, showPicker, prepare, showPrepared, showHeading, showHead, candidateLabel } from "./popup/note.js";
import { readTab } from "./popup/read.js";
import { tabFound, firstRead } from "./popup/early.js";
import { PushQueue } from "./popup/queue.js";
import { CaseChooser } from "./popup/cases.js";
import { mountDestination } from "./popup/destination.js";
import { PatientPicker, fullName } from "./popup/patient.js";
import { push, retryJob, followJob, showReceipt, showJobs, showRecent, copyNote, stateText } from "./popup/push.js";
import { showTemplateChoice, templateFields } from "./popup/template.js";
import { sampleDate } from "./lib/connection-text.js";
import { utcOffsetMin } from "./lib/dates.js";
import { originOf } from "./lib/motics.js";
import { readCapture, ReadAll } from "./popup/capture.js";
import { offerResume } from "./popup/resume.js";
import { showActionPatient } from "./popup/action-bar.js";
import { Appointments, showReceiptAppointment, linkOfRow } from "./popup/appointments.js";
import { matchByAppointment, pairNote } from "./popup/queue-match.js";

localise();

const $ = (id) => document.getElementById(id);
const state = {
  tab: null, page: {}, candidates: [], chosen: 0, prepared: null, picker: null, statuses: {}, settings: null,
  pending: null, // the job this popup started that is still waiting (id + patient)
  replaces: null, // an unfinished push whose note changed: discarded once the new push is sent
  queue: null, // the history queue, on pages with several notes
  dest: null, // where this push goes (an EHR id)
  usable: [], // the EHRs a push can go to now
  cases: null, // the case chooser, for an EHR that files notes under a case
  templatesOf: null, // the EHR whose templates the picker lists
  readAll: new ReadAll(), // a capture from another site: Push waits until the whole note was seen
  appts: null, // the Appointments list (the diary around the session) and the note's link
  copyForms: null, // the chosen note's HTML and text for Copy note, made after its preview
  whole: null, // a long note's whole read, when the first read gave its head (`partial` candidates)
  wholeReply: null, // that read's reply, once it replaced the heads
  turn: 0, // which `choose` is current (a later one, or another EHR, supersedes it)
  head: false, // a long note's head is shown (its preview only) while the page is read whole
  early: null, // the first note's preparation, started as soon as it was read (see `prepareEarly`)
};
/** The popup's extras for the EHR this push goes to (lib/ehrs.js). */
const extras = () => EHRS[state.dest]?.popup ?? {};

const openSettings = () => { api.runtime.openOptionsPage(); window.close(); };
$("open-options").addEventListener("click", openSettings);
$("setup-open-settings").addEventListener("click", openSettings);

function updatePushButton() {
  const ready = Boolean(state.prepared) && Boolean(state.picker?.confirmed()) && state.readAll.seen() &&
    (!extras().cases || Boolean(state.cases?.ready()));
  $("push").disabled = !ready;
  $("queue-add").disabled = !ready || Boolean(state.queue?.has(state.chosen));
  // A long note's head shows its preview while the rest is read; nothing acts on it.
  $("details-section").hidden = !state.prepared && !state.head;
  $("copy-note").disabled = !state.prepared;
  showActionPatient(state.picker?.chosen ?? null);
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
 * The EHR's duplicate-title check, while the clinician reads the preview and the patient card:
 * the background remembers a "no" briefly, so the click then only sends the note. A "yes" is not
 * acted on here: `push/start` asks the EHR again and puts the same question as always.
 */
function schedulePreflight() {
  clearTimeout(preflightTimer);
  const patient = state.picker?.chosen;
  if (!state.prepared || !patient || !state.picker.confirmed()) return;
  const title = currentTitle();
  if (!title) return;
  const key = `${patient.id}\n${title}`;
  if (key === preflightLast.key && Date.now() - preflightLast.at < PREFLIGHT_AGAIN_MS) return;
  preflightTimer = setTimeout(() => {
    preflightLast = { key, at: Date.now() };
    document.body.dataset.preflight = "asking";
    // The whole push too: the background prepares it, so the click only writes once and sends.
    // (The note may have been switched since this was scheduled: then there is nothing to prepare.)
    if (!state.prepared) return;
    request(MSG.PUSH_PREFLIGHT, {
      ehr: state.dest, patient, title, appointment: state.appts?.linkFor(patient) ?? null,
      utc_offset_min: utcOffsetMin(state.candidates[state.chosen]), push: pushPayload(patient),
    }).then(
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
  state.appts?.onPatient(patient); // the link: the chosen appointment's, or one offered for this patient
  if (extras().cases && patient !== state.cases.patient) await state.cases.setPatient(patient, { preferCaseId: state.appts?.caseFor(patient) });
  await refreshTitle();
  updatePushButton();
  // Before the note exists (recording in progress), the choice is kept for this session only
  // (a long note still being read exists).
  if (!state.prepared && !state.whole && state.page.session_id) {
    await request(patient ? MSG.PRESELECT_SET : MSG.PRESELECT_CLEAR, { ehr: state.dest, scope: preselectScope(), patient }).catch(() => {});
  }
}

/**
 * The page read whole, once a first read gave long notes' heads: its candidates replace the heads
 * (the same notes, the whole read confirming them). Resolves to that read's reply.
 */
async function wholeNote() {
  const reply = await state.whole;
  if (state.wholeReply) return state.wholeReply;
  state.wholeReply = reply;
  if (!reply.ok) return reply;
  // The page changed between the two reads (another note appeared): the clinician picks again.
  if (reply.candidates.length !== state.candidates.length) {
    state.chosen = 0;
    if (reply.candidates.length > 1) state.queue ??= new PushQueue();
    showPicker(reply.candidates, 0, choose);
  }
  state.candidates = reply.candidates;
  return reply;
}

/**
 * The first note's preparation (a long note's head's), asked as soon as the page is read, for the
 * EHR this browser session pushed to last (else the first): a stopped worker starts on it beside
 * the connection check instead of after it (bench/README.md, popup open). Only a guess: `choose`
 * takes it only for that note and EHR, before any patient is chosen (the title names none).
 */
function prepareEarly(source, ehr) {
  if (!ehr || !EHRS[ehr]) return;
  const prepared = prepare(source, { ehr, dateDisplay: sessionDate(source) }).catch(() => null);
  state.early = { source, ehr, prepared };
}

/** The early preparation, when it is the one `choose` would ask for now (once); else null. */
function takeEarly(source) {
  const early = state.early;
  state.early = null;
  return early && early.source === source && early.ehr === state.dest && !chosenName() ? early.prepared : null;
}

/** A whole read that failed (e.g. the note is too large): said instead of the head's preview. */
function showReadFailure(reply) {
  state.head = false;
  updatePushButton();
  $("preview").replaceChildren();
  $("note-summary").hidden = true;
  $("note-status").textContent = readFailureText(reply);
  document.body.dataset.note = reply.error;
}

async function choose(index) {
  const turn = ++state.turn;
  state.chosen = index;
  state.prepared = null;
  state.head = false;
  state.copyForms = null;
  delete document.body.dataset.copy;
  updatePushButton();
  let source = state.candidates[index];
  showHeading(source);
  state.appts.load({}, { source }); // the diary around this note's session (not awaited: never blocks)
  // On a history page each note names its own patient: compare the choice with that one.
  state.picker.setPagePatient(source.meta?.patient_name ?? state.page.patient_name, source.meta?.patient_dob ?? state.page.patient_dob);
  if (state.picker.chosen) await state.picker.checkPageMatch();
  let settled = false; // the whole note's preparation is in (or failed): a head comes too late
  const early = takeEarly(source);
  const wholeEarly = source.partial ? null : early; // a head's is not the whole note's
  if (source.partial) {
    // A long note: its head is shown at once, Push and every action wait for the whole note, read
    // meanwhile; what is shown then, and pushed, is the whole note's preparation.
    const ehr = state.dest;
    (early ?? prepare(source, { ehr })).then((head) => {
      if (!head) return;
      if (turn !== state.turn || settled) return;
      state.head = true;
      $("note-details").hidden = true; // the title, draft/final and template wait for the whole note
      showHead(head);
      updatePushButton();
    }, () => {}); // the whole note's preparation reports any real problem
    const reply = await wholeNote();
    if (turn !== state.turn) return;
    if (!reply.ok) return showReadFailure(reply);
    index = state.chosen;
    source = state.candidates[index];
  }
  try {
    const prepared = (await wholeEarly) ||
      await prepare(source, { ehr: state.dest, dateDisplay: sessionDate(source), patientName: chosenName() });
    settled = true;
    if (turn !== state.turn) return; // another note or EHR was chosen meanwhile
    state.prepared = prepared;
    state.head = false;
    $("note-details").hidden = !extras().details;
    const whole = showPrepared(prepared); // the first screenful at once, the rest after it is painted
    $("note-summary").hidden = false;
    $("note-status").textContent = "";
    $("note-title").value = prepared.title ?? "";
    delete $("note-title").dataset.edited;
    // The preview shows now; draft/final and the template list fill in beside it.
    $("details-section").hidden = false;
    const details = fillDetails();
    await whole;
    await details;
    if (state.prepared !== prepared) return; // another note or EHR was chosen meanwhile
    showTemplateChoice(state.prepared.template);
    copyForms().catch(() => {}); // after the preview: the popup's open doesn't wait for them
  } catch (e) {
    settled = true;
    if (turn !== state.turn) return;
    if (state.head) $("preview").replaceChildren(); // never a head without its whole note
    state.head = false;
    $("note-status").textContent = errorText(e);
    $("note-status").className = "small error";
  }
  updatePushButton();
}

/**
 * The note's Cliniko HTML and plain text for Copy note: the same note, footer and reference as the
 * preview, asked apart (`copy: true`) so that opening the popup renders and sends only the preview.
 */
function copyForms() {
  const prepared = state.prepared;
  const source = state.candidates[state.chosen];
  state.copyForms = null;
  return prepare(source, { ehr: state.dest, pushRef: prepared.push_ref, dateDisplay: sessionDate(source), patientName: chosenName(), copy: true })
    .then((forms) => {
      if (state.prepared === prepared) {
        state.copyForms = forms;
        document.body.dataset.copy = "ready";
      }
      return forms;
    });
}

/** The session date for the title (the note's creation date, else today), in the browser's locale. */
function sessionDate(source) {
  const created = source.meta?.created_at ? new Date(source.meta.created_at) : new Date();
  return sampleDate(Number.isNaN(created.getTime()) ? new Date() : created);
}

/**
 * Draft/final and the template, from the saved defaults (each can be changed for this push). The
 * template list is the EHR's (an EHR with details: Cliniko), read again when the push switches to it.
 */
async function fillDetails() {
  if (!state.settings) {
    state.settings = await request(MSG.SETTINGS_GET);
    $(state.settings.draft ? "as-draft" : "as-final").checked = true;
  }
  if (!extras().details || state.templatesOf === state.dest) return;
  state.templatesOf = state.dest;
  const select = $("note-template");
  select.replaceChildren(new Option(t("templateNone"), ""));
  try {
    for (const tpl of await request(MSG.TEMPLATES_LIST, { ehr: state.dest, refresh: false })) select.add(new Option(tpl.name, tpl.id));
  } catch {
    // Without the list the default still applies; the push itself reports any real problem.
  }
  select.value = state.settings.template_id ?? "";
}

/**
 * Exactly what a push sends: the note as read, the confirmed patient, and the choices shown. A note
 * paired by "Match by appointment" passes its own candidate `index`, `prepared` note and `appointment`.
 */
function pushPayload(patient, { index = state.chosen, prepared = state.prepared, appointment } = {}) {
  // Only a note read whole is ever sent (a long note's head is a preview while it is read).
  if (state.candidates[index]?.partial) throw new Error("The note is still being read.");
  const details = extras().details;
  return {
    ehr: state.dest,
    source: state.candidates[index],
    patient,
    title: index === state.chosen ? currentTitle() : prepared.title,
    draft: details ? $("as-draft").checked : false,
    // The template picker is the details' (EHRs with templates); Automatic's choice came with the preview.
    ...(details ? templateFields(prepared.template) : { template_id: null, automatic_template_id: null }),
    case_id: state.cases?.caseId() ?? null,
    push_ref: prepared.push_ref,
    created_display: prepared.created_display ?? null,
    scope: preselectScope(),
    confirm_duplicate: false,
    // The core files the note under the session's local time (an EHR that takes a local date).
    utc_offset_min: utcOffsetMin(state.candidates[index]),
    // Kept with the job's record: a push not finished when the browser closes is resumed there.
    session_url: state.page.url ?? state.tab?.url ?? null,
    session_id: state.page.session_id ?? null,
    // The appointment the note is linked to (chosen from the list, or ticked for a searched patient).
    appointment: appointment !== undefined ? appointment : state.appts?.linkFor(patient) ?? null,
  };
}

/**
 * "Match by appointment": queue each note the core pairs with exactly one appointment, for review;
 * a note whose page names someone else than the appointment's patient stays for search.
 */
async function onMatch() {
  $("queue-match").disabled = true;
  if (state.whole && !(await wholeNote()).ok) return; // the notes are paired read whole
  await matchByAppointment({
    ehr: state.dest, candidates: state.candidates, queued: (i) => state.queue.has(i) || i === state.chosen && Boolean(state.picker.chosen),
    propose: async (i, row) => {
      const source = state.candidates[i];
      const named = source.meta?.patient_name;
      if (named) {
        const verdict = await request(MSG.PATIENTS_MATCH, { page_name: named, page_dob: source.meta?.patient_dob ?? null, patient: row.patient }).catch(() => null);
        if (verdict !== "match") return false;
      }
      const prepared = await prepare(source, { ehr: state.dest, dateDisplay: sessionDate(source), patientName: fullName(row.patient) }).catch(() => null);
      if (!prepared) return false;
      state.queue.add(i, candidateLabel(source, i), pushPayload(row.patient, { index: i, prepared, appointment: linkOfRow(row) }), pairNote(row));
      return true;
    },
  });
  $("queue-match").disabled = false;
  // The picker moves on to the first note still without a patient.
  const next = state.candidates.findIndex((_, i) => !state.queue.has(i));
  if (next >= 0 && next !== state.chosen && state.queue.has(state.chosen)) {
    state.picker.clear(false);
    showPicker(state.candidates, next, choose);
    await choose(next);
  }
  updatePushButton();
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

/** Point the flow at one EHR: its search, its preview, its details, its extras and its push button. */
async function switchTo(ehr) {
  state.dest = ehr;
  api.storage.session.set({ [LAST_EHR]: ehr }).catch(() => {});
  state.picker.setEhr(ehr); // patient ids belong to one EHR: a chosen patient is cleared
  state.appts.setEhr(ehr);
  $("push").textContent = te("pushToEhr", ehr);
  $("push-retry").setAttribute("aria-label", te("ehrRetryLabel", ehr));
  $("preview-summary").textContent = te("ehrPreviewSummary", ehr);
  $("downgrades-intro").textContent = te("ehrDowngradesIntro", ehr);
  $("note-details").hidden = !extras().details;
  $("queue-add").hidden = !state.queue;
  $("queue-match").hidden = !state.queue;
  $("ehr-extras").hidden = !extras().cases;
  state.cases = extras().cases ? new CaseChooser($("ehr-extras"), {
    ehr, onChange: () => { state.appts?.caseChosen(state.cases?.caseId()); updatePushButton(); },
  }) : null;
  if (state.candidates.length) await choose(state.chosen);
  updatePushButton();
}

/** Show where a push stands: the receipt once done, else its state, its error and Retry. */
async function showOutcome(job, patient) {
  $("push-status").textContent = "";
  $("push-error").textContent = "";
  $("push-retry").hidden = true;
  if (!job) return;
  document.body.dataset.push = job.state;
  if (job.state === "done") {
    state.pending = null;
    showReceipt(job, patient);
    showReceiptAppointment(job);
    return;
  }
  state.pending = { id: job.id, patient };
  $("push-status").textContent = stateText(job);
  if (job.error) $("push-error").textContent = errorText(job.error);
  // A waiting or failed job can always be retried now (the same job, never a second note).
  $("push-retry").hidden = job.state === "queued" || job.state === "sending";
  // A 401 parks the job: offer "Reconnect <EHR>" right here.
  if (job.state === "needs_reconnect") await refreshConnections();
}

/** While a push is followed: its state, and "Retry now" whenever it waits (the worker's quick retries too). */
const showProgress = (job) => {
  $("push-status").textContent = stateText(job);
  const waiting = job.state === "retry_wait";
  if (waiting) state.pending = { id: job.id, patient: state.pending?.id === job.id ? state.pending.patient : state.picker?.chosen };
  $("push-retry").hidden = !waiting;
};

async function onPush() {
  const patient = state.picker.chosen;
  if (!state.prepared || !patient || !state.picker.confirmed()) return;
  $("push-error").textContent = "";
  $("receipt").hidden = true;
  $("push").disabled = true;
  $("push-status").textContent = te("ehrPushing", state.dest);
  document.body.dataset.push = "sending";
  try {
    const job = await push(pushPayload(patient), { patientName: fullName(patient), onProgress: showProgress });
    if (!job) document.body.dataset.push = "cancelled";
    if (job && state.replaces) await request(MSG.JOBS_DISCARD, { id: state.replaces }).catch(() => {});
    if (job) state.replaces = null;
    await showOutcome(job, patient);
  } catch (e) {
    $("push-status").textContent = "";
    $("push-error").textContent = errorText(e);
    document.body.dataset.push = "error";
  } finally {
    updatePushButton();
    refreshLists();
  }
}

/** Retry a job (this popup's, or one in the outbox list): every view of it then shows its new state. */
async function onRetry(job) {
  const mine = state.pending?.id === job.id;
  if (mine) {
    $("push-retry").hidden = true;
    $("push-status").textContent = stateText({ ...job, state: "sending" });
  }
  try {
    const after = await retryJob(job.id);
    if (mine) await showOutcome(after, state.pending?.patient ?? job.patient);
  } catch (e) {
    if (mine) $("push-error").textContent = errorText(e);
  } finally {
    refreshLists();
  }
}

function refreshLists() {
  showJobs({ onRetry, onChange: refreshLists });
  showRecent();
}

$("push").addEventListener("click", onPush);
$("push-retry").addEventListener("click", () => state.pending && onRetry({ id: state.pending.id, ehr: state.dest, patient: state.pending.patient }));
$("note-title").addEventListener("input", () => {
  $("note-title").dataset.edited = "yes";
  if (!$("push").disabled) schedulePreflight();
});
$("queue-add").addEventListener("click", onQueueAdd);
$("queue-match").addEventListener("click", onMatch);
$("copy-note").addEventListener("click", async () => {
  if (!state.prepared) return;
  try {
    // Made once the preview showed: Firefox lets the clipboard be written only within the click.
    await copyNote(state.copyForms ?? await copyForms());
    $("push-status").textContent = te("ehrNoteCopied", state.dest);
  } catch (e) {
    $("push-error").textContent = errorText(e);
  }
});

/**
 * The note to work on: what a context-menu click captured (the push window is opened with
 * ?capture=<id>), else what the target tab shows now (popup/early.js started that read).
 */
async function readSource() {
  const capture = new URLSearchParams(location.search).get("capture");
  if (capture) {
    const reply = await readCapture(capture);
    if (reply.page?.site) state.readAll.require(reply.page.site, updatePushButton);
    return reply;
  }
  // A long note is read twice: its head first, shown at once, then whole (issue 18).
  const reply = await firstRead;
  if (reply.ok && reply.candidates.some((c) => c.partial)) state.whole = readTab(state.tab.id);
  return reply;
}

/** After the "push to pre-selected patient" shortcut: put focus on Push (the click is still the clinician's). */
async function focusPushIfAsked() {
  const flag = (await api.storage.session.get("ui.focus_push"))["ui.focus_push"];
  if (!flag) return;
  await api.storage.session.remove("ui.focus_push");
  if (!$("push").disabled) $("push").focus();
}

/** Where to push: asked only when several EHRs are usable; remembered per Motics session. */
async function chooseDestination() {
  let dest = state.usable[0];
  $("destination").hidden = state.usable.length < 2;
  if (state.usable.length > 1) {
    dest = await mountDestination($("destination"), { usable: state.usable, scope: preselectScope(), onChange: switchTo });
  }
  if (dest !== state.dest) await switchTo(dest);
}

async function startFlow() {
  $("flow").hidden = false;
  refreshLists();
  state.picker = new PatientPicker({ term: state.statuses[state.usable[0]]?.patient_term || "patient", onChange: onPatientChange });
  state.appts = new Appointments({
    choose: (patient) => state.picker.choose(patient),
    // A note linked to an appointment is filed under the appointment's case (an EHR with cases).
    onLink: (caseId) => state.cases?.prefer(caseId),
  });
  $("note-status").textContent = t("readingNote");
  const reply = await (state.reading ??= readEarly());
  state.page = reply.page ?? {};
  state.picker.setPagePatient(state.page.patient_name, state.page.patient_dob);
  if (reply.ok) {
    state.candidates = reply.candidates;
    if (state.candidates.length > 1) state.queue = new PushQueue();
    showPicker(state.candidates, 0, choose);
    showHeading(state.candidates[0]);
  }
  // The destination decides the search, the preview and the details; then a pre-selection
  // (made while recording) fills the patient.
  await chooseDestination();
  if (state.wholeReply && !state.wholeReply.ok) return; // said by showReadFailure
  const pre = await request(MSG.PRESELECT_GET, { ehr: state.dest, scope: preselectScope() }).catch(() => null);
  if (pre) await state.picker.choose(pre, { preselected: true });
  if (!reply.ok) {
    // Recording in progress: the next appointments, as well as search, to pre-select the patient.
    if (state.page.session_id && !state.picker.chosen) state.appts.load({}, { upcoming: true });
    $("note-status").textContent = readFailureText(reply);
    document.body.dataset.note = reply.error;
    return;
  }
  document.body.dataset.note = "ready";
  await offerResume({
    page: state.page, tabUrl: state.page.url ?? state.tab?.url, candidates: state.candidates,
    titleFor: (patient) => prepare(state.candidates[state.chosen], { ehr: state.dest, dateDisplay: sessionDate(state.candidates[state.chosen]), patientName: fullName(patient) })
      .then((p) => p.title),
    onDone: async (job, patient) => { await showOutcome(job, patient); if (job.state !== "done") followPending(); refreshLists(); },
    // The edited note is a new push (new preview, new reference): the old one goes once it is sent.
    onChanged: (job, patient) => { state.replaces = job.id; return state.picker.choose(patient); },
  }).catch(() => {});
  await focusPushIfAsked();
}

/** Read every EHR's state and show it; the flow starts once one is usable. */
async function refreshConnections() {
  state.statuses = await loadStatuses();
  const before = state.usable.join();
  state.usable = await showConnections(state.statuses, { onReconnected });
  if (!state.usable.length) return;
  // A reconnected EHR joins the choice of where to push (the flow keeps its note and patient).
  if ($("flow").hidden) await startFlow();
  else if (state.usable.join() !== before) await chooseDestination();
}

/** After "Reconnect <EHR>": the parked pushes of that EHR went out again; show where they are. */
async function onReconnected() {
  await refreshConnections();
  refreshLists();
  followPending();
}

/** Where this browser session pushed last (storage.session): the guess `prepareEarly` makes. */
const LAST_EHR = "ui.last_ehr";

/** The target tab and its note: read at once when the popup opens, since the read needs no answer from the background. */
function readEarly() {
  const last = api.storage.session.get(LAST_EHR).then((v) => v[LAST_EHR] ?? Object.keys(EHRS)[0], () => null);
  return (async () => {
    state.tab = await tabFound;
    const reply = await readSource();
    if (reply.ok) prepareEarly(reply.candidates[0], await last);
    return reply;
  })();
}

async function start() {
  const status = $("core-status");
  state.reading = readEarly();
  try {
    const info = await request(MSG.CORE_INFO);
    $("about").textContent = t("aboutVersion", [info.version, info.build]);
    status.textContent = "";
    await refreshConnections();
    document.body.dataset.core = "ready";
  } catch (e) {
    status.textContent = errorText(e);
    status.classList.add("error");
    document.body.dataset.core = "failed";
  }
}

/** Follow the push that was waiting (e.g. resumed after a reconnect) until it lands or stops. */
async function followPending() {
  const pending = state.pending;
  const job = pending && await followJob(pending.id, showProgress).catch(() => null);
  if (job && state.pending === pending) await showOutcome(job, pending.patient);
  refreshLists();
}

start();
