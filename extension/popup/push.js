// The push part of the popup: "Push to Cliniko", the duplicate question, progress, the receipt with
// "Open in Cliniko", the waiting/failed jobs (Retry, Discard), "Recent pushes", and "Copy note".
import { api } from "../lib/browser.js";
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { formatDateTime, LOCALE } from "../lib/dates.js";
import { fullName } from "./patient.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
/** The check for browser-resent copies runs just after the push's reply: follow it this long. */
const CHECK_POLL_MS = 500;
const CHECK_POLLS = 12;

/** Job states as the background reports them, and how they read. */
const STATE_TEXT = {
  queued: "jobQueued", sending: "jobSending", done: "jobDone", retry_wait: "jobRetryWait",
  needs_reconnect: "jobNeedsReconnect", failed: "jobFailed", parked: "jobParked",
};

export function stateText(job) {
  // A failed job whose error is transient was parked after its retries: "Retry" will send it.
  const id = job.state === "failed" && job.error?.transient ? "jobParked" : STATE_TEXT[job.state] ?? "jobQueued";
  const when = job.next_at_ms ? new Intl.DateTimeFormat(LOCALE, { timeStyle: "short" }).format(new Date(job.next_at_ms)) : "";
  // Every EHR word names the EHR this job is for (the core's `ehr_name`).
  return t(id, [job.ehr_name ?? "", when]);
}

/** Start a push; resolves to the job once it is done or has moved to a waiting/failed state. */
export async function push(payload, { patientName, onProgress }) {
  let reply = await request(MSG.PUSH_START, payload);
  if (reply.needs_confirmation) {
    const c = reply.needs_confirmation;
    const at = formatDateTime(new Date(c.at_ms).toISOString());
    const question = c.reason === "same_title" ? t("duplicateTitleQuestion", [patientName, at]) : t("duplicateQuestion", [patientName, at]);
    if (!(await confirmInline(question))) return null;
    reply = await request(MSG.PUSH_START, { ...payload, confirm_duplicate: true });
  }
  let job = reply.job;
  onProgress?.(job);
  // The first attempt ran inline; a job still sending (e.g. the worker is pacing) is polled briefly.
  for (let i = 0; i < 30 && (job.state === "queued" || job.state === "sending"); i++) {
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
  $("receipt-text").textContent = t("pushedTo", [fullName(patient)]);
  const link = $("receipt-link");
  link.href = job.receipt?.link ?? "#";
  link.hidden = !job.receipt?.link;
  showReceiptExtra(job);
  $("receipt-link").focus();
  followCheck(job);
}

/** What the receipt adds: the extra copies archived, or that an earlier attempt's note was found. */
function showReceiptExtra(job) {
  const extra = [];
  const archived = job.receipt?.archived_copies?.length ?? 0;
  if (archived) extra.push(t("archivedDuplicates", [String(archived)]));
  else if (job.attempts > 0) extra.push(t("reconciledNote"));
  $("receipt-extra").textContent = extra.join(" ");
  // "checking" until the background has looked for copies the browser may have re-sent.
  $("receipt").dataset.check = job.verify_due ? "checking" : "done";
}

/**
 * The push's reply comes with Cliniko's 201; the background looks for copies the browser may have
 * re-sent right after (src/push/attempt.rs). Poll briefly so the receipt says when one was archived.
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

/** Render the outbox (waiting and failed jobs) with Retry and Discard. */
export async function showJobs(onChange) {
  let jobs = [];
  try {
    jobs = await request(MSG.JOBS_LIST);
  } catch {
    return;
  }
  const pending = jobs.filter((j) => j.state !== "done");
  $("jobs").hidden = pending.length === 0;
  $("job-list").replaceChildren(...pending.map((job) => {
    const li = document.createElement("li");
    const title = document.createElement("span");
    title.className = "job-title";
    title.textContent = t("jobLine", [job.patient ? fullName(job.patient) : "", job.title ?? ""])
      + (job.ehr === "nookal" ? " (Nookal)" : "");
    li.dataset.ehr = job.ehr ?? "cliniko";
    const state = document.createElement("span");
    state.className = "small muted job-state";
    state.textContent = stateText(job) + (job.error ? ` ${errorText(job.error)}` : "");
    li.append(title, state);
    if (job.state !== "sending") {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = t("retry");
      retry.setAttribute("aria-label", t("retryFor", [job.title ?? ""]));
      retry.addEventListener("click", async () => { await request(MSG.JOBS_RETRY, { id: job.id }).catch(() => {}); onChange?.(); });
      const discard = document.createElement("button");
      discard.type = "button";
      discard.textContent = t("discard");
      discard.setAttribute("aria-label", t("discardFor", [job.title ?? ""]));
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
    const li = document.createElement("li");
    const text = t("recentLine", [formatDateTime(new Date(r.at_ms).toISOString()), r.patient_id]);
    if (!r.link) {
      // Nookal has no web link for a note: the line alone says when and for whom.
      li.textContent = text;
      return li;
    }
    const a = document.createElement("a");
    a.href = r.link;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = text;
    li.append(a);
    return li;
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

export { api };
