// "Resume push": a push not finished when the browser closed kept no note text, only its record.
// On its Motics session the popup offers it again: the note is read again, the patient shown from
// the EHR (name, date of birth, id), and one click sends it under the same push reference. A note
// edited since is not sent: the clinician gets the new preview and pushes it as any push.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { te } from "../lib/ehrs.js";
import { formatDate } from "../lib/dates.js";
import { fullName } from "./patient.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);

/** Whether a job came from the page open now (its session's URL, or the Motics session id). */
function fromThisPage(job, page, tabUrl) {
  const sid = job.session_id ?? null;
  return (job.session_url && tabUrl && job.session_url === tabUrl) || (sid && page.session_id && sid === page.session_id);
}

/** The patient as the EHR has them now, found by the job's id (null if the EHR doesn't find them). */
async function patientOf(job) {
  const found = await request(MSG.PATIENTS_SEARCH, { ehr: job.ehr, query: job.patient.id }).catch(() => null);
  return found?.patients?.find((p) => p.id === job.patient.id) ?? null;
}

/**
 * Offer "Resume push" for every unfinished job from this page. `candidates`: the notes read from
 * the page; `onDone(job, patient)` when one lands or waits; `onChanged(job, patient)` when the note
 * changed (the caller shows the new preview for that patient).
 */
export async function offerResume({ page, tabUrl, candidates, titleFor, onDone, onChanged }) {
  const jobs = await request(MSG.JOBS_LIST).catch(() => []);
  const mine = jobs.filter((j) => j.state === "unfinished" && fromThisPage(j, page, tabUrl));
  const box = $("resume");
  box.hidden = mine.length === 0 || !candidates.length;
  if (box.hidden) return;
  const rows = await Promise.all(mine.map(async (job) => {
    const patient = await patientOf(job);
    const who = patient
      ? t("resumeWho", [fullName(patient), patient.date_of_birth ? formatDate(patient.date_of_birth) : "—", patient.id])
      : t("resumeWhoUnknown", [job.patient.id]);
    const status = el("p", { class: "small", role: "status" });
    const button = el("button", { type: "button", class: "primary", "aria-label": te("ehrResumeFor", job.ehr, job.title || who) }, t("resumePush"));
    button.disabled = !patient;
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = te("ehrPushing", job.ehr);
      try {
        // A title that named the patient was not kept on disk: fill it again for this patient.
        const title = job.title || await titleFor(patient);
        const reply = await resume(job, patient, candidates, title);
        if (reply.changed) {
          status.textContent = t("resumeChanged");
          onChanged(job, patient);
        } else {
          li.hidden = true;
          onDone(reply.job, patient);
        }
      } catch (e) {
        status.textContent = errorText(e);
        button.disabled = false;
      }
    });
    const li = el("li", { "data-ehr": job.ehr, "data-job": job.id },
      el("p", {}, te("ehrResumeLine", job.ehr, job.title || "")), el("p", { class: "small" }, who), button, status);
    return li;
  }));
  $("resume-list").replaceChildren(...rows);
}

/** Try each note on the page (a history page has several): the one with the job's fingerprint is sent. */
async function resume(job, patient, candidates, title) {
  let reply = { changed: true };
  for (const source of candidates) {
    reply = await request(MSG.PUSH_RESUME, { id: job.id, source, patient, title });
    if (!reply.changed) return reply;
  }
  return reply;
}
