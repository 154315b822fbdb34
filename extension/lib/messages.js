// The one message protocol between pages and the background (the Rust twin is src/app/mod.rs).
// Every reply is {ok: true, value} or {ok: false, error: {kind, params, transient}}.
import { api, extensionOrigin } from "./browser.js";

/**
 * Message names. Every EHR-specific message carries `ehr: "cliniko" | "nookal"`; there are no
 * per-EHR names. Reply shapes (the `value` of `{ok: true, value}`):
 *
 * - `core/info` `{}` → `{version, build, note_max_bytes, ehrs: ["cliniko", "nookal"]}`:
 *   every constant the pages used to repeat (`note_max_bytes`: the page reader's cap, UTF-8 bytes).
 * - `title/fill` `{template, date_display?, patient_name?}` → the filled title (string): the one
 *   `{date}` / `{patient}` fill (options page example and popup alike).
 * - `connection/status|verify|remove` `{ehr}`, `connection/connect` `{ehr, key}`,
 *   `connection/set-enabled` `{ehr, enabled}`, `connection/set-practitioner` `{ehr, practitioner_id}`,
 *   `connection/set-location` `{ehr, location_id|null}` → ConnectionStatus:
 *   `{ehr, state: "not_set_up"|"connected"|"disabled"|"needs_reconnect", connection: <the EHR's
 *   stored summary>|null, user_name?, account_name?, masked_key?, practitioners?: [{id, name}],
 *   practitioner_id?, locations?: [{id, name}], location_id?, needs_practitioner, has_locations}`
 *   (fields an EHR lacks are absent). `connection/connect` also resumes that EHR's pushes parked
 *   on a 401 (options page and popup's Reconnect both use it). Cliniko has no practitioner or
 *   location to choose: those two answer error `unsupported`.
 * - `templates/list` `{ehr, refresh?}` → `[{id, name}]` (Nookal: `[]`).
 * - `templates/learned` → how many template choices were learned (number); `templates/forget`
 *   → null (Settings forgets them). Cliniko only in effect: Nookal v2 has no note templates.
 * - `patients/search` `{ehr, query, include_archived?, date_order?, today?}` → one shape for
 *   every EHR: `{kind, patients, requests_made, more_available, phone_scan_suggested}`;
 *   `patients` are `{id, first_name, last_name, preferred_first_name, date_of_birth, email,
 *   phone, archived, tier}` (ids strings). Both EHRs read dates in `date_order` and honour
 *   `include_archived` (Nookal: inactive or deceased patients count as archived).
 * - `patients/scan-phone` `{ehr, query, page, …search options}` → `{matches, page, next_page, total_pages}`
 *   (Nookal: error `unsupported`: its search takes the phone number itself).
 * - `patients/match` `{page_name, page_dob?, patient}` →
 *   `"match"|"name_mismatch"|"dob_mismatch"|"dob_unreadable"` (a shown date that can't be read
 *   fails closed).
 * - `cases/list` `{ehr, patient_id}` → `{cases: [{id, title, date, open}], default_case_id}`
 *   (Cliniko: `{cases: [], default_case_id: null}`); `cases/add` `{ehr, patient_id, title,
 *   local_date?}` → one case row (Cliniko: error `unsupported`).
 * - `appointments/list` `{ehr, session_ms?, utc_offset_min?, practitioner_id?, upcoming?, refresh?}` →
 *   `{practitioner: {id, name}|null, needs_practitioner, practitioners: [{id, name}], window:
 *   {from_ms, to_ms, first_from_ms, first_to_ms, session_ms}, rows: [Row], best_key|null, tie,
 *   requests_made}`. Row: `{key, id, kind: "individual"|"group_attendee", group_id?, patient:
 *   <a patients/search row>|null, patient_id, patient_name|null, starts_ms, ends_ms, type_name|null,
 *   note: "no_note"|"has_note"|"unknown", did_not_arrive, near, best}`; best first (highlight it,
 *   never choose it), then nearest the session. `practitioner_id` given → remembered per EHR (the
 *   receptionist's picker). `upcoming: true` → from now to the end of today, soonest first.
 *   Cached in the worker for the popup's life; `refresh: true` (Retry) asks the EHR again.
 *   Details: /work/helpers/diary-protocol.md.
 * - `appointments/offer` `{ehr, patient_id, session_ms?, utc_offset_min?}` → `{rows: [Row],
 *   checked_key|null}` ("Link to the 10:30 appointment", ticked only when exactly one).
 * - `appointments/match` `{ehr, practitioner_id?, sessions: [{key, session_ms, utc_offset_min}]}` →
 *   `{pairs: [{key, row: Row|null}], requests_made}` (a row only where exactly one appointment fits).
 * - `note/prepare` `{ehr, source, created_display?, date_display?, push_ref?, patient_name?, copy?, head?}` →
 *   `{ehr, ehr_name, meta, note_title, title, preview, report, html?, text?, fingerprint, push_ref,
 *   template}`. `patient_name` is the CHOSEN patient's (fills `{patient}`; never the page's).
 *   `html` (Cliniko's) and `text` (plain) only with `copy: true` (Copy note asks; the popup's open doesn't).
 *   `template`: `{automatic: {template_id, …}|null, fits: […]}` for an EHR with templates
 *   (Cliniko), else null. `head: true` (a long note's head, read-note.js `partial`): only `preview`
 *   and `report` are made (no footer; `title` and `fingerprint` empty, `template` null); never pushed.
 * - `push/preflight` `{ehr, patient, title, appointment?, utc_offset_min?, push?}` → `{at_ms, note_id,
 *   reason}` or `null` (`reason`: `same_fingerprint`|`same_title`|`appointment_has_note`); `push`
 *   (the `push/start` body as it would be sent now) is prepared for the click.
 * - `push/start` `{ehr, source, patient, title, push_ref, created_display?, confirm_duplicate?,
 *   scope?, draft?, template_id?, automatic_template_id?, case_id?, new_case_title?, utc_offset_min?}` →
 *   `{needs_confirmation: {at_ms, note_id, reason}}` or `{job: JobView}`. `utc_offset_min`: the
 *   browser's offset (minutes east of UTC) at the note's session time; Nookal files the note
 *   under the session's local time. `appointment?: {id, kind, group_id?}` (from a Row) links the
 *   note: checked in the core against the diary it fetched; another patient's → error
 *   `appointment_mismatch`, nothing sent; one that has a note → `needs_confirmation` with
 *   `reason: "appointment_has_note"` unless `confirm_duplicate`. Also `session_url?`,
 *   `session_id?` (the Motics session the note came from: kept with the job's record on disk,
 *   for "Open the Motics session").
 * - `push/resume` `{id, source, patient, title?}` → `{changed: true}` (the note is not the one the
 *   job was for: show the new preview, push as new) or `{job: JobView}` (the same note, sent on
 *   under the same reference; for a job of state `unfinished`/`interrupted` only).
 * - `push/queue` `{items: [push/start bodies]}` → `[push/start replies]`.
 * - `jobs/get` `{id}` → JobView; `jobs/list` → `[JobView]`; `jobs/retry` `{id}` → JobView (THE
 *   retry, every EHR); `jobs/discard` `{id}` → null; `jobs/tick` → `{landed, jobs}`.
 *   JobView: `{id, ehr, ehr_name, state: "queued"|"sending"|"done"|"retry_wait"|"needs_reconnect"|"failed"|"interrupted"|"unfinished",
 *   patient, title, push_ref, attempts, next_at_ms, error: {kind, params, transient, fields}|null,
 *   receipt|null (`receipt.before_close`: found in the EHR after the browser restarted), verify_due,
 *   created_at_ms, session_url|null, nookal?: {landed, read_back, garbled, text_matches,
 *   reconciled, note_id, case_id, created_case, …}, appointment: {id, kind, group_id?, starts_ms,
 *   type_name}|null}` ("Linked to the 10:30 appointment (Initial consult)"); the receipt's
 *   `extra_copies` (ids) are the browser's resent copies for every EHR, archived when
 *   `copies_archived`, else to delete by hand.
 * - `receipts/list` → `[{ehr, job_id, patient_id, note_id, at_ms, link?, nookal?, appointment?, …}]` (30 days
 *   at most); `receipts/clear` `{ehr}` → null: forget that EHR's push history (offered with
 *   "Remove key").
 * - `preselect/get` `{ehr, scope}` → the patient or null; `preselect/set` `{ehr, scope, patient}`;
 *   `preselect/clear` `{scope}`: a pre-selection belongs to the EHR it was found in.
 * - `settings/get|set`: also `diary_window: {whole_day, hours}` (default `{whole_day: true, hours: 3}`).
 * - `destination/get|set`: unchanged.
 */
