// The Nookal parts of the popup: where to push when both EHRs are on, the Nookal patient search
// (the shared PatientPicker searching with `ehr: "nookal"`), the case chooser with "New case", and the
// push with its receipt (did the note land; which characters Nookal garbled). Everything is built
// with createElement inside containers the popup gives (no innerHTML); note text stays in memory.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { formatDate, utcOffsetMin } from "../lib/dates.js";
import { prepare } from "./note.js";
import { fullName } from "./patient.js";

/** The EHRs, as the core names them. */
export const EHR = Object.freeze({ CLINIKO: "cliniko", NOOKAL: "nookal" });

/** Construction options for `new PatientPicker({...nookalPickerOptions(), term, onChange})`. */
export function nookalPickerOptions() {
  return { ehr: EHR.NOOKAL, idLabel: "nookalId", dobUnknownLabel: "nookalDobUnknown" };
}

/** The Nookal connection state (`{state, connection, needs_practitioner}`), or not_set_up on failure. */
export async function nookalStatus() {
  try {
    return await request(MSG.CONNECTION_STATUS, { ehr: EHR.NOOKAL });
  } catch {
    return { state: "not_set_up", connection: null, needs_practitioner: false };
  }
}

/** The popup's main push button text for a destination ("Push to Cliniko" / "Push to Nookal"). */
export function pushLabel(ehr) {
  return t(ehr === EHR.NOOKAL ? "pushToNookal" : "pushToCliniko");
}

/** `YYYY-MM-DD HH:MM:SS` in the browser's local time: the date Nookal files the note under. */
export function localDateTime(date = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** The note rendered for Nookal (plain text + the transliteration report), for the preview. */
export function prepareForNookal(source, { pushRef = null, dateDisplay = null } = {}) {
  return prepare(source, { ehr: EHR.NOOKAL, pushRef, dateDisplay });
}

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("aria-") || k === "role") node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/**
 * "Push to": a radio group (Cliniko / Nookal) shown only when both integrations are connected.
 * The choice is remembered for this Motics session (`destination/*`, storage.session). Resolves to
 * the chosen EHR; `onChange(ehr)` runs on every later change.
 */
export async function mountDestination(container, { scope, onChange }) {
  const saved = await request(MSG.DESTINATION_GET, { scope }).catch(() => null);
  const chosen = saved === EHR.NOOKAL ? EHR.NOOKAL : EHR.CLINIKO;
  const group = el("fieldset", { class: "destination", id: "destination" }, el("legend", {}, t("destinationLegend")));
  for (const ehr of [EHR.CLINIKO, EHR.NOOKAL]) {
    const radio = el("input", { type: "radio", name: "destination", value: ehr, checked: ehr === chosen });
    radio.addEventListener("change", async () => {
      if (!radio.checked) return;
      await request(MSG.DESTINATION_SET, { scope, ehr }).catch(() => {});
      onChange?.(ehr);
    });
    group.append(el("label", { class: "inline" }, radio, " ", ehr === EHR.NOOKAL ? "Nookal" : "Cliniko"));
  }
  container.replaceChildren(group);
  container.hidden = false;
  return chosen;
}

/**
 * The Nookal panel: the chosen patient's cases (default: the most recent open one), "New case"
 * (asks first), and the push status, duplicate question, receipt and Retry. Build it once inside
 * `container`; call `setPatient(patient|null)` when the picker's choice changes, `ready()` before
 * enabling the push button, and `push({prepared, patient})` on click.
 */
export class NookalPanel {
  constructor(container, { onChange } = {}) {
    this.container = container;
    this.onChange = onChange;
    this.patient = null;
    this.cases = [];
    this.seq = 0;
    this.last = null; // the last push that failed, for Retry: `{patient, job?}`
    this.build();
  }

  build() {
    this.caseBox = el("fieldset", { class: "nookal-cases", hidden: true }, el("legend", {}, t("nookalCaseLegend")));
    this.caseList = el("div", { class: "choices" });
    this.caseStatus = el("p", { class: "small muted", role: "status" });
    this.newCaseButton = el("button", { type: "button" }, t("nookalNewCase"));
    this.newCaseButton.addEventListener("click", () => this.askNewCase());
    this.newCaseForm = this.buildNewCaseForm();
    this.caseBox.append(this.caseStatus, this.caseList, this.newCaseButton, this.newCaseForm);
    this.error = el("p", { class: "error", role: "alert" });
    this.status = el("p", { class: "small", role: "status" });
    this.confirmBox = el("div", { class: "warning", role: "alertdialog", hidden: true });
    this.retryButton = el("button", { type: "button", hidden: true, "aria-label": t("nookalRetryLabel") }, t("retry"));
    this.retryButton.addEventListener("click", () => this.last && this.retry());
    this.receipt = el("div", { class: "card receipt", hidden: true, id: "nookal-receipt" });
    this.container.replaceChildren(this.caseBox, this.error, this.retryButton, this.status, this.confirmBox, this.receipt);
  }

