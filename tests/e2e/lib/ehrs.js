// What differs between the EHRs, for test bodies written once and run for each: the key, where the
// sandbox logs its requests and keeps its notes, the session and patient a push uses, the words.
import https from "node:https";
import { sendFromExtensionPage } from "./browser.js";
import { clinikoGet } from "./sandbox.js";

/** The background message for a connection operation (`connection/<op>` with the EHR as a field). */
export function connectionMessage(op, ehr, fields = {}) {
  return { type: `connection/${op}`, ehr, ...fields };
}

async function send(session, message) {
  const reply = await sendFromExtensionPage(session, message);
  if (!reply?.ok) throw new Error(`${message.type} failed: ${JSON.stringify(reply)}`);
  return reply.value;
}

/** Pushed notes carry this footer (a clinic's existing notes don't). */
const OURS = "Pushed from Motics";

/** A Cliniko note's paragraph answers, joined. */
function text(note) {
  return (note.content?.sections ?? []).flatMap((sec) => sec.questions ?? [])
    .filter((q) => q.type === "paragraph" && q.answer).map((q) => q.answer).join("");
}

export const EHRS = [
  {
    id: "cliniko", name: "Cliniko",
    key: (sandbox) => sandbox.keys.practitioner,
    /** A key the EHR refuses. */
    wrongKey: (sandbox) => sandbox.keys.revoked,
    /** The last characters the options page shows of a saved key. */
    hint: (key) => key.replace(/-[a-z]{2}\d{1,2}$/i, "").slice(-4),
    keyWhere: "your name → My information → API keys",
    /** The request that verifies a key, and the one that creates a note. */
    verify: { method: "GET", path: "/v1/user" },
    create: { method: "POST", path: "/v1/treatment_notes" },
    /** The diary's list requests (a fault here is "the diary fails"). */
    diaryPath: "/v1/individual_appointments*",
    isHost: (host) => host.endsWith(".cliniko.com"),
    /** Every API path (for faults that hit all of them). */
    api: "/v1/*",
    /** How a clinician types a date of birth or phone to find `patient` (Cliniko: alone). */
    withName: (patient, text) => text,
    /** A copy the browser re-sent is archived (and the receipt says so). */
    extraCopy: /archived the 1 extra copy/,
    /** The Motics session a push reads, and the patient it names. */
    session: "s-1001", patient: "Margaret O'Brien",
    async connect(session, sandbox, key = sandbox.keys.practitioner) {
      return send(session, connectionMessage("connect", "cliniko", { key }));
    },
    /** Every note this extension pushed to `patientId`, archived copies included. */
    async notes(sandbox, patientId) {
      return (await sandbox.admin.notes()).filter((n) => String(n.patient_id) === patientId && text(n).includes(OURS));
    },
    /** A note's text as the EHR holds it (Cliniko: the paragraph answers' HTML). */
    text: (note) => text(note),
    /** What the EHR shows of a note: each section's name above its answers (a note filled into a
     *  template keeps a matched heading as the section's name, not in the answer). */
    shown: (note) => (note.content?.sections ?? []).map((sec) => (sec.name ?? "") + (sec.questions ?? [])
      .filter((q) => q.type === "paragraph" && q.answer).map((q) => q.answer).join("")).join(""),
    /** The link a note carries to its appointment (`booking_id` or `attendee_id`, per the OpenAPI). */
    link: (note) => note.booking_id ?? note.attendee_id ?? null,
    /** Whether the EHR reports a note status per appointment (Nookal v2 doesn't), and has group classes. */
    noteStatus: true, groups: true,
    /** A key that is not one practitioner's (a receptionist's). */
    receptionistKey: (sandbox) => sandbox.keys.receptionist,
    /** Every note this extension pushed, whoever it is for. */
    allNotes: async (sandbox) => (await sandbox.admin.notes()).filter((n) => text(n).includes(OURS) && !n.archived_at),
    /**
     * One appointment as the EHR's API gives it, by a popup row's key ("individual:123" or
     * "group_attendee:456"): start, cancelled, patient and note status, in one shape.
     */
    async appointment(sandbox, rowKey) {
      const [kind, id] = rowKey.split(":");
      const key = sandbox.keys.practitioner;
      if (kind === "group_attendee") {
        const a = await clinikoGet(sandbox, key, `/attendees/${id}`);
        // The attendee's booking is its group appointment.
        const booking = await clinikoGet(sandbox, key, `/group_appointments/${a.booking.links.self.split("/").pop()}`);
        return { starts_ms: Date.parse(booking.starts_at), cancelled: Boolean(a.cancelled_at), note_status: a.treatment_note_status,
          patient_id: a.patient.links.self.split("/").pop() };
      }
      const a = await clinikoGet(sandbox, key, `/individual_appointments/${id}`);
      return { starts_ms: Date.parse(a.starts_at), cancelled: Boolean(a.cancelled_at || a.deleted_at), note_status: a.treatment_note_status,
        patient_id: a.patient.links.self.split("/").pop() };
    },
    /** Patients as the EHR's API lists them (`archived`: only archived ones), in one shape. */
    async patients(sandbox, { archived = false } = {}) {
      const key = sandbox.keys.practitioner;
      const filter = archived ? `&q[]=${encodeURIComponent("archived_at:>2000-01-01T00:00:00Z")}` : "";
      const all = [];
      for (let page = 1; ; page++) {
        const reply = await clinikoGet(sandbox, key, `/patients?per_page=100&page=${page}${filter}`);
        all.push(...reply.patients.map((p) => ({
          id: String(p.id), first_name: p.first_name, last_name: p.last_name, date_of_birth: p.date_of_birth,
          email: p.email, phones: (p.patient_phone_numbers ?? []).map((n) => n.number),
        })));
        if (!reply.links?.next) return all;
      }
    },
  },
  {
    id: "nookal", name: "Nookal",
    key: (sandbox) => sandbox.keys.nookal,
    wrongKey: () => "wrongkeywrongkeywrongkey1234",
    hint: (key) => key.slice(-4),
    keyWhere: "Setup → Connections → API Keys",
    verify: { path: "/production/v2/verify" },
    create: { path: "/production/v2/addTreatmentNote" },
    diaryPath: "/production/v2/getAppointments",
    isHost: (host) => host === "api.nookal.com",
    api: "/production/v2/*",
    /** Nookal's API has no date-of-birth or phone filter: a search gives the last name with them. */
    withName: (patient, text) => `${patient.last_name} ${text}`,
    /** The extension's own budget for this EHR (src/nookal/client.rs): a run of tests waits for it. */
    budget: { requests: 60, window_ms: 60_000 },
    // Nookal v2 can't delete a note: the receipt names the extra copy for the clinician to delete.
    extraCopy: /also has note ID/,
    session: "s-1003", patient: "Aroha Ngāta",
    /** Connect, and file notes under the key's first practitioner (a Nookal key needs one). */
    async connect(session, sandbox, key = sandbox.keys.nookal) {
      const status = await send(session, connectionMessage("connect", "nookal", { key }));
      const practitioner = (status.practitioners ?? status.connection.practitioners)[0];
      await send(session, connectionMessage("set-practitioner", "nookal", { practitioner_id: practitioner.id }));
      return { ...status, practitioner };
    },
    async notes(sandbox, patientId) {
      return (await sandbox.admin.nookalNotes()).filter((n) => String(n.patient_id) === patientId && n.notes.includes(OURS));
    },
    text: (note) => note.notes,
    shown: (note) => note.notes,
    link: (note) => note.appt_id ?? null,
    noteStatus: false, groups: false,
    allNotes: async (sandbox) => (await sandbox.admin.nookalNotes()).filter((n) => n.notes.includes(OURS)),
    /** One appointment (by a popup row's key), from the day's `getAppointments` list. */
    async appointment(sandbox, rowKey) {
      const id = rowKey.split(":")[1];
      const all = [];
      for (let page = 1; ; page++) {
        const reply = await nookalCall(sandbox, "getAppointments", { page: String(page), page_length: "200" });
        const rows = reply.data?.results?.appointments ?? [];
        all.push(...rows);
        if (!reply.settings?.nextPage || !rows.length) break;
      }
      const a = all.find((x) => String(x.ID) === id);
      if (!a) throw new Error(`no Nookal appointment ${id}`);
      // Clinic-local strings; the sandbox's clinic (like its browsers) runs on UTC.
      return { starts_ms: Date.parse(`${a.appointmentDate}T${a.appointmentStartTime}Z`), cancelled: String(a.cancelled) === "1",
        note_status: null, patient_id: String(a.patientID) };
    },
    async patients(sandbox, { archived = false } = {}) {
      // Nookal's archived patient is an inactive one (`active` "0").
      const all = [];
      for (let page = 1; ; page++) {
        const reply = await nookalCall(sandbox, "getPatients", { page: String(page), page_length: "200" });
        const rows = reply.data?.results?.patients ?? [];
        all.push(...rows.filter((p) => (String(p.active) === "0") === archived).map((p) => ({
          id: String(p.ID), first_name: p.FirstName, last_name: p.LastName, date_of_birth: p.DOB || null,
          email: p.Email || null, phones: [p.Mobile, p.Home].filter(Boolean),
        })));
        if (!reply.settings?.nextPage || !rows.length) return all;
      }
    },
  },
];

