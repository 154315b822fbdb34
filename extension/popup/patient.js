// The patient part of the popup: one "Search patients" box (typeahead), a listbox of results, the
// confirmed patient card, and the warning when the Motics page names someone else. The core parses
// and ranks; this file only wires events and renders.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { te } from "../lib/ehrs.js";
import { el } from "../lib/dom.js";
import { formatDate, ageOn, monthFirst, todayIso } from "../lib/dates.js";

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 250;
const CACHE_MS = 60_000;

/**
 * One patient search box for every EHR, bound to the popup's elements: `setEhr(ehr)` points it at
 * another EHR (its search, its words) and clears the choice (patient ids belong to one EHR).
 */
export class PatientPicker {
  constructor({ term = "patient", onChange, ehr = "cliniko" }) {
    this.term = term;
    this.onChange = onChange;
    this.seq = 0; // the newest query's number: older replies are dropped, never shown
    this.cache = new Map();
    this.results = [];
    this.active = -1;
    this.chosen = null;
    this.scan = null;
    this.input = $("patient-search");
    this.list = $("patient-results");
    this.wire();
    this.setEhr(ehr);
  }

  setEhr(ehr) {
    this.ehr = ehr;
    this.cache.clear();
    this.input.placeholder = te("ehrSearchPlaceholder", ehr);
    if (this.chosen) this.clear(false);
  }

  wire() {
    $("patient-search-label").textContent = t("searchPatientsLabel", [plural(this.term)]);
    this.input.addEventListener("input", () => this.schedule());
    $("include-archived").addEventListener("change", () => this.schedule(0));
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    $("patient-change").addEventListener("click", () => this.clear(true));
    $("phone-scan-cancel").addEventListener("click", () => this.cancelScan());
    $("mismatch-confirm").addEventListener("change", () => this.onChange?.(this.chosen));
  }

  schedule(delay = DEBOUNCE_MS) {
    clearTimeout(this.timer);
    this.cancelScan();
    const query = this.input.value.trim();
    if (!query) {
      this.seq += 1;
      this.render([], null);
      return;
    }
    this.timer = setTimeout(() => this.search(query), delay);
  }

