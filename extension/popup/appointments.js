// The popup's Appointments list (issue 14): the practitioner's diary around the session, best match
// first and highlighted but never chosen; one click (or Enter) chooses a row, which fills the same
// patient card search fills and links the note to that appointment. A patient chosen by search is
// offered "Link to the 10:30 appointment". Ordering, matching and the link check are the core's
// (`appointments/*`); this file renders and wires.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { formatDate, utcOffsetMin, LOCALE } from "../lib/dates.js";
import { fullName } from "./patient.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);
const time = (ms) => new Intl.DateTimeFormat(LOCALE, { timeStyle: "short" }).format(new Date(ms));

/** The session's time: the note's creation time the page gives, else now. */
export function sessionMs(source) {
  const at = Date.parse(source?.meta?.created_at ?? "");
  return Number.isNaN(at) ? Date.now() : at;
}

/** "Linked to the 10:30 am appointment (Initial consult)" for a row or a job's `appointment`. */
export function linkedText(appt) {
  return appt.type_name ? t("apptLinkedTyped", [time(appt.starts_ms), appt.type_name]) : t("apptLinked", [time(appt.starts_ms)]);
}

/** The link a push sends for a row: what `push/start` takes. */
export const linkOfRow = (row) => ({ id: row.id, kind: row.kind, group_id: row.group_id ?? null, starts_ms: row.starts_ms });

export class Appointments {
  /**
   * `choose(patient)` fills the patient card (the PatientPicker's choose); `onLink(caseId)` runs when
   * the note's link changes, with the case its appointment carries (or null).
   */
  constructor({ choose, onLink }) {
    this.choosePatient = choose;
    this.onLink = onLink;
    this.ehr = null;
    this.query = null; // the last list request (session time, upcoming), for Retry and the picker
    this.seq = 0;
    this.rows = [];
    this.row = null; // the appointment chosen from the list
    this.offered = []; // a searched-for patient's appointments: [{row, box}]
    // One diary list per popup open: the first asks the EHR (a booking made since the last popup
    // shows), later ones in this popup (another note, an offer) use the worker's copy.
    this.fresh = true;
    $("appointments-retry").addEventListener("click", () => this.load({ refresh: true }));
    $("appointments-practitioner-select").addEventListener("change", (e) => {
      if (e.target.value) this.load({ practitioner_id: e.target.value });
    });
    $("appointments-list").addEventListener("keydown", (e) => this.onKey(e));
    // Typing a name means searching: the list steps aside for the results, and is back when the box is empty.
    $("patient-search").addEventListener("input", (e) => { $("appointments").classList.toggle("searching", e.target.value.trim() !== ""); });
  }

  /** Point the list at another EHR (its diary, its patients): nothing chosen, nothing shown. */
  setEhr(ehr) {
    this.ehr = ehr;
    this.fresh = true;
    this.row = null;
    this.rows = [];
    this.query = null;
    $("appointments").hidden = true;
    this.showLink(null);
  }

  /**
   * The diary for `source`'s session (or, `upcoming`, the next appointments before recording ends).
   * `extra` adds `refresh` (Retry) or the picker's `practitioner_id`.
   */
  async load(extra = {}, { source, upcoming } = {}) {
    if (source !== undefined || upcoming !== undefined) {
      this.query = upcoming ? { upcoming: true } : { session_ms: sessionMs(source), utc_offset_min: utcOffsetMin(source) };
    }
    if (!this.ehr || !this.query) return;
    const seq = ++this.seq;
    const box = $("appointments");
    box.hidden = false;
    box.dataset.state = "loading";
    $("appointments-heading").textContent = t(this.query.upcoming ? "apptNextHeading" : "apptHeading");
    $("appointments-error").hidden = true;
    $("appointments-status").textContent = t("apptLoading");
    let reply;
    try {
      reply = await request(MSG.APPOINTMENTS_LIST, { ehr: this.ehr, ...this.query, refresh: this.fresh, ...extra });
      this.fresh = false;
    } catch (e) {
      if (seq !== this.seq) return;
      // One line, with Retry: search and push carry on without the diary.
      box.dataset.state = "error";
      $("appointments-status").textContent = "";
      $("appointments-error-text").textContent = errorText(e);
      $("appointments-error").hidden = false;
      return;
    }
    if (seq !== this.seq) return;
    this.show(reply);
  }

  show(reply) {
    const box = $("appointments");
    box.dataset.state = reply.needs_practitioner ? "needs_practitioner" : "ready";
    box.dataset.requests = String(reply.requests_made ?? 0);
    const pick = $("appointments-practitioner");
    pick.hidden = !reply.practitioners?.length;
    const select = $("appointments-practitioner-select");
    select.replaceChildren(new Option(t("apptChoosePractitioner"), ""),
      ...(reply.practitioners ?? []).map((p) => new Option(p.name, p.id)));
    select.value = reply.practitioner?.id ?? "";
    this.rows = reply.rows ?? [];
    $("appointments-status").textContent = reply.needs_practitioner ? t("apptNeedsPractitioner")
      : this.rows.length ? (reply.tie ? t("apptTie") : "") : t("apptNone");
    $("appointments-list").replaceChildren(...this.rows.map((row, i) => this.rowButton(row, i)));
    $("appointments-list").hidden = this.rows.length === 0;
  }