export const MSG = Object.freeze({
  CORE_INFO: "core/info",
  TITLE_FILL: "title/fill",
  TEMPLATES_LIST: "templates/list",
  TEMPLATES_LEARNED: "templates/learned",
  TEMPLATES_FORGET: "templates/forget",
  SETTINGS_GET: "settings/get",
  SETTINGS_SET: "settings/set",
  NOTE_PREPARE: "note/prepare",
  PATIENTS_SEARCH: "patients/search",
  PATIENTS_SCAN_PHONE: "patients/scan-phone",
  PATIENTS_MATCH: "patients/match",
  CASES_LIST: "cases/list",
  CASES_ADD: "cases/add",
  APPOINTMENTS_LIST: "appointments/list",
  APPOINTMENTS_OFFER: "appointments/offer",
  APPOINTMENTS_MATCH: "appointments/match",
  PRESELECT_GET: "preselect/get",
  PRESELECT_SET: "preselect/set",
  PRESELECT_CLEAR: "preselect/clear",
  PUSH_PREFLIGHT: "push/preflight",
  PUSH_START: "push/start",
  PUSH_QUEUE: "push/queue",
  PUSH_RESUME: "push/resume",
  JOBS_GET: "jobs/get",
  JOBS_TICK: "jobs/tick",
  JOBS_LIST: "jobs/list",
  JOBS_RETRY: "jobs/retry",
  JOBS_DISCARD: "jobs/discard",
  RECEIPTS_LIST: "receipts/list",
  RECEIPTS_CLEAR: "receipts/clear",
  DESTINATION_GET: "destination/get",
  DESTINATION_SET: "destination/set",
});