  buildNewCaseForm() {
    const input = el("input", { type: "text", id: "nookal-case-title", maxLength: 200 });
    input.value = t("nookalDefaultCaseTitle");
    const label = el("label", { htmlFor: "nookal-case-title" }, t("nookalCaseTitleLabel"));
    const explain = el("p", { class: "small" });
    const create = el("button", { type: "button", class: "primary" }, t("nookalCreateCase"));
    const cancel = el("button", { type: "button" }, t("cancel"));
    const box = el("div", { class: "confirm", hidden: true }, explain, label, input, create, cancel);
    cancel.addEventListener("click", () => { box.hidden = true; this.newCaseButton.focus(); });
    create.addEventListener("click", () => this.createCase(input.value, create));
    this.newCaseExplain = explain;
    this.newCaseTitle = input;
    return box;
  }

  /** Load the patient's cases (or clear the panel with `null`). */
  async setPatient(patient) {
    const seq = ++this.seq;
    this.patient = patient;
    this.cases = [];
    this.receipt.hidden = true;
    this.error.textContent = "";
    this.retryButton.hidden = true;
    this.newCaseForm.hidden = true;
    this.caseList.replaceChildren();
    this.caseBox.hidden = !patient;
    this.container.dataset.cases = patient ? "loading" : "none";
    this.changed();
    if (!patient) return;
    this.caseStatus.textContent = t("nookalCasesLoading");
    try {
      const list = await request(MSG.CASES_LIST, { ehr: EHR.NOOKAL, patient_id: patient.id });
      if (seq !== this.seq) return;
      this.showCases(list.cases, list.default_case_id);
    } catch (e) {
      if (seq !== this.seq) return;
      this.caseStatus.textContent = errorText(e);
      this.caseStatus.className = "small error";
      this.container.dataset.cases = "error";
    }
    this.changed();
  }

  showCases(cases, chosenId) {
    this.cases = cases;
    this.caseStatus.className = "small muted";
    this.caseStatus.textContent = cases.length ? "" : t("nookalNoCases");
    this.caseList.replaceChildren(...cases.map((c) => {
      const radio = el("input", { type: "radio", name: "nookal-case", value: c.id, checked: c.id === chosenId });
      radio.addEventListener("change", () => this.changed());
      const facts = [c.date ? formatDate(c.date.slice(0, 10)) : null, c.open ? null : t("nookalCaseClosed")].filter(Boolean);
      return el("label", { class: "inline" }, radio, " ", c.title || t("nookalUntitledCase", [c.id]),
        facts.length ? el("span", { class: "small muted" }, ` · ${facts.join(" · ")}`) : null);
    }));
    this.container.dataset.cases = cases.length ? "ready" : "none";
    // With no case the note cannot be filed: offer to create one straight away.
    if (!cases.length) this.askNewCase();
  }

  askNewCase() {
    if (!this.patient) return;
    this.newCaseExplain.textContent = t("nookalNewCaseQuestion", [fullName(this.patient)]);
    this.newCaseForm.hidden = false;
    this.newCaseTitle.focus();
  }

  async createCase(title, button) {
    const patient = this.patient;
    if (!patient) return;
    button.disabled = true;
    this.error.textContent = "";
    try {
      const row = await request(MSG.CASES_ADD, { ehr: EHR.NOOKAL, patient_id: patient.id, title: title.trim(), local_date: localDateTime() });
      if (patient !== this.patient) return;
      this.newCaseForm.hidden = true;
      this.showCases([row, ...this.cases], row.id);
      this.caseStatus.textContent = t("nookalCaseCreated", [row.title]);
    } catch (e) {
      this.error.textContent = errorText(e);
    } finally {
      button.disabled = false;
      this.changed();
    }
  }

  /** The chosen case id, or null. */
  caseId() {
    return this.caseList.querySelector("input[name=nookal-case]:checked")?.value ?? null;
  }

  /** Whether a push may go ahead (a patient and a case are chosen). */
  ready() {
    return Boolean(this.patient) && Boolean(this.caseId());
  }

  changed() {
    this.onChange?.(this.ready());
  }

  /**
   * Push the prepared note to the chosen patient and case. Resolves to the outcome:
   * `{state: "done", receipt, job}`, `{state: "cancelled"}` or `{state: "error", error, job?}`
   * (`job` when the push is waiting in the outbox); the panel shows the receipt (or the error
   * with Retry) itself.
   */
  async push({ prepared, patient = this.patient, confirmDuplicate = false }) {
    const caseId = this.caseId();
    if (!prepared || !patient || !caseId) return { state: "cancelled" };
    this.started();
    const outcome = await pushNookal({ prepared, patient, caseId, confirmDuplicate,
      confirm: (question) => this.confirm(question) });
    return this.finished(outcome, patient);
  }

  /** Retry: the failed push's job again (`jobs/retry`, the one retry for every EHR). */
  async retry() {
    const { job, patient } = this.last;
    if (!job) return { state: "cancelled" };
    this.started();
    let outcome;
    try {
      outcome = outcomeOf(await request(MSG.JOBS_RETRY, { id: job.id }));
    } catch (error) {
      outcome = { state: "error", error, job };
    }
    return this.finished(outcome, patient);
  }

