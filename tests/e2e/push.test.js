// Push, end to end against the sandbox, in both browsers: one body per behaviour, run for every EHR
// (what arrives and the receipt, the duplicate question, 401 → reconnect from the popup and from
// the options page, 5xx → Retry, a dropped connection, offline), then Cliniko's own rules. Each
// fault must end with exactly one (unarchived) note, or a clear, actionable state and nothing sent
// twice; every word names the EHR the push goes to. Then the outbox (issue 16): a brief hiccup is
// retried by the worker within seconds while the popup watches, and pushes not finished when the
// browser closes are found in the EHR or resumed from their Motics session, each exactly once.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { popupOn, resetExtension, searchAndChoose, casesSettled } from "./lib/flows.js";
import { EHRS, live, waitForBudgets } from "./lib/ehrs.js";
import { click, fill } from "./lib/ui.js";

const ALLOWED_TAGS = new Set(["p", "div", "br", "ul", "ol", "li", "blockquote", "h1", "h2", "b", "i", "u", "a"]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every tag name in an HTML string (Cliniko's sanitised paragraph answers). */
const tagsIn = (html) => [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1].toLowerCase());
/** Text of a note as stored, without markup or entities. */
const plain = (html) => html.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  .replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"');

for (const kind of BROWSERS) {
  describe(`push (${kind})`, () => {
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
      await waitForBudgets(sandbox);
      await sandbox.admin.reset();
      // A fresh outbox and receipts for each test (earlier receipts would rightly trigger the duplicate question).
      await resetExtension(s);
    });

    async function open(url) {
      const { tab, popup } = await popupOn(s, url);
      opened.push(popup, tab);
      return { tab, popup };
    }
    /** Search, choose the first result, and wait until the push can go (an EHR's case chooser included). */
    async function choosePatient(popup, query, { archived = false } = {}) {
      if (archived) await popup.click("#include-archived");
      return searchAndChoose(popup, query);
    }
    /** The page names someone else: tick "I've checked" once the check has answered (`ready` shows it passed). */
    async function confirmIfAsked(popup, ready = "#push") {
      await popup.waitForFunction((r) => !document.getElementById("mismatch").hidden || !document.querySelector(r).disabled,
        { timeout: 20_000 }, ready);
      if (!(await popup.$eval("#mismatch", (e) => e.hidden))) await click(popup, "I've checked: this is the right patient");
    }
    async function pushAndWait(ehr, popup, states = ["done"]) {
      await popup.waitForSelector("#push:not([disabled])", { timeout: 20_000 });
      await click(popup, `Push to ${ehr.name}`);
      await popup.waitForFunction((st) => st.includes(document.body.dataset.push), { timeout: 60_000 }, states);
      return popup.$eval("body", (b) => b.dataset.push);
    }
    /** Confirm a patient the page names differently ("I've checked"), then wait for Push. */
    async function confirmPatient(popup) {
      await popup.waitForFunction(() => !document.getElementById("mismatch").hidden || !document.getElementById("push").disabled, { timeout: 20_000 });
      if (!(await popup.$eval("#mismatch", (e) => e.hidden))) await click(popup, "I've checked: this is the right patient");
      await popup.waitForSelector("#push:not([disabled])", { timeout: 20_000 });
    }
    /** POSTs that create a note, as the EHR's request log has them. */
    async function creates(ehr) {
      return (await sandbox.admin.requests({ path_prefix: ehr.create.path })).filter((r) => r.method === "POST").length;
    }
    /** Click Retry on the outbox list's line for the push (its name says which note). */
    async function retryInList(popup) {
      await popup.waitForSelector("#jobs:not([hidden]) #job-list li button", { timeout: 20_000 });
      const name = await popup.$eval("#job-list li button", (b) => b.getAttribute("aria-label"));
      await click(popup, `[name="${name}"][role="button"]`);
    }
    const notesFor = (ehr, patientId) => ehr.notes(sandbox, patientId);
    async function waitForNotes(ehr, patientId, count, timeout = 90_000) {
      const end = Date.now() + timeout;
      for (;;) {
        const notes = live(await notesFor(ehr, patientId));
        if (notes.length >= count || Date.now() > end) return notes;
        await sleep(500);
      }
    }
    /** No word of another EHR anywhere in the popup (a Nookal clinic never reads "Cliniko"). */
    async function speaksOnly(ehr, popup) {
      const words = await popup.evaluate(() => [document.body.innerText,
        ...[...document.querySelectorAll("[aria-label], [placeholder]")].map((e) => `${e.getAttribute("aria-label") ?? ""} ${e.placeholder ?? ""}`)].join("\n"));
      for (const other of EHRS.filter((e) => e !== ehr)) assert.ok(!words.includes(other.name), `the popup says ${other.name}: ${words}`);
    }

    for (const ehr of EHRS) {
      describe(ehr.name, () => {
        beforeEach(() => ehr.connect(s, sandbox));
        const session = (id = ehr.session) => `${sandbox.motics_url}/sessions/${id}`;

        test("one note on the chosen patient, as previewed, with a receipt in the EHR's words", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await popup.$eval("#preview-box", (d) => { d.open = true; });
          assert.equal(await popup.$eval("#preview-summary", (e) => e.textContent), `Preview: what ${ehr.name} will show`);
          const previewText = await popup.$eval("#preview", (e) => e.textContent);
          await speaksOnly(ehr, popup);
          assert.equal(await pushAndWait(ehr, popup), "done");
          assert.match(await popup.$eval("#receipt-text", (e) => e.textContent), new RegExp(`^Pushed to .* in ${ehr.name}$`));
          await speaksOnly(ehr, popup);
          const notes = await notesFor(ehr, patientId);
          assert.equal(notes.length, 1, "exactly one note");
          // As the EHR shows it: a heading that matched a template section is that section's name
          // in Cliniko, shown above its answer.
          const text = plain(ehr.shown(notes[0]));
          assert.match(text, /Pushed from Motics . ref [2-9A-Z]{6}/, "the push reference is in the note");
          // What was previewed is what arrived (words, ignoring the structure; ASCII words, as an
          // EHR that transliterates sends é as e).
          for (const word of previewText.split(/\s+/).filter((w) => w.length > 6 && /^[\x21-\x7e]+$/.test(w)).slice(0, 40)) {
            assert.ok(text.includes(word), `"${word}" from the preview reached ${ehr.name}`);
          }
          // Recent pushes lists it (no names, just time and patient id).
          const { popup: recent } = await open(session());
          await recent.waitForSelector("#recent:not([hidden])");
          assert.ok((await recent.$$eval("#recent-list li", (els) => els.map((e) => e.textContent))).some((t) => t.includes(patientId)));
        });

        test("pushing the same note to the same patient again asks first; Don't push sends nothing", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          assert.equal(await pushAndWait(ehr, popup), "done");
          const { popup: again } = await open(session());
          await choosePatient(again, ehr.patient);
          await click(again, `Push to ${ehr.name}`);
          await again.waitForSelector("#confirm-box:not([hidden])");
          assert.match(await again.$eval("#confirm-text", (e) => e.textContent), new RegExp(`Already pushed to .* in ${ehr.name} at .* push again\\?`));
          await click(again, "Don't push");
          await again.waitForFunction(() => document.body.dataset.push === "cancelled");
          await sleep(500);
          assert.equal((await notesFor(ehr, patientId)).length, 1, "nothing sent without the explicit click");
        });

        test(`401 mid-push → Reconnect ${ehr.name} in the popup → the parked push lands once`, async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "status", status: 401 });
          assert.equal(await pushAndWait(ehr, popup, ["needs_reconnect"]), "needs_reconnect");
          assert.equal(await popup.$eval("#push-status", (e) => e.textContent), `Waiting for you to reconnect ${ehr.name}.`);
          await fill(popup, `${ehr.name} API key`, ehr.key(sandbox));
          await click(popup, `[name="Reconnect ${ehr.name}"][role="button"]`);
          await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
          assert.match(await popup.$eval("#receipt-text", (e) => e.textContent), new RegExp(`in ${ehr.name}$`));
          await sleep(500);
          assert.equal((await notesFor(ehr, patientId)).length, 1);
        });

        test("401 mid-push → a new key saved on the options page → the parked push lands once", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "status", status: 401 });
          assert.equal(await pushAndWait(ehr, popup, ["needs_reconnect"]), "needs_reconnect");
          await popup.close();
          const options = await s.openExtensionPage("options.html");
          opened.push(options);
          await options.waitForSelector(`body[data-${ehr.id}="needs_reconnect"]`, { timeout: 20_000 });
          await fill(options, `${ehr.name} API key`, ehr.key(sandbox));
          await click(options, `Save changes for ${ehr.name}`);
          await options.waitForSelector(`body[data-${ehr.id}="connected"]`, { timeout: 20_000 });
          // The parked push went out with the new key: nothing else needs doing.
          const notes = await waitForNotes(ehr, patientId, 1, 20_000);
          assert.equal(notes.length, 1);
          await sleep(1000);
          assert.equal((await notesFor(ehr, patientId)).length, 1, "exactly once");
        });

        test("5xx until Retry (the list's; its quick retries follow) → one note; the popup then lists nothing waiting", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          // Down for longer than the worker's quick retries (about 1 s and 4 s): the job waits for
          // its alarm, and the clinician's Retry goes first.
          await sandbox.admin.fault({ ...ehr.create, count: 4, kind: "status", status: 503 });
          assert.equal(await pushAndWait(ehr, popup, ["retry_wait"]), "retry_wait");
          assert.match(await popup.$eval("#push-error", (e) => e.textContent), new RegExp(`${ehr.name} had a problem on its side \\(error 503\\)`));
          assert.match(await popup.$eval("#push-status", (e) => e.textContent), new RegExp(`Couldn't reach ${ehr.name}|${ehr.name} didn't answer`));
          await popup.waitForSelector(`#jobs:not([hidden]) #job-list li[data-ehr="${ehr.id}"]`, { timeout: 20_000 });
          assert.equal((await notesFor(ehr, patientId)).length, 0, "the 503 filed nothing");
          // The worker's two quick retries meet the 503s too; then the job waits for its alarm.
          await popup.waitForFunction(() => /trying again automatically/.test(document.getElementById("push-status").textContent), { timeout: 20_000 });
          assert.equal(await popup.$eval("#push-retry", (e) => e.hidden), false, "Retry is there while it waits");
          // The list's Retry meets the last 503; the worker's quick retry after it lands the note,
          // and the push panel follows it there with no other click.
          await retryInList(popup);
          await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
          // One job, one state: the receipt shows, and the list no longer offers the push.
          await popup.waitForSelector("#jobs[hidden]", { timeout: 10_000 });
          assert.equal(await popup.$eval("#receipt", (e) => e.hidden), false);
          await sleep(1000);
          assert.equal((await notesFor(ehr, patientId)).length, 1, "exactly one note");
        });

        test("connection dropped before the request was read: reconciled, exactly one note", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "drop_before" });
          if ((await pushAndWait(ehr, popup, ["done", "retry_wait"])) !== "done") await retryInList(popup);
          const notes = await waitForNotes(ehr, patientId, 1, 20_000);
          assert.equal(notes.length, 1);
          assert.equal((await notesFor(ehr, patientId)).length, 1);
        });

        test("note created, then the connection dropped (the browser may resend): one note, or the copy is handled", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "drop_after" });
          if ((await pushAndWait(ehr, popup, ["done", "retry_wait"])) !== "done") {
            // The push could not tell whether the note landed: Retry looks for it before sending.
            await click(popup, `Retry now: the ${ehr.name} push`);
            await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
          }
          await popup.waitForFunction(() => document.getElementById("receipt").dataset.check === "done", { timeout: 15_000 });
          const all = await notesFor(ehr, patientId);
          const receipt = await popup.$eval("#receipt", (e) => e.textContent);
          if (live(all).length > 1) {
            // The browser re-sent the POST itself after the drop (a reused keep-alive connection
            // closed before any response): an EHR that can't archive names the extra copy.
            assert.equal(all.length, 2);
            assert.match(receipt, ehr.extraCopy);
            assert.ok(all.some((n) => receipt.includes(String(n.id))), receipt);
          } else {
            assert.equal(live(all).length, 1, `one unarchived of ${all.length}`);
            if (all.length > 1) assert.match(receipt, ehr.extraCopy);
          }
        });

        test("a patient pre-selected while recording gets the note when it is ready", async () => {
          const url = `${sandbox.motics_url}/sessions/s-1005`;
          let { tab, popup } = await open(url);
          // The EHR's own test patient (the page may name someone this EHR doesn't have).
          const patientId = await choosePatient(popup, ehr.patient);
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
          await confirmIfAsked(popup);
          assert.equal(await pushAndWait(ehr, popup), "done");
          assert.equal((await notesFor(ehr, patientId)).length, 1);
          await popup.close();
          // The pre-selection is cleared after the push.
          popup = await s.openPopup(tab);
          opened.push(popup);
          await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
          assert.equal(await popup.$eval("#patient-card", (e) => e.hidden), true);
        });

        test("a history queue of 5 notes lands 5 notes, each on its own patient", async () => {
          const { tab, popup } = await open(`${sandbox.motics_url}/history`);
          const notes = await tab.$$eval("[data-motics-note]", (els) => els.map((e) => ({ name: e.dataset.patientName, dob: e.dataset.patientDob ?? null })));
          assert.ok(notes.length >= 5);
          const used = new Set();
          const spare = await ehr.patients(sandbox);
          for (let i = 0; i < 5; i++) {
            await popup.waitForFunction((i) => document.querySelectorAll("#note-picker-options input")[i]?.checked, { timeout: 10_000 }, i);
            let query = notes[i].name;
            if (notes[i].dob) {
              const [y, m, d] = notes[i].dob.split("-");
              query = ehr.withName({ last_name: notes[i].name.split(" ").pop() }, `${d}/${m}/${y}`);
            }
            await fill(popup, "Search patients", query);
            await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
            const options = await popup.$$eval("#patient-results [role=option]", (els) => els.map((e) => ({ text: e.textContent, id: e.dataset.patientId })));
            let option = options.find((o) => !used.has(o.id) && o.text.includes(notes[i].name.split(" ")[0]));
            if (!option) {
              // This patient is already in the queue, or not in this EHR: give this note to someone else, knowingly.
              const other = spare.find((p) => !used.has(p.id) && !notes.some((n) => n.name === `${p.first_name} ${p.last_name}`));
              query = `${other.first_name} ${other.last_name}`;
              await fill(popup, "Search patients", query);
              await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
              option = { id: other.id };
            }
            await popup.click(`#patient-results [data-patient-id="${option.id}"]`);
            await popup.waitForSelector("#patient-card:not([hidden])");
            if (await casesSettled(popup) === "none") await click(popup, "Create case"); // a patient with no case yet
            await confirmIfAsked(popup, "#queue-add");
            used.add(option.id);
            await popup.waitForSelector("#queue-add:not([disabled])", { timeout: 20_000 });
            await click(popup, "Add to queue");
          }
          await click(popup, "Push all (5)");
          await popup.waitForFunction(() => document.body.dataset.queue === "finished", { timeout: 180_000 });
          const states = await popup.$$eval("#queue-list .queue-status", (els) => els.map((e) => e.dataset.state));
          assert.deepEqual(states, ["done", "done", "done", "done", "done"]);
          for (const id of used) assert.equal((await notesFor(ehr, id)).length, 1, `one note on patient ${id}`);
        });

        test("500, then 503, then 201: the open popup shows one receipt within 10 s with no click; one note created", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          await popup.waitForSelector("#push:not([disabled])", { timeout: 20_000 });
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "status", status: 500 });
          await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "status", status: 503 });
          await sandbox.admin.clearRequests();
          const clicked = Date.now();
          await click(popup, `Push to ${ehr.name}`);
          // The wait is said as it happens, with Retry there all along.
          await popup.waitForFunction((name) => document.getElementById("push-status").textContent.startsWith(`${name} didn't answer: trying again in`)
            && !document.getElementById("push-retry").hidden, { timeout: 10_000 }, ehr.name);
          await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: Math.max(1, 10_000 - (Date.now() - clicked)) });
          assert.ok(Date.now() - clicked < 10_000, "the receipt showed within 10 s");
          assert.equal(await popup.$eval("#receipt", (e) => e.hidden), false);
          assert.equal(await creates(ehr), 3, "500, 503, then the one that created the note");
          await sleep(1000);
          assert.equal(live(await notesFor(ehr, patientId)).length, 1, "exactly one note");
        });

        test("the browser closes with three pushes unfinished: the created one shows as pushed, each other lands once on Resume push", {
          skip: kind === "chromium" ? false
            : "the Firefox harness installs the extension as a temporary add-on on a throwaway profile (BiDi webExtension.install): a restart on the same profile would not have it",
        }, async () => {
          const sessions = [ehr.session, ...["s-1001", "s-1002", "s-1004"].filter((x) => x !== ehr.session)].slice(0, 3);
          const patients = [];
          // The EHR is down: every request fails; the first push's note is created before its 503.
          for (const [n, id] of sessions.entries()) {
            const { popup } = await open(session(id));
            patients.push(await choosePatient(popup, ehr.patient));
            await confirmPatient(popup);
            if (n === 0) await sandbox.admin.fault({ ...ehr.create, count: 1, kind: "status_after", status: 503 });
            // Down: every request, sending and looking for notes alike.
            await sandbox.admin.fault({ path: ehr.api, count: 1000, kind: "status", status: 503 });
            await click(popup, `Push to ${ehr.name}`);
            // Three sessions of one patient: the later ones link to an appointment the first
            // push's note already fills, and are asked about it first (pushed anyway here).
            await popup.waitForFunction(() => !document.getElementById("confirm-box").hidden
              || document.body.dataset.push !== "sending", { timeout: 30_000 });
            if (!(await popup.$eval("#confirm-box", (e) => e.hidden))) await popup.click("#confirm-yes");
            // Past the worker's quick retries: waiting for the alarm.
            await popup.waitForFunction(() => /trying again automatically/.test(document.getElementById("push-status").textContent), { timeout: 30_000 })
              .catch(async (e) => {
                const log = (await sandbox.admin.requests()).slice(-12).map((r) => `${r.method} ${r.path} ${r.status ?? ""}`).join("; ");
                throw new Error(`${e.message}: ${await popup.evaluate(() => `${document.body.dataset.push} | ${document.getElementById("push-status").textContent} | ${document.getElementById("push-error").textContent}`)} | ${log}`);
              });
            await sandbox.admin.clearFaults();
            await popup.close();
          }
          assert.equal(live(await notesFor(ehr, patients[0])).length, 1, "the first was created before its 503");
          for (const p of opened.splice(0)) await p.close().catch(() => {});
          await sandbox.admin.clearRequests();
          await s.restart();

          // Start-up looks for each push in the EHR first.
          const { popup } = await open(session(sessions[1]));
          await popup.waitForFunction(() => document.querySelectorAll("#job-list li").length === 2
            && [...document.querySelectorAll("#job-list .job-state")].every((e) => /Not finished when the browser closed/.test(e.textContent)), { timeout: 30_000 });
          await popup.waitForFunction((name) => /before the browser closed/.test(document.getElementById("recent-list").textContent), { timeout: 30_000 }, ehr.name);
          assert.ok(await popup.$("#job-list a[href]"), "Open the Motics session");
          assert.equal(await creates(ehr), 0, "the created one was found, not sent again");

          // Its own session offers Resume push, for the patient the EHR has under that id.
          await popup.waitForSelector("#resume:not([hidden]) #resume-list button:not([disabled])", { timeout: 20_000 });
          assert.match(await popup.$eval("#resume-list", (e) => e.textContent), new RegExp(`id ${patients[1]}`));
          await popup.click("#resume-list button");
          await popup.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
          assert.equal(await creates(ehr), 1);

          // The third note was edited since: the new preview, confirmed, is a new push.
          const third = await s.openWebPage(session(sessions[2]));
          opened.push(third);
          await third.$eval("[data-motics-note]", (e) => e.append(Object.assign(document.createElement("p"), { textContent: "Edited after the restart." })));
          const again = await s.openPopup(third);
          opened.push(again);
          await again.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
          await again.waitForSelector("#resume:not([hidden]) #resume-list button:not([disabled])", { timeout: 20_000 });
          await again.click("#resume-list button");
          await again.waitForFunction(() => /The note changed since/.test(document.getElementById("resume-list").textContent), { timeout: 20_000 });
          assert.equal(await creates(ehr), 1, "nothing sent for a changed note");
          await again.waitForFunction(() => !document.getElementById("patient-card").hidden, { timeout: 20_000 });
          await confirmPatient(again);
          assert.match(await again.$eval("#preview", (e) => e.textContent), /Edited after the restart/);
          await click(again, `Push to ${ehr.name}`);
          await again.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
          await again.waitForFunction(() => document.getElementById("jobs").hidden, { timeout: 10_000 });
          assert.equal(await creates(ehr), 2);
          await sleep(1000);
          for (const id of new Set(patients)) {
            const ours = live(await notesFor(ehr, id));
            assert.equal(ours.length, patients.filter((p) => p === id).length, `one note per push for ${id}`);
          }
        });

        test("offline: the push waits with Retry, and Retry lands it once", async () => {
          const { popup } = await open(session());
          const patientId = await choosePatient(popup, ehr.patient);
          // Every connection fails before the EHR reads anything (as when the network is down).
          await sandbox.admin.fault({ path: ehr.api, count: 100, kind: "drop_before" });
          await pushAndWait(ehr, popup, ["retry_wait", "failed"]);
          assert.match(await popup.$eval("#push-error", (e) => e.textContent), /Couldn't reach the EHR|offline/);
          assert.equal((await notesFor(ehr, patientId)).length, 0);
          await sandbox.admin.clearFaults();
          await click(popup, `Retry now: the ${ehr.name} push`);
          const notes = await waitForNotes(ehr, patientId, 1, 20_000);
          assert.equal(notes.length, 1);
        });
      });
    }

    describe("Cliniko only", () => {
      const cliniko = EHRS.find((e) => e.id === "cliniko");
      beforeEach(() => cliniko.connect(s, sandbox));

      test("what Cliniko holds: title, draft, template, allowed tags, author; the receipt opens the patient", async () => {
        const { tab, popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
        const patientId = await choosePatient(popup, "Margaret O'Brien");
        const title = await popup.$eval("#note-title", (e) => e.value);
        const draft = await popup.$eval("#as-draft", (e) => e.checked);
        const templateId = await popup.$eval("#note-template", (e) => e.value);
        assert.equal(await pushAndWait(cliniko, popup), "done");
        const link = await popup.$eval("#receipt-link", (a) => a.href);
        assert.ok(link.includes(`.cliniko.com/patients/${patientId}`), link);
        const [note] = await notesFor(cliniko, patientId);
        assert.equal(note.title, title);
        assert.equal(note.draft, draft);
        if (templateId) assert.equal(String(note.treatment_note_template_id ?? note.template_id), templateId);
        const html = cliniko.text(note);
        assert.ok(tagsIn(html).every((t) => ALLOWED_TAGS.has(t)), `allowed tags only: ${[...new Set(tagsIn(html))]}`);
        assert.ok(!/[\n\t]/.test(html));
        const author = await tab.$eval("[data-motics-note]", (e) => e.dataset.author);
        assert.ok(html.includes(`Written by ${author}`), "the author is in the note");
        // The receipt link opens the patient in the clinic's Cliniko.
        const page = await s.openWebPage(link);
        assert.ok((await page.content()).includes(patientId));
        await page.close();
      });

        test("the title check runs while the preview is read: the click sends only the POST", async () => {
          const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
          const patientId = await choosePatient(popup, "Margaret O'Brien");
          await popup.waitForFunction(() => document.body.dataset.preflight === "clear", { timeout: 20_000 });
          const listsOf = async () => (await sandbox.admin.requests())
            .filter((r) => r.method === "GET" && r.path === `/v1/patients/${patientId}/treatment_notes`);
          assert.equal((await listsOf()).length, 1, "the preflight asked Cliniko once");
          await sandbox.admin.clearRequests();
          assert.equal(await pushAndWait(cliniko, popup), "done");
          await popup.waitForFunction(() => document.getElementById("receipt").dataset.check === "done", { timeout: 15_000 });
          const sent = (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com"));
          assert.equal(sent.filter((r) => r.method === "POST").length, 1);
          // No title GET at the click: the one list after the POST is the check for resent copies.
          assert.equal((await listsOf()).length, 1, sent.map((r) => `${r.method} ${r.path}`).join(", "));
          const post = sent.findIndex((r) => r.method === "POST");
          assert.ok(sent.slice(0, post).every((r) => !r.path.endsWith("/treatment_notes")), "nothing listed before the POST");
          assert.equal((await notesFor(cliniko, patientId)).length, 1);
        });
        test("429 → waits for the reset → lands once", async () => {
          const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
          const patientId = await choosePatient(popup, "Margaret O'Brien");
          await sandbox.admin.config({ rate_limit: { limit: 2, window_s: 4 } });
          const state = await pushAndWait(cliniko, popup, ["done", "retry_wait", "queued"]);
          const notes = await waitForNotes(cliniko, patientId, 1);
          assert.equal(notes.length, 1, `landed once (first state ${state})`);
          await sandbox.admin.config({ rate_limit: { limit: 200, window_s: 60 } });
          await sleep(1000);
          assert.equal(live(await notesFor(cliniko, patientId)).length, 1);
        });
        test("422: Cliniko's field errors are shown and nothing is retried", async () => {
          const added = await sandbox.admin.addPatient({ account: sandbox.accounts[0].subdomain, first_name: "Archie", last_name: "Vedmore", archived: true, archived_at: "2024-01-01T00:00:00Z" });
          const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
          const patientId = await choosePatient(popup, "Archie Vedmore", { archived: true });
          assert.equal(patientId, String(added.id));
          await click(popup, "I've checked: this is the right patient");
          assert.equal(await pushAndWait(cliniko, popup, ["failed"]), "failed");
          assert.match(await popup.$eval("#push-error", (e) => e.textContent), /refused the note: .*patient/i);
          await sleep(1500);
          assert.equal((await notesFor(cliniko, patientId)).length, 0);
        });
        test("the service worker is stopped while a push waits to retry: the alarm resumes it, once", {
          skip: kind === "chromium" ? false : "Firefox's background is an event page, not a service worker (native tests stop the worker mid-job)",
        }, async () => {
          const { popup } = await open(`${sandbox.motics_url}/sessions/s-1001`);
          const patientId = await choosePatient(popup, "Margaret O'Brien");
          // Down through the worker's quick retries too (about 1 s and 4 s after the first).
          await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 3, kind: "status", status: 503 });
          assert.equal(await pushAndWait(cliniko, popup, ["retry_wait"]), "retry_wait");
          await popup.waitForFunction(() => /trying again automatically/.test(document.getElementById("push-status").textContent), { timeout: 20_000 });
          await popup.close();
          await s.stopBackground();
          // Nothing else wakes the worker: the outbox alarm must (the first retry is due within about 30 s).
          const notes = await waitForNotes(cliniko, patientId, 1, 120_000);
          assert.equal(notes.length, 1);
          await sleep(1000);
          assert.equal((await notesFor(cliniko, patientId)).length, 1, "exactly one");
        });
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