/**
 * Whether a message comes from one of our own extension pages (popup, options, push window).
 * Web pages and scripts injected into them are never privileged: they may only return data
 * through executeScript results, never ask the background for anything (see architecture §6 of
 * the MV3 reference: assume a compromised renderer can forge content-script messages).
 */
export function isFromExtensionPage(sender) {
  return sender?.id === api.runtime.id && typeof sender.url === "string" &&
    sender.url.startsWith(extensionOrigin);
}

/** Send a request to the background and unwrap the reply; throws a CoreError on {ok: false}. */
export async function request(type, fields = {}) {
  let reply;
  try {
    reply = await api.runtime.sendMessage({ type, ...fields });
  } catch (e) {
    throw new CoreError({ kind: "background_unavailable", params: [String(e?.message ?? e)] });
  }
  if (!reply || typeof reply !== "object") {
    throw new CoreError({ kind: "background_unavailable", params: ["no reply"] });
  }
  if (!reply.ok) throw new CoreError(reply.error);
  return reply.value;
}

/** An error reply from the core, carrying the message id suffix and its placeholders. */
export class CoreError extends Error {
  constructor(error) {
    super(error?.kind ?? "internal");
    this.kind = error?.kind ?? "internal";
    this.params = Array.isArray(error?.params) ? error.params.map(String) : [];
    this.transient = Boolean(error?.transient);
  }
}