  started() {
    this.error.textContent = "";
    this.retryButton.hidden = true;
    this.receipt.hidden = true;
    this.status.textContent = t("pushing");
    this.container.dataset.push = "sending";
  }

  finished(outcome, patient) {
    this.last = { patient, job: outcome.job ?? null };
    this.status.textContent = "";
    this.container.dataset.push = outcome.state;
    if (outcome.state === "done") {
      this.last = null;
      this.receipt.replaceChildren(...receiptView(outcome.receipt, patient).childNodes);
      this.receipt.hidden = false;
      this.receipt.dataset.garbled = String(outcome.receipt.garbled.length > 0);
      this.receipt.dataset.landed = String(outcome.receipt.landed);
      this.receipt.dataset.extraCopies = String(outcome.receipt.extra_copies.length);
    } else if (outcome.state === "error") {
      this.container.dataset.job = outcome.job?.state ?? "";
      this.error.textContent = errorText(outcome.error);
      // A job waiting in the outbox can always be retried now (the same job, never a second;
      // when the note may already exist, its attempt checks Nookal first).
      this.retryButton.hidden = !outcome.job;
    }
    return outcome;
  }

  /** An inline yes/no question inside the panel. */
  confirm(question) {
    return new Promise((resolve) => {
      const yes = el("button", { type: "button", class: "primary" }, t("pushAgain"));
      const no = el("button", { type: "button" }, t("dontPush"));
      this.confirmBox.replaceChildren(el("p", {}, question), yes, no);
      this.confirmBox.hidden = false;
      const done = (answer) => {
        this.confirmBox.hidden = true;
        this.confirmBox.replaceChildren();
        resolve(answer);
      };
      yes.addEventListener("click", () => done(true));
      no.addEventListener("click", () => done(false));
      no.focus();
    });
  }
}

/**
 * One Nookal push: `push/start` with the note's source (the core renders what the preview showed), the duplicate question through
 * `confirm(question) → Promise<boolean>`, and the outcome (see `NookalPanel.push`).
 */
export async function pushNookal({ prepared, patient, caseId, confirmDuplicate = false, confirm }) {
  const message = {
    ehr: EHR.NOOKAL, source: prepared.source, patient, title: "", case_id: caseId,
    push_ref: prepared.push_ref, created_display: prepared.created_display ?? null,
    utc_offset_min: utcOffsetMin(prepared.source), confirm_duplicate: confirmDuplicate,
  };
  try {
    let reply = await request(MSG.PUSH_START, message);
    if (reply.needs_confirmation) {
      const at = reply.needs_confirmation.at_ms ? new Date(reply.needs_confirmation.at_ms).toLocaleString() : "";
      if (!(await confirm?.(t("nookalDuplicateQuestion", [fullName(patient), at])))) return { state: "cancelled" };
      reply = await request(MSG.PUSH_START, { ...message, confirm_duplicate: true });
    }
    return outcomeOf(reply.job);
  } catch (error) {
    return { state: "error", error };
  }
}

/**
 * A job as the panel's outcome. The push is a job in the shared outbox: not done yet (waiting to
 * retry, needs reconnect, failed) is reported as an error with the job, which the outbox list also
 * shows with Retry/Discard; the alarm retries a waiting job by itself.
 */
function outcomeOf(job) {
  if (job.state !== "done") {
    return { state: "error", job, error: job.error ?? { kind: "unknown", params: [], transient: true } };
  }
  return { state: "done", job, receipt: { extra_copies: [], ...job.nookal } };
}

/** The receipt as a detached element: where it went, whether it landed, what Nookal garbled. */
export function receiptView(receipt, patient) {
  const lines = [el("p", {}, el("strong", {}, t("nookalPushedTo", [fullName(patient)])))];
  const small = (text, cls = "small muted") => el("p", { class: cls }, text);
  if (receipt.landed) lines.push(small(t("nookalLanded"), "small nookal-landed"));
  else if (receipt.read_back) lines.push(small(t("nookalNotFound"), "warning small nookal-not-found"));
  else lines.push(small(t("nookalUnconfirmed"), "warning small nookal-unconfirmed"));
  if (receipt.garbled?.length) {
    lines.push(small(t("nookalGarbled", [receipt.garbled.join(" ")]), "warning small nookal-garbled"));
  }
  if (receipt.created_case) lines.push(small(t("nookalCaseWasCreated")));
  if (receipt.reconciled) lines.push(small(t("nookalReconciled")));
  // Nookal v2 cannot delete notes: name the browser's extra copies so the clinician can.
  if (receipt.extra_copies?.length) {
    lines.push(small(t("nookalExtraCopies", [receipt.extra_copies.join(", ")]), "warning small nookal-extra-copies"));
  }
  if (receipt.note_id) lines.push(small(t("nookalNoteId", [receipt.note_id])));
  return el("div", { class: "card receipt" }, ...lines);
}
