// The push part of the popup, one for every EHR: "Push to <EHR>", the duplicate question, progress,
// Retry, the receipt (with "Open in <EHR>" where the EHR has a link, and what the EHR reported),
// the waiting/failed jobs (Retry, Discard), "Recent pushes", and "Copy note". Everything shown of a
// push is read from its job (`jobs/get`, `jobs/list`): one job, one state, wherever it appears.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { te } from "../lib/ehrs.js";
import { formatDateTime, LOCALE } from "../lib/dates.js";
import { fullName } from "./patient.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
/** The check for browser-resent copies runs just after the push's reply: follow it this long. */
const CHECK_POLL_MS = 500;
const CHECK_POLLS = 12;

/** Job states as the background reports them, and how they read (`ehr*` ids name the job's EHR). */
const STATE_TEXT = {
  queued: "jobQueued", sending: "ehrJobSending", done: "jobDone", retry_wait: "ehrJobRetryWait",
  needs_reconnect: "ehrJobNeedsReconnect", failed: "jobFailed", parked: "jobParked",
  interrupted: "ehrJobInterrupted", unfinished: "jobUnfinished",
};
/** A retry due this soon is the worker's own quick retry: the popup counts it down and follows it. */
const QUICK_RETRY_MS = 10_000;
const soon = (job) => job.state === "retry_wait" && job.next_at_ms && job.next_at_ms - Date.now() < QUICK_RETRY_MS;

export function stateText(job) {
  if (soon(job)) {
    // "Cliniko didn't answer: trying again in 3 s"
    return te("ehrJobRetryIn", job.ehr, String(Math.max(1, Math.ceil((job.next_at_ms - Date.now()) / 1000))));
  }
  // A failed job whose error is transient was parked after its retries: "Retry" will send it.
  const id = job.state === "failed" && job.error?.transient ? "jobParked" : STATE_TEXT[job.state] ?? "jobQueued";
  const when = job.next_at_ms ? new Intl.DateTimeFormat(LOCALE, { timeStyle: "short" }).format(new Date(job.next_at_ms)) : "";
  return id.startsWith("ehr") ? te(id, job.ehr, when) : t(id, [when]);
}

/**
 * Start a push (`payload` as `push/start` takes it); asks the duplicate question through
 * `confirmInline`. Resolves to the job once it is done or waiting/failed, or null if not pushed.
 */
export async function push(payload, { patientName, onProgress }) {
  let reply = await request(MSG.PUSH_START, payload);
  if (reply.needs_confirmation) {
    const c = reply.needs_confirmation;
    const at = formatDateTime(new Date(c.at_ms).toISOString());
    const id = { same_title: "duplicateTitleQuestion", appointment_has_note: "ehrAppointmentHasNote" }[c.reason] ?? "ehrDuplicateQuestion";
    if (!(await confirmInline(te(id, payload.ehr, patientName, at)))) return null;
    reply = await request(MSG.PUSH_START, { ...payload, confirm_duplicate: true });
  }
  return follow(reply.job, onProgress);
}

/** Retry a waiting or failed job now (the same job: it looks for the note before sending again). */
export async function retryJob(id, { onProgress } = {}) {
  return follow(await request(MSG.JOBS_RETRY, { id }), onProgress);
}

/** A job as it stands now, then followed while it is queued or sending (e.g. resumed after a reconnect). */
export async function followJob(id, onProgress) {
  return follow(await request(MSG.JOBS_GET, { id }), onProgress);
}

/**
 * Follow a job while it is queued, sending, or about to be retried by the worker (the first
 * attempt ran inline; pacing may delay it; a brief EHR hiccup is retried within seconds).
 */
async function follow(job, onProgress) {
  onProgress?.(job);
  for (let i = 0; i < 30 && (job.state === "queued" || job.state === "sending" || soon(job)); i++) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    job = await request(MSG.JOBS_GET, { id: job.id });
    onProgress?.(job);
  }
  return job;
}

/** An inline yes/no question (no window.confirm: it can't be styled or read well by screen readers). */
export function confirmInline(question) {
  return new Promise((resolve) => {
    const box = $("confirm-box");
    $("confirm-text").textContent = question;
    box.hidden = false;
    const yes = $("confirm-yes");
    const no = $("confirm-no");
    const done = (answer) => {
      box.hidden = true;
      yes.onclick = null;
      no.onclick = null;
      resolve(answer);
    };
    yes.onclick = () => done(true);
    no.onclick = () => done(false);
    no.focus();
  });
}

/** Show the receipt for a finished job, then follow its check for copies (not awaited). */
export function showReceipt(job, patient) {
  const box = $("receipt");
  box.hidden = false;
  box.dataset.job = job.id;
  box.dataset.ehr = job.ehr;
  $("receipt-text").textContent = te(job.receipt?.before_close ? "ehrPushedBeforeClose" : "ehrPushedTo", job.ehr, fullName(patient));
  const link = $("receipt-link");
  link.textContent = te("ehrOpenIn", job.ehr);
  link.href = job.receipt?.link ?? "#";
  link.hidden = !job.receipt?.link;
  showReceiptExtra(job);
  (link.hidden ? $("receipt-text") : link).focus?.();
  followCheck(job);
}

/**
 * What the EHR reported about the note, where it reports it (Nookal reads every note back): did it
 * land, which characters it stored wrongly, a case made for it.
 */
