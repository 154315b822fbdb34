// The case chooser: an EHR that files notes under a patient's case (Nookal) asks which one
// (default: the most recent open case) and offers "New case" (asks first). Built with
// createElement inside the container the popup gives (no innerHTML).
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { formatDate } from "../lib/dates.js";
import { fullName } from "./patient.js";
import { el } from "../lib/dom.js";

/** `YYYY-MM-DD HH:MM:SS` in the browser's local time: a new case's start date. */
function localDateTime(date = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/**
 * Build it once inside `container`; call `setPatient(patient|null)` when the picker's choice
 * changes, `ready()` before enabling the push button, and read `caseId()` for the push.
 */
export class CaseChooser {
  constructor(container, { ehr, onChange }) {
    this.container = container;
    this.ehr = ehr;
    this.onChange = onChange;
    this.patient = null;
    this.cases = [];
    this.seq = 0;
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
    this.container.replaceChildren(this.caseBox, this.error);
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

  /**
   * Load the patient's cases (or clear the panel with `null`). `preferCaseId`: the case an appointment
   * the note links to carries (chosen instead of the default when the patient has it).
   */
  async setPatient(patient, { preferCaseId = null } = {}) {
    const seq = ++this.seq;
    this.patient = patient;
    this.preferred = preferCaseId;
    this.cases = [];
    this.error.textContent = "";
    this.newCaseForm.hidden = true;
    this.caseList.replaceChildren();
    this.caseBox.hidden = !patient;
    this.container.dataset.cases = patient ? "loading" : "none";
    this.changed();
    if (!patient) return;
    this.caseStatus.textContent = t("nookalCasesLoading");
    try {
      const list = await request(MSG.CASES_LIST, { ehr: this.ehr, patient_id: patient.id });
      if (seq !== this.seq) return;
      const prefer = list.cases.some((c) => c.id === this.preferred) ? this.preferred : null;
      this.showCases(list.cases, prefer ?? list.default_case_id);
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
      const row = await request(MSG.CASES_ADD, { ehr: this.ehr, patient_id: patient.id, title: title.trim(), local_date: localDateTime() });
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

  /**
   * Choose `caseId` (the case of the appointment the note now links to) when the patient has it,
   * now or once the cases have loaded; null leaves the choice as it is.
   */
  prefer(caseId) {
    if (!caseId) return;
    this.preferred = caseId;
    const radio = [...this.caseList.querySelectorAll("input[name=nookal-case]")].find((r) => r.value === caseId);
    if (radio && !radio.checked) {
      radio.checked = true;
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

}