/** Notes not archived (an EHR that can't archive never has any). */
export const live = (notes) => notes.filter((n) => !n.archived_at);

/** When each EHR request of this run reached the sandbox (kept across the sandbox's /reset). */
const sent = [];

/**
 * Call between tests, before the sandbox's /reset (it clears the request log): wait until every EHR's client-side budget has
 * room for another test (about half of it), as a clinician pushing this often would wait. The
 * extension paces itself per key and remembers it across a test's reset; so must the tests.
 */
export async function waitForBudgets(sandbox) {
  // The tests' own lookups (nookalCall) never went through the extension's budget.
  const since = sent.length;
  for (const r of await sandbox.admin.requests()) if (!r.headers?.[LOOKUP]) sent.push({ host: r.host, at: r.at_ms });
  await sandbox.admin.clearRequests(); // each request counted once
  for (const ehr of EHRS.filter((e) => e.budget)) {
    const { requests, window_ms } = ehr.budget;
    mostInOneTest = Math.max(mostInOneTest, sent.slice(since).filter((r) => ehr.isHost(r.host)).length);
    const recent = sent.filter((r) => ehr.isHost(r.host) && r.at > Date.now() - window_ms).map((r) => r.at).sort((a, b) => a - b);
    const over = recent.length - Math.floor(requests / 2);
    if (over > 0) {
      const ms = recent[over - 1] + window_ms - Date.now() + 250;
      budgetWaitMs += Math.max(0, ms);
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

/** Time this file's tests spent waiting for budgets, said once at its end (where the E2E time goes). */
let budgetWaitMs = 0;
let mostInOneTest = 0;
process.once("exit", () => {
  if (budgetWaitMs > 0 || mostInOneTest > 0) {
    process.stderr.write(`e2e: ${(budgetWaitMs / 1000).toFixed(1)} s waiting for EHR budgets in this file; at most ${mostInOneTest} budgeted requests in one test\n`);
  }
});

/** The header that marks a test's own lookup in the sandbox's request log. */
const LOOKUP = "x-motics-e2e-lookup";

/** Call the sandbox's Nookal directly (test-side lookups), form-encoded like the SDK. */
export function nookalCall(sandbox, method, params = {}) {
  const body = new URLSearchParams({ api_key: sandbox.keys.nookal, ...params }).toString();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "127.0.0.1", port: sandbox.port, method: "POST", path: `/production/v2/${method}`,
      servername: "api.nookal.com", rejectUnauthorized: false,
      headers: { host: "api.nookal.com", "content-type": "application/x-www-form-urlencoded; charset=UTF-8", "content-length": Buffer.byteLength(body),
        [LOOKUP]: "1" },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { text += c; });
      res.on("end", () => { try { resolve(JSON.parse(text)); } catch { reject(new Error(`${method}: ${text.slice(0, 200)}`)); } });
    });
    req.on("error", reject);
    req.end(body);
  });
}