function reportLines(job) {
  const r = job.nookal;
  const box = $("receipt");
  box.dataset.landed = String(r ? r.landed : true);
  box.dataset.garbled = String(Boolean(r?.garbled?.length));
  if (!r) return [];
  const line = (id, cls, ...params) => el("p", { class: `small ${cls}` }, te(id, job.ehr, ...params));
  const lines = [];
  // The read-back runs just after the reply (the job's check): nothing to say until it has.
  if (r.landed) lines.push(line("ehrLanded", "landed"));
  else if (!job.verify_due) lines.push(line(r.read_back ? "ehrNotFound" : "ehrUnconfirmed", "warning"));
  if (r.garbled?.length) lines.push(line("ehrGarbled", "warning garbled", r.garbled.join(" ")));
  if (r.created_case) lines.push(el("p", { class: "small muted" }, t("nookalCaseWasCreated")));
  if (r.note_id) lines.push(line("ehrNoteId", "muted", r.note_id));
  return lines;
}

/**
 * What the EHR reported (see `reportLines`), and what the receipt adds: the browser's extra
 * copies (archived where the EHR can, else named for the clinician to delete: the core says
 * which), or that an earlier attempt's note was found. Shown again when the check after the
 * reply is done.
 */
function showReceiptExtra(job) {
  $("receipt-lines").replaceChildren(...reportLines(job));
  const copies = job.receipt?.extra_copies ?? [];
  const reconciled = job.nookal ? job.nookal.reconciled : job.attempts > 0;
  $("receipt").dataset.extraCopies = String(copies.length);
  $("receipt-extra").textContent = !copies.length ? (reconciled ? te("ehrReconciled", job.ehr) : "")
    : job.receipt.copies_archived ? t("archivedDuplicates", [String(copies.length)])
    : te("ehrExtraCopies", job.ehr, copies.join(", "));
  $("receipt-extra").className = copies.length && !job.receipt.copies_archived ? "small warning" : "small muted";
  // "checking" until the background has looked for copies the browser may have re-sent.
  $("receipt").dataset.check = job.verify_due ? "checking" : "done";
}

/**
 * The push's reply comes with the EHR's answer to the POST; the background looks for copies the
 * browser may have re-sent right after. Poll briefly so the receipt says when one was archived.
 */
async function followCheck(job) {
  for (let i = 0; i < CHECK_POLLS && job?.verify_due; i++) {
    await new Promise((r) => setTimeout(r, CHECK_POLL_MS));
    job = await request(MSG.JOBS_GET, { id: job.id }).catch(() => null);
    // Stop when the job is gone or another receipt has replaced this one.
    if (!job || $("receipt").hidden || $("receipt").dataset.job !== job.id) return;
    showReceiptExtra(job);
  }
}

/** Render the outbox (waiting and failed jobs) with Retry and Discard; `onRetry(job)` after a Retry. */
export async function showJobs({ onRetry, onChange }) {
  let jobs = [];
  try {
    jobs = await request(MSG.JOBS_LIST);
  } catch {
    return;
  }
  // Read back after the browser or the extension started again and not looked for yet (the
  // start-up tick may not have run): look now, then show what was found.
  if (jobs.some((j) => j.state === "interrupted")) {
    jobs = (await request(MSG.JOBS_TICK).catch(() => null))?.jobs ?? jobs;
  }
  const pending = jobs.filter((j) => j.state !== "done");
  $("jobs").hidden = pending.length === 0;
  $("job-list").replaceChildren(...pending.map((job) => {
    // A job read back after the browser closed has no name (none is kept on disk): its id then.
    const title = t("jobLine", [(job.patient && fullName(job.patient)) || job.patient?.id || "", job.title ?? ""]);
    const li = el("li", { "data-ehr": job.ehr },
      el("span", { class: "job-title" }, `${title} ${te("ehrJobTag", job.ehr)}`),
      el("span", { class: "small muted job-state" }, stateText(job) + (job.error ? ` ${errorText(job.error)}` : "")));
    if (job.state === "unfinished" && job.session_url) {
      // Its note text is gone: only its Motics session can give it again ("Resume push" there).
      li.append(el("a", { href: job.session_url, target: "_blank", rel: "noopener noreferrer" }, t("openMoticsSession")));
    }
    if (job.state !== "sending") {
      const retry = el("button", { type: "button", "aria-label": t("retryFor", [job.title ?? ""]) }, t("retry"));
      retry.addEventListener("click", () => onRetry(job));
      retry.hidden = job.state === "unfinished" || job.state === "interrupted";
      const discard = el("button", { type: "button", "aria-label": t("discardFor", [job.title ?? ""]) }, t("discard"));
      discard.addEventListener("click", async () => { await request(MSG.JOBS_DISCARD, { id: job.id }).catch(() => {}); onChange?.(); });
      li.append(retry, discard);
    }
    return li;
  }));
}

/** Render "Recent pushes": time and link only (receipts hold no names and no note text). */
export async function showRecent() {
  let receipts = [];
  try {
    receipts = await request(MSG.RECEIPTS_LIST);
  } catch {
    return;
  }
  $("recent").hidden = receipts.length === 0;
  $("recent-list").replaceChildren(...receipts.slice(0, 5).map((r) => {
    const text = t("recentLine", [formatDateTime(new Date(r.at_ms).toISOString()), r.patient_id]) +
      (r.before_close ? ` ${te("ehrLandedBeforeClose", r.ehr)}` : "");
    // An EHR without a web link for the patient: the line alone says when and for whom.
    return el("li", {}, r.link ? el("a", { href: r.link, target: "_blank", rel: "noopener noreferrer" }, text) : text);
  }));
}

/** Copy the prepared note as rich text (keeps formatting) with a plain-text fallback (keeps line breaks). */
export async function copyNote(prepared) {
  const html = new Blob([prepared.html], { type: "text/html" });
  const text = new Blob([prepared.text], { type: "text/plain" });
  if (globalThis.ClipboardItem && navigator.clipboard?.write) {
    await navigator.clipboard.write([new ClipboardItem({ "text/html": html, "text/plain": text })]);
  } else {
    await navigator.clipboard.writeText(prepared.text);
  }
}