  rowButton(row, i) {
    const name = row.patient ? fullName(row.patient) : row.patient_name ?? t("apptUnknownPatient");
    const dob = row.patient?.date_of_birth ? t("apptBorn", [formatDate(row.patient.date_of_birth)]) : null;
    const marks = [
      row.note === "no_note" ? t("apptNoNote") : row.note === "has_note" ? t("apptHasNote") : null,
      row.did_not_arrive ? t("apptDidNotArrive") : null,
      row.best ? t("apptBestMatch") : null,
    ].filter(Boolean);
    const button = el("button", {
      type: "button", class: `appt${row.best ? " best" : ""}`, "data-key": row.key, "data-index": String(i),
      "aria-pressed": String(this.row?.key === row.key), disabled: !row.patient,
    },
    el("span", { class: "appt-time" }, time(row.starts_ms)), " ",
    el("span", { class: "appt-who" }, el("span", { class: "patient-name" }, name), dob ? ` · ${dob}` : ""), " ",
    el("span", { class: "appt-what small muted" }, [row.type_name, ...marks].filter(Boolean).join(" · ")));
    button.addEventListener("click", () => this.choose(row));
    return el("li", {}, button);
  }

  /** Arrow keys move between the rows (Enter or Space on a row chooses it: it is a button). */
  onKey(e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const buttons = [...$("appointments-list").querySelectorAll("button:not([disabled])")];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    e.preventDefault();
    buttons[(at + (e.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length].focus();
  }

  /** Choose a row: the patient card fills as from search, and the note will be linked to it. */
  async choose(row) {
    if (!row.patient) return;
    this.row = row;
    for (const b of $("appointments-list").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.key === row.key));
    await this.choosePatient(row.patient);
  }

  /**
   * The patient card changed: keep the chosen row's link when it is that patient's, else offer the
   * patient's own appointments that day ("Link to the 10:30 appointment").
   */
  async onPatient(patient) {
    if (!patient) {
      this.row = null;
      for (const b of $("appointments-list").querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
      return this.showLink(null);
    }
    if (this.row && this.row.patient_id === patient.id) return this.showLink({ linked: this.row });
    this.row = null;
    this.showLink(null);
    if (!this.query || this.query.upcoming) return;
    const reply = await request(MSG.APPOINTMENTS_OFFER, { ehr: this.ehr, patient_id: patient.id, ...this.query }).catch(() => null);
    if (!reply?.rows?.length || reply.rows[0].patient_id !== patient.id) return;
    this.showLink({ offer: reply.rows, checked: reply.checked_key });
  }

  /** Show the link under "What will be sent": a chosen row's, or a checkbox per offered appointment. */
  showLink(what) {
    const box = $("appointment-link");
    this.offered = [];
    box.replaceChildren();
    box.hidden = !what;
    if (!what) return;
    if (what.linked) {
      box.append(el("p", { class: "small linked" }, linkedText(what.linked)));
      this.onLink?.(what.linked.case_id ?? null);
      return;
    }
    for (const row of what.offer) {
      const input = el("input", { type: "checkbox", checked: row.key === what.checked });
      input.addEventListener("change", () => {
        // One note, one appointment: ticking one unticks the others.
        if (input.checked) for (const o of this.offered) if (o.box !== input) o.box.checked = false;
        this.onLink?.(input.checked ? row.case_id ?? null : null);
      });
      this.offered.push({ row, box: input });
      const words = row.type_name ? t("apptLinkToTyped", [time(row.starts_ms), row.type_name]) : t("apptLinkTo", [time(row.starts_ms)]);
      box.append(el("label", { class: "inline" }, input, " ", el("span", {}, words)));
    }
    this.onLink?.(what.offer.find((r) => r.key === what.checked)?.case_id ?? null);
  }

  /**
   * The clinician filed the note under another case than the appointment's (e.g. created a new
   * case): the note is then not linked, visibly, rather than refused at the click (the core never
   * sends a link whose case contradicts the note's).
   */
  caseChosen(caseId) {
    if (!caseId) return;
    for (const o of this.offered) if (o.box.checked && o.row.case_id && o.row.case_id !== caseId) o.box.checked = false;
    if (this.row?.case_id && this.row.case_id !== caseId) {
      this.row = null;
      this.showLink(null);
    }
  }

  /** The case the chosen appointment carries (an EHR that files notes under cases), for `patient`. */
  caseFor(patient) {
    return patient && this.row?.patient_id === patient.id ? this.row.case_id ?? null : null;
  }

  /** The appointment a push for `patient` links to (`push/start`'s `appointment`), or null. */
  linkFor(patient) {
    if (!patient) return null;
    if (this.row && this.row.patient_id === patient.id) return linkOfRow(this.row);
    const ticked = this.offered.find((o) => o.box.checked && o.row.patient_id === patient.id);
    return ticked ? linkOfRow(ticked.row) : null;
  }
}

/** The receipt's line for a linked push (the job's `appointment`), hidden when the note was not linked. */
export function showReceiptAppointment(job) {
  const line = $("receipt-appointment");
  line.hidden = !job?.appointment;
  line.textContent = job?.appointment ? linkedText(job.appointment) : "";
}
