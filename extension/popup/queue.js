// The history queue: on a page with several notes, the clinician pairs each note with its patient
// ("Add to queue"), then "Push all" sends them in sequence through the outbox, paced within the EHR's
// rate budget, with a status line per item. Nothing is sent before "Push all".
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { stateText } from "./push.js";
import { fullName } from "./patient.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
/**
 * Notes per `push/queue` message, each acknowledged before the next: the background then holds one
 * slice's messages and replies at a time, not the whole queue's (issue 18, bench/README.md → Memory).
 * A popup closed midway leaves every note either queued (in the outbox) or still shown as ready.
 */
const SLICE = 15;
/** How long the popup follows a queue; afterwards the outbox list below keeps showing each job. */
const FOLLOW_LIMIT_MS = 10 * 60 * 1000;

export class PushQueue {
  constructor() {
    this.items = []; // {label, payload, job_id?, status, tone}
    $("queue-push-all").addEventListener("click", () => this.pushAll());
  }

  /** Whether `candidateIndex` is already queued (so the picker can move on to the next note). */
  has(candidateIndex) {
    return this.items.some((i) => i.candidate === candidateIndex);
  }

  /** Queue a note; `note` (optional) is shown on its line for review (e.g. the linked appointment). */
  add(candidateIndex, label, payload, note = "") {
    this.items.push({ candidate: candidateIndex, label, payload, note, status: t("queueReady"), tone: "" });
    this.render();
  }

  render() {
    const box = $("queue");
    box.hidden = this.items.length === 0;
    $("queue-push-all").textContent = t("pushAll", [String(this.items.filter((i) => !i.job_id).length)]);
    $("queue-push-all").disabled = !this.items.some((i) => !i.job_id);
    $("queue-list").replaceChildren(...this.items.map((item, n) => {
      const li = el("li", {}, el("span", { class: "queue-what" }, t("queueLine", [item.label, fullName(item.payload.patient)])),
        item.note ? el("span", { class: "small queue-note" }, item.note) : null,
        el("span", { class: `small queue-status ${item.tone}`, "data-state": item.state ?? "ready" }, item.status));
      if (!item.job_id) {
        const remove = el("button", { type: "button", "aria-label": t("removeFromQueue", [item.label]) }, t("remove"));
        remove.addEventListener("click", () => { this.items.splice(n, 1); this.render(); });
        li.append(remove);
      }
      return li;
    }));
  }

  async pushAll() {
    const todo = this.items.filter((i) => !i.job_id);
    if (!todo.length) return;
    $("queue-push-all").disabled = true;
    try {
      for (let at = 0; at < todo.length; at += SLICE) {
        const slice = todo.slice(at, at + SLICE);
        const replies = await request(MSG.PUSH_QUEUE, { items: slice.map((i) => i.payload) });
        replies.forEach((reply, n) => this.queued(slice[n], reply));
        this.render();
        // Start now rather than at the next alarm (the outbox paces the requests); a tick sent
        // while one runs does nothing, and the running one picks up the slices queued after it.
        request(MSG.JOBS_TICK).catch(() => {});
      }
      await this.follow();
    } catch (e) {
      // The slices acknowledged so far are queued; the rest stay ready for Push all again.
      this.render();
      $("queue-error").textContent = errorText(e);
    }
  }

  /** Show one `push/queue` answer on its item. */
  queued(item, reply) {
    if (reply.job) {
      item.job_id = reply.job.id;
      item.state = reply.job.state;
      item.status = stateText(reply.job);
    } else if (reply.needs_confirmation) {
      // Already pushed: left out unless the clinician queues it again knowingly.
      item.state = "duplicate";
      item.status = t("queueDuplicate");
      item.tone = "error";
    }
  }

  async follow() {
    // Until every sent item is seen in a settled state; a list that failed or lacks a job proves
    // nothing, so it counts as still open. Bounded so a closed outbox can't spin forever.
    const deadline = Date.now() + FOLLOW_LIMIT_MS;
    while (Date.now() < deadline) {
      const jobs = await request(MSG.JOBS_LIST).catch(() => null);
      let open = 0;
      for (const item of this.items.filter((i) => i.job_id)) {
        const job = jobs?.find((j) => j.id === item.job_id);
        if (!job) {
          open += 1;
          continue;
        }
        item.state = job.state;
        item.status = job.state === "done" ? t("pushedTo", [fullName(item.payload.patient)]) : stateText(job);
        item.tone = job.state === "failed" ? "error" : job.state === "done" ? "status-ok" : "";
        if (job.state === "queued" || job.state === "sending" || job.state === "retry_wait") open += 1;
      }
      this.render();
      document.body.dataset.queue = open ? "running" : "finished";
      if (!open) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
