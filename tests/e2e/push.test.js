// Push to Cliniko, end to end against the sandbox: what Cliniko holds after a push, a pre-selected
// push, and the fault matrix — each fault must end with exactly one (unarchived) note, or with a
// clear, actionable state and nothing sent twice.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, resetExtension, texts } from "./lib/flows.js";
import { click, fill } from "./lib/ui.js";

const ALLOWED_TAGS = new Set(["p", "div", "br", "ul", "ol", "li", "blockquote", "h1", "h2", "b", "i", "u", "a"]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every tag name in an HTML string (Cliniko's sanitised paragraph answers). */
const tagsIn = (html) => [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1].toLowerCase());

for (const kind of BROWSERS) {
  describe(`push to Cliniko (${kind})`, () => {
    let sandbox, s;
    const opened = [];
    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      for (const p of opened.splice(0)) await p.close().catch(() => {});
      await sandbox.admin.reset();
      // A fresh outbox and receipts for each test (earlier receipts would rightly trigger the duplicate question).
      await resetExtension(s);
      await connectCliniko(s, sandbox);
    });

    async function open(url) {
      const { tab, popup } = await popupOn(s, url);
      opened.push(popup, tab);
      return { tab, popup };
    }
    async function choosePatient(popup, query, { archived = false } = {}) {
      if (archived) await popup.click("#include-archived");
      await fill(popup, "Search patients", query);
      await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
      await popup.click("#patient-results [role=option]");
      await popup.waitForSelector("#patient-card:not([hidden])");
      return popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
    }
    /** Click the Retry button of the job for the note titled as the popup shows it. */
    async function retry(popup) {
      const title = await popup.$eval("#note-title", (e) => e.value);
      await popup.waitForSelector("#jobs:not([hidden])");
      await click(popup, `[name="Retry “${title}”"][role="button"]`);
    }
    async function pushAndWait(popup, states = ["done"]) {
      await click(popup, "Push to Cliniko");
      await popup.waitForFunction((st) => st.includes(document.body.dataset.push), { timeout: 60_000 }, states);
      return popup.$eval("body", (b) => b.dataset.push);
    }
    // Notes this extension pushed to the patient (the clinic's existing notes don't carry our footer).
    const notesFor = async (patientId) => (await sandbox.admin.notes())
      .filter((n) => String(n.patient_id) === patientId && JSON.stringify(n.content ?? "").includes("Pushed from Motics"));
    const live = (notes) => notes.filter((n) => !n.archived_at);
    async function waitForNotes(patientId, count, timeout = 90_000) {
      const end = Date.now() + timeout;
      for (;;) {
        const notes = live(await notesFor(patientId));
        if (notes.length >= count || Date.now() > end) return notes;
        await sleep(500);
      }
    }

    test("the happy path: one note on the chosen patient, as previewed, with a receipt", async () => {
      const { tab, popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      const title = await popup.$eval("#note-title", (e) => e.value);
      const draft = await popup.$eval("#as-draft", (e) => e.checked);
      const templateId = await popup.$eval("#note-template", (e) => e.value);
      const previewText = await popup.$eval("#preview", (e) => e.textContent);
      assert.equal(await pushAndWait(popup), "done");
      assert.match(await popup.$eval("#receipt-text", (e) => e.textContent), /^Pushed to Margaret .*O'Brien/);
      const link = await popup.$eval("#receipt-link", (a) => a.href);
      assert.ok(link.includes(`.cliniko.com/patients/${patientId}`), link);

      const notes = await notesFor(patientId);
      assert.equal(notes.length, 1, "exactly one note");
      const [note] = notes;
      assert.equal(note.title, title);
      assert.equal(note.draft, draft);
      if (templateId) assert.equal(String(note.treatment_note_template_id ?? note.template_id), templateId);
      const answers = note.content.sections.flatMap((sec) => sec.questions ?? []).filter((q) => q.type === "paragraph" && q.answer);
      const html = answers.map((q) => q.answer).join("");
      assert.ok(tagsIn(html).every((t) => ALLOWED_TAGS.has(t)), `allowed tags only: ${[...new Set(tagsIn(html))]}`);
      assert.ok(!/[\n\t]/.test(html));
      const author = await tab.$eval("[data-motics-note]", (e) => e.dataset.author);
      assert.ok(html.includes(`Written by ${author}`), "the author is in the note");
      assert.match(html, /Pushed from Motics · ref [2-9A-Z]{6}/, "the push reference is in the note");
      // What was previewed is what arrived (text, ignoring the structure). A heading that matched a
      // template section is that section's name in Cliniko, shown above its answer.
      const shown = note.content.sections.map((sec) => (sec.name ?? "") + (sec.questions ?? [])
        .filter((q) => q.type === "paragraph" && q.answer).map((q) => q.answer).join("")).join("");
      const plain = shown.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"');
      for (const word of previewText.split(/\s+/).filter((w) => w.length > 6).slice(0, 40)) {
        assert.ok(plain.includes(word), `"${word}" from the preview reached Cliniko`);
      }
      // The receipt link opens the patient in the clinic's Cliniko.
      const page = await s.openWebPage(link);
      assert.ok((await page.content()).includes(patientId));
      await page.close();
      // Recent pushes lists it (no names, just time and patient id).
      const recent = await (await open(`${sandbox.motics_url}/sessions/s-1001`)).popup;
      await recent.waitForSelector("#recent:not([hidden])");
      assert.ok((await texts(recent, "#recent-list a")).some((t) => t.includes(patientId)));
    });

    test("the title check runs while the preview is read: the click sends only the POST", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await popup.waitForFunction(() => document.body.dataset.preflight === "clear", { timeout: 20_000 });
      const listsOf = async () => (await sandbox.admin.requests())
        .filter((r) => r.method === "GET" && r.path === `/v1/patients/${patientId}/treatment_notes`);
      assert.equal((await listsOf()).length, 1, "the preflight asked Cliniko once");
      await sandbox.admin.clearRequests();
      assert.equal(await pushAndWait(popup), "done");
      await popup.waitForFunction(() => document.getElementById("receipt").dataset.check === "done", { timeout: 15_000 });
      const sent = (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com"));
      assert.equal(sent.filter((r) => r.method === "POST").length, 1);
      // No title GET at the click: the one list after the POST is the check for resent copies.
      assert.equal((await listsOf()).length, 1, sent.map((r) => `${r.method} ${r.path}`).join(", "));
      const post = sent.findIndex((r) => r.method === "POST");
      assert.ok(sent.slice(0, post).every((r) => !r.path.endsWith("/treatment_notes")), "nothing listed before the POST");
      assert.equal((await notesFor(patientId)).length, 1);
    });

    test("pushing the same note to the same patient again asks first", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await pushAndWait(popup);
      const { popup: again } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      await choosePatient(again, "Margaret O'Brien");
      await click(again, "Push to Cliniko");
      await again.waitForSelector("#confirm-box:not([hidden])");
      assert.match(await again.$eval("#confirm-text", (e) => e.textContent), /Already pushed to Margaret .*O'Brien at .* push again\?/);
      await click(again, "Don't push");
      await sleep(500);
      assert.equal((await notesFor(patientId)).length, 1, "nothing sent without the explicit click");
    });

    test("a patient pre-selected while recording gets the note when it is ready", async () => {
      const url = `${sandbox.motics_url}/sessions/s-1005`;
      let { tab, popup } = await open(url);
      const name = (await tab.$eval("[data-testid=patient-name]", (e) => e.textContent)).trim();
      const patientId = await choosePatient(popup, name);
      await popup.close();
      // Motics finishes the note on the same session page.
      await tab.evaluate(() => {
        const note = document.createElement("article");
        note.setAttribute("data-motics-note", "");
        note.setAttribute("data-session-id", document.querySelector("[data-motics-session]").getAttribute("data-motics-session"));
        note.setAttribute("data-created-at", new Date().toISOString());
        note.setAttribute("data-author", "Dr Amelia Hart");
        note.setAttribute("data-title", "Initial assessment");
        note.setAttribute("data-format", "html");
        note.innerHTML = "<h2>Subjective</h2><p>Right shoulder pain for <b>two weeks</b>.</p><h2>Plan</h2><ul><li>Home exercises</li></ul>";
        document.querySelector("main").append(note);
      });
      await tab.bringToFront();
      popup = await s.openPopup(tab);
      opened.push(popup);
      await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      assert.equal(await popup.$eval("#patient-card-preselected", (e) => e.hidden), false, "shows Pre-selected");
      assert.equal(await popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, "")), patientId);
      assert.equal(await pushAndWait(popup), "done");
      assert.equal((await notesFor(patientId)).length, 1);
      await popup.close();
      // The pre-selection is cleared after the push.
      popup = await s.openPopup(tab);
      opened.push(popup);
      await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      assert.equal(await popup.$eval("#patient-card", (e) => e.hidden), true);
    });

    test("401 mid-push → Reconnect Cliniko → the waiting push lands once", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 1, kind: "status", status: 401 });
      assert.equal(await pushAndWait(popup, ["needs_reconnect"]), "needs_reconnect");
      await popup.waitForSelector("#reconnect:not([hidden])");
      await fill(popup, "Cliniko API key", sandbox.keys.practitioner);
      await click(popup, "[name=\"Reconnect Cliniko\"][role=\"button\"]");
      await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
      assert.equal((await notesFor(patientId)).length, 1);
    });

    test("429 → waits for the reset → lands once", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.config({ rate_limit: { limit: 2, window_s: 4 } });
      const state = await pushAndWait(popup, ["done", "retry_wait", "queued"]);
      const notes = await waitForNotes(patientId, 1);
      assert.equal(notes.length, 1, `landed once (first state ${state})`);
      await sandbox.admin.config({ rate_limit: { limit: 200, window_s: 60 } });
      await sleep(1000);
      assert.equal(live(await notesFor(patientId)).length, 1);
    });

    test("500 twice, then OK: lands once (Retry)", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 2, kind: "status", status: 500 });
      assert.equal(await pushAndWait(popup, ["retry_wait"]), "retry_wait");
      assert.match(await popup.$eval("#push-error", (e) => e.textContent), /problem on its side \(error 500\)/);
      for (let i = 0; i < 2; i++) {
        await retry(popup);
        await sleep(1500);
      }
      const notes = await waitForNotes(patientId, 1, 20_000);
      assert.equal(notes.length, 1);
      await sleep(1000);
      assert.equal((await notesFor(patientId)).length, 1, "no second note");
    });

    test("connection dropped after the request was read: reconciled, exactly one note", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 1, kind: "drop_before" });
      await pushAndWait(popup, ["done", "retry_wait"]);
      if ((await popup.$eval("body", (b) => b.dataset.push)) !== "done") {
        await retry(popup);
      }
      const notes = await waitForNotes(patientId, 1, 20_000);
      assert.equal(notes.length, 1);
      assert.equal((await notesFor(patientId)).length, 1);
    });

    test("note created, then the connection dropped (the browser may resend): exactly one unarchived note", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 1, kind: "drop_after" });
      await pushAndWait(popup, ["done", "retry_wait"]);
      if ((await popup.$eval("body", (b) => b.dataset.push)) !== "done") {
        await retry(popup);
        await popup.waitForFunction(() => document.body.dataset.push === "done" || document.querySelector("#recent:not([hidden])"), { timeout: 20_000 });
      }
      let all = await notesFor(patientId);
      if (all.length > 1) {
        // The browser resent the POST. The reply came with the 201; the check for copies runs
        // right after it, and the receipt then says the extra copy was archived.
        await popup.waitForFunction(() => document.getElementById("receipt").dataset.check === "done", { timeout: 15_000 });
        assert.match(await popup.$eval("#receipt-extra", (e) => e.textContent), /archived the 1 extra copy/);
        all = await notesFor(patientId);
      }
      assert.equal(live(all).length, 1, `one unarchived of ${all.length}`);
    });

    test("422: Cliniko's field errors are shown and nothing is retried", async () => {
      const added = await sandbox.admin.addPatient({ account: sandbox.accounts[0].subdomain, first_name: "Archie", last_name: "Vedmore", archived: true, archived_at: "2024-01-01T00:00:00Z" });
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Archie Vedmore", { archived: true });
      assert.equal(patientId, String(added.id));
      await click(popup, "I've checked: this is the right patient");
      assert.equal(await pushAndWait(popup, ["failed"]), "failed");
      assert.match(await popup.$eval("#push-error", (e) => e.textContent), /refused the note: .*patient/i);
      await sleep(1500);
      assert.equal((await notesFor(patientId)).length, 0);
    });

    test("offline: the push waits with Retry, and Retry lands it once", async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      // Every connection fails before Cliniko reads anything (as when the network is down).
      await sandbox.admin.fault({ path: "/v1/*", count: 100, kind: "drop_before" });
      await pushAndWait(popup, ["retry_wait", "failed"]);
      assert.match(await popup.$eval("#push-error", (e) => e.textContent), /Couldn't reach the EHR|offline/);
      assert.equal((await notesFor(patientId)).length, 0);
      await sandbox.admin.clearFaults();
      await retry(popup);
      const notes = await waitForNotes(patientId, 1, 20_000);
      assert.equal(notes.length, 1);
    });

    test("the service worker is stopped while a push waits to retry: the alarm resumes it, once", {
      skip: kind === "chromium" ? false : "Firefox's background is an event page, not a service worker (native tests stop the worker mid-job)",
    }, async () => {
      const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
      const patientId = await choosePatient(popup, "Margaret O'Brien");
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 1, kind: "status", status: 503 });
      assert.equal(await pushAndWait(popup, ["retry_wait"]), "retry_wait");
      await popup.close();
      await s.stopBackground();
      // Nothing else wakes the worker: the outbox alarm must (the first retry is due within about 30 s).
      const notes = await waitForNotes(patientId, 1, 120_000);
      assert.equal(notes.length, 1);
      await sleep(1000);
      assert.equal((await notesFor(patientId)).length, 1, "exactly one");
    });

    test("a history queue of 5 notes lands 5 notes, each on its own patient", async () => {
      const { tab, popup } = await open(`${sandbox.motics_url}/history`);
      const notes = await tab.$$eval("[data-motics-note]", (els) => els.map((e) => ({ name: e.dataset.patientName, dob: e.dataset.patientDob ?? null })));
      assert.ok(notes.length >= 5);
      const used = new Set();
      const spare = (await clinikoGet(sandbox, sandbox.keys.practitioner, "/patients?per_page=20&sort=created_at")).patients;
      for (let i = 0; i < 5; i++) {
        await popup.waitForFunction((i) => document.querySelectorAll("#note-picker-options input")[i]?.checked, { timeout: 10_000 }, i);
        let query = notes[i].name;
        let pickId = null;
        if (notes[i].dob) {
          const [y, m, d] = notes[i].dob.split("-");
          query = `${d}/${m}/${y}`;
        }
        await fill(popup, "Search patients", query);
        await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
        const options = await popup.$$eval("#patient-results [role=option]", (els) => els.map((e) => ({ text: e.textContent, id: e.dataset.patientId })));
        let option = options.find((o) => !used.has(o.id) && o.text.includes(notes[i].name.split(" ")[0]));
        if (!option) {
          // This patient already has a note in the queue: give this note to someone else, knowingly.
          const other = spare.find((p) => !used.has(p.id));
          query = `${other.first_name} ${other.last_name}`;
          pickId = other.id;
          await fill(popup, "Search patients", query);
          await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
          option = { id: pickId };
        }
        await popup.click(`#patient-results [data-patient-id="${option.id}"]`);
        await popup.waitForSelector("#patient-card:not([hidden])");
        if (!(await popup.$eval("#mismatch", (e) => e.hidden))) await click(popup, "I've checked: this is the right patient");
        used.add(option.id);
        await click(popup, "Add to queue");
      }
      await click(popup, "Push all (5)");
      await popup.waitForFunction(() => document.body.dataset.queue === "finished", { timeout: 120_000 });
      const states = await popup.$$eval("#queue-list .queue-status", (els) => els.map((e) => e.dataset.state));
      if (process.env.DEBUG_QUEUE) console.log(JSON.stringify(await popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: "jobs/list" }))).slice(0, 3000));
      assert.deepEqual(states, ["done", "done", "done", "done", "done"]);
      const ours = (await sandbox.admin.notes()).filter((n) => JSON.stringify(n.content).includes("Pushed from Motics"));
      assert.equal(ours.length, 5);
      assert.deepEqual(new Set(ours.map((n) => String(n.patient_id))), used, "each note on its own patient");
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