  async search(query) {
    const seq = ++this.seq;
    const includeArchived = $("include-archived").checked;
    const cacheKey = `${includeArchived}\u0000${query}`;
    const hit = this.cache.get(cacheKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return this.show(seq, hit.result, query);
    this.setBusy(true);
    try {
      const result = await request(MSG.PATIENTS_SEARCH, {
        ehr: this.ehr, query, include_archived: includeArchived, date_order: monthFirst() ? "month_first" : "day_first", today: todayIso(),
      });
      this.cache.set(cacheKey, { at: Date.now(), result });
      this.show(seq, result, query);
    } catch (e) {
      if (seq !== this.seq) return;
      // A failed search says so: it must never look like "no match".
      this.render([], errorText(e), "error", query);
    } finally {
      if (seq === this.seq) this.setBusy(false);
    }
  }

  show(seq, result, query) {
    if (seq !== this.seq) return; // a newer query is on its way
    if (result.kind === "phone") return this.startScan(seq, query);
    this.render(result.patients, result.patients.length ? null : te("ehrNoPatientsFound", this.ehr, plural(this.term)), "", query);
  }

  // An EHR without a phone filter (Cliniko) answers a phone number by scanning pages of patients.
  async startScan(seq, query) {
    const scan = { cancelled: false, found: [] };
    this.scan = scan;
    $("phone-scan").hidden = false;
    const bar = $("phone-scan-progress");
    bar.value = 0;
    let page = 1;
    try {
      for (;;) {
        const step = await request(MSG.PATIENTS_SCAN_PHONE, { ehr: this.ehr, query, page, include_archived: $("include-archived").checked });
        if (scan.cancelled || seq !== this.seq) return;
        scan.found.push(...step.matches);
        bar.max = Math.max(1, step.total_pages ?? 1);
        bar.value = step.page;
        $("phone-scan-text").textContent = t("phoneScanProgress", [String(step.page), String(step.total_pages ?? "?")]);
        this.render(scan.found, null, "", query);
        if (!step.next_page) break;
        page = step.next_page;
      }
      if (!scan.found.length) this.render([], te("ehrNoPatientsFoundPhone", this.ehr), "", query);
    } catch (e) {
      if (!scan.cancelled && seq === this.seq) this.render(scan.found, errorText(e), "error", query);
    } finally {
      if (this.scan === scan) {
        this.scan = null;
        $("phone-scan").hidden = true;
      }
    }
  }

  cancelScan() {
    if (!this.scan) return;
    this.scan.cancelled = true;
    this.scan = null;
    $("phone-scan").hidden = true;
    $("patient-search-status").textContent = t("phoneScanCancelled");
  }

  setBusy(busy) {
    this.input.setAttribute("aria-busy", String(busy));
    if (busy) $("patient-search-status").textContent = t("searching");
  }

  /** Show results; `query` is the text they answer (tests and assistive tech can tell stale from fresh). */
  render(patients, message, tone = "", query = "") {
    this.results = patients;
    this.active = -1;
    const status = $("patient-search-status");
    status.dataset.query = query;
    status.textContent = message ?? t("patientsFound", [String(patients.length)]);
    status.className = `small ${tone === "error" ? "error" : "muted"}`;
    this.list.replaceChildren(...patients.map((p, i) => this.option(p, i)));
    this.list.hidden = patients.length === 0;
    // Never under the popup's action bar (html's scroll-padding keeps clear of it).
    if (patients.length) this.list.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-expanded", String(patients.length > 0));
    this.input.removeAttribute("aria-activedescendant");
  }

  option(p, i) {
    const li = el("li", { id: `patient-option-${i}`, role: "option", "aria-selected": "false", "data-patient-id": p.id },
      el("span", { class: "patient-name" }, fullName(p)),
      ...(p.archived ? [" ", el("span", { class: "tag" }, t("archived"))] : []),
      el("span", { class: "patient-details small muted" }, detailLine(p, this.ehr)));
    li.addEventListener("click", () => this.choose(p));
    return li;
  }

  onKey(e) {
    if (!this.results.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = this.results.length;
      this.active = e.key === "ArrowDown" ? (this.active + 1) % n : (this.active - 1 + n) % n;
      for (const [i, el] of [...this.list.children].entries()) el.setAttribute("aria-selected", String(i === this.active));
      this.input.setAttribute("aria-activedescendant", `patient-option-${this.active}`);
      this.list.children[this.active]?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();
      this.choose(this.results[this.active]);
    } else if (e.key === "Escape") {
      this.render([], null);
    }
  }

  /** Show `patient` as the confirmed card (from a result, or a pre-selection). */
  async choose(patient, { preselected = false } = {}) {
    this.chosen = patient;
    this.seq += 1;
    $("patient-search-box").hidden = true;
    $("patient-card").hidden = false;
    $("patient-card-name").textContent = fullName(patient);
    $("patient-card-dob").textContent = dobText(patient, this.ehr);
    $("patient-card-id").textContent = te("ehrId", this.ehr, patient.id);
    $("patient-card-contact").textContent = [patient.email, patient.phone].filter(Boolean).join(" · ");
    $("patient-card-preselected").hidden = !preselected;
    $("patient-change").focus();
    await this.checkPageMatch();
    this.onChange?.(patient);
  }

  clear(focus) {
    this.chosen = null;
    $("patient-card").hidden = true;
    $("patient-search-box").hidden = false;
    $("mismatch").hidden = true;
    $("mismatch-confirm").checked = false;
    $("patient-card-unnamed").hidden = true;
    this.onChange?.(null);
    if (focus) this.input.focus();
  }

  /** The name (and DOB) the Motics page shows, to compare with the chosen patient. */
  setPagePatient(name, dob) {
    this.pageName = name || null;
    this.pageDob = dob || null;
  }

  /**
   * Compare the chosen patient with the page's. Fails closed (issue 15 §7): while the check runs,
   * and when it can't run, Push waits for "I've checked"; a page that names nobody says so.
   */
  async checkPageMatch() {
    const box = $("mismatch");
    box.hidden = true;
    $("mismatch-confirm").checked = false;
    $("patient-card-unnamed").hidden = true;
    if (!this.chosen) return;
    if (!this.pageName) {
      $("patient-card-unnamed").hidden = false;
      return;
    }
    const chosen = this.chosen;
    this.checking = true;
    let verdict;
    try {
      verdict = await request(MSG.PATIENTS_MATCH, { page_name: this.pageName, page_dob: this.pageDob, patient: chosen });
    } catch {
      verdict = "unchecked";
    } finally {
      this.checking = false;
    }
    if (chosen !== this.chosen || verdict === "match") return;
    const name = fullName(chosen);
    $("mismatch-text").textContent = {
      dob_mismatch: () => t("mismatchDob", [this.pageName, formatDate(this.pageDob), name]),
      dob_unreadable: () => t("mismatchDobUnreadable", [this.pageDob, name]),
      name_mismatch: () => t("mismatchName", [this.pageName, name]),
    }[verdict]?.() ?? t("mismatchUnchecked", [name]);
    box.hidden = false;
  }

  /** Whether a push may go ahead: a patient is chosen, checked, and any doubt explicitly confirmed. */
  confirmed() {
    return Boolean(this.chosen) && !this.checking && ($("mismatch").hidden || $("mismatch-confirm").checked);
  }
}

export function fullName(p) {
  const preferred = p.preferred_first_name && p.preferred_first_name !== p.first_name ? ` (“${p.preferred_first_name}”)` : "";
  return `${p.first_name ?? ""}${preferred} ${p.last_name ?? ""}`.replace(/\s+/g, " ").trim();
}

/** "Born 31/01/1980 (age 45)", or that the EHR has no date of birth for the patient. */
function dobText(p, ehr) {
  return p.date_of_birth ? t("dobWithAge", [formatDate(p.date_of_birth), String(ageOn(p.date_of_birth) ?? "?")]) : te("ehrDobUnknown", ehr);
}

function detailLine(p, ehr) {
  return [dobText(p, ehr), p.email, p.phone, te("ehrId", ehr, p.id)].filter(Boolean).join(" · ");
}

function plural(term) {
  return /s$/i.test(term) ? term : `${term}s`;
}

