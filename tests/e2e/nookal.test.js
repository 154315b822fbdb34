// What only Nookal does, end to end against the sandbox's Nookal v2, in both browsers (everything
// both EHRs do is in the suites run for each EHR: connect, search, push): the practitioner and
// location a key needs, form-encoded calls with the key in the body, the API-changed message, the
// read-back and its garble report, cases ("New case"), and the destination chooser when both EHRs
// are connected.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch, consoleLines, sendFromExtensionPage } from "./lib/browser.js";
import { popupOn, resetExtension } from "./lib/flows.js";
import { EHRS, connectionMessage, nookalCall, waitForBudgets } from "./lib/ehrs.js";
import { click, fill } from "./lib/ui.js";

const READY = 'body[data-core="ready"]';
const [cliniko, nookalEhr] = ["cliniko", "nookal"].map((id) => EHRS.find((e) => e.id === id));

const nookal = nookalCall;

for (const kind of BROWSERS) {
  describe(`Nookal only (${kind})`, () => {
    let sandbox, s;
    const opened = [];
    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
    });
    after(async () => {
      for (const key of Object.values(sandbox?.keys ?? {})) {
        assert.ok(!consoleLines.some((l) => l.includes(key)), "an API key appeared in console output");
      }
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      for (const p of opened.splice(0)) await p.close().catch(() => {});
      await waitForBudgets(sandbox);
      await sandbox.admin.reset();
      await resetExtension(s);
    });

    async function options() {
      const page = await s.openExtensionPage("options.html");
      opened.push(page);
      await page.waitForSelector(READY, { timeout: 20_000 });
      return page;
    }
    async function saveKey(page, key) {
      await fill(page, "Nookal API key", key);
      await click(page, "Save changes for Nookal");
      await page.waitForFunction(() => !document.getElementById("nookal-save").disabled
        && document.getElementById("nookal-save").textContent !== "Working…");
    }
    /** The popup on the Motics session for Aroha Ngāta (its note optionally replaced). */
    async function popup(html = null) {
      const url = `${sandbox.motics_url}/sessions/s-1003`;
      if (html) {
        // The note as Motics would show it, set before the popup reads the page.
        const tab = await s.openWebPage(url);
        opened.push(tab);
        await tab.evaluate((h) => { document.querySelector("[data-motics-note]").innerHTML = h; }, html);
        const page = await s.openPopup(tab);
        opened.push(page);
        await page.waitForSelector("body[data-note]", { timeout: 20_000 });
        return page;
      }
      const { tab, popup: page } = await popupOn(s, url);
      opened.push(page, tab);
      return page;
    }
    async function choosePatient(page, query) {
      await fill(page, "Search patients", query);
      await page.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
      await page.click("#patient-results [role=option]");
      await page.waitForSelector("#patient-card:not([hidden])");
      await page.waitForFunction(() => ["ready", "none", "error"].includes(document.getElementById("ehr-extras").dataset.cases), { timeout: 20_000 });
      return page.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
    }
    async function pushAndWait(page) {
      await page.waitForSelector("#push:not([disabled])", { timeout: 20_000 });
      await click(page, "Push to Nookal");
      await page.waitForFunction(() => ["done", "retry_wait", "needs_reconnect", "failed", "error", "cancelled"].includes(document.body.dataset.push), { timeout: 60_000 });
      const state = await page.$eval("body", (b) => b.dataset.push);
      // The read-back runs just after the reply: the receipt says what it found once it is done.
      if (state === "done") await page.waitForFunction(() => document.getElementById("receipt").dataset.check === "done", { timeout: 15_000 });
      return state;
    }
    const notesFor = (patientId) => nookalEhr.notes(sandbox, patientId);

    test("options: the practitioner and location lists come from the key; every call is a form-encoded POST", async () => {
      const page = await options();
      await saveKey(page, sandbox.keys.nookal);
      await page.waitForSelector('body[data-nookal="connected"]');
      const practitioners = (await nookal(sandbox, "getPractitioners")).data.results.practitioners;
      const locations = (await nookal(sandbox, "getLocations")).data.results.locations;
      const listed = await page.$$eval("#nookal-practitioner option:not([disabled])", (os) => os.map((o) => o.value));
      assert.deepEqual(listed.sort(), practitioners.map((p) => String(p.ID)).sort());
      const chosen = String(practitioners[1].ID);
      await page.select("#nookal-practitioner", chosen);
      await page.waitForSelector('body[data-nookal-practitioner="chosen"]');
      assert.match(await page.$eval("#nookal-status", (e) => e.textContent), new RegExp(`notes filed under .*${practitioners[1].LastName}`));
      await page.select("#nookal-location", String(locations[0].ID));
      await page.waitForFunction(() => document.getElementById("nookal-choice-status").textContent !== "");
      // The hint names every location the key covers (a missing one is then noticed).
      const names = await page.$$eval("#nookal-location option", (os) => os.slice(1).map((o) => o.textContent));
      assert.equal(names.length, locations.length);
      const hint = await page.$eval("#nookal-location-hint", (e) => e.textContent);
      for (const name of names) assert.ok(hint.includes(name), hint);
      const st = await sendFromExtensionPage(s, connectionMessage("status", "nookal"));
      const status = { ...st.value.connection, ...st.value };
      assert.equal(status.practitioner_id, chosen);
      assert.equal(status.location_id, String(locations[0].ID));
      // Every Nookal call was a form-encoded POST with the key in the body (never in the URL).
      const log = await sandbox.admin.requests({ host: "api.nookal.com" });
      assert.deepEqual([...new Set(log.map((r) => r.path.split("/").pop()))].sort(), ["getLocations", "getPractitioners", "verify"]);
      for (const r of log) {
        assert.equal(r.method, "POST");
        assert.ok(!String(r.query ?? "").includes(sandbox.keys.nookal));
        assert.match(r.headers["content-type"], /application\/x-www-form-urlencoded/);
      }
    });

    test("options: an HTML page where JSON was expected says the API changed", async () => {
      const page = await options();
      await sandbox.admin.fault({ path: "/production/v2/verify", count: 1, kind: "html_error", status: 404 });
      await saveKey(page, sandbox.keys.nookal);
      assert.match(await page.$eval("#nookal-error", (e) => e.textContent), /web page instead of data/);
      assert.equal(await page.$eval("body", (b) => b.dataset.nookal), "not_set_up");
    });

    test("default case, push, read-back: one note as sent, filed under the practitioner, with the garble report", async () => {
      const { practitioner } = await nookalEhr.connect(s, sandbox);
      // é and ° have ASCII forms (sent as "e" and " deg", listed in the preview's report); β and 痛
      // have none, so they are sent as UTF-8 and Nookal's double-encoding garbles them.
      const page = await popup("<h2>Subjective</h2><p>Café visit: 38°C, on a β-blocker; wrote 痛 for pain.</p>");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      assert.match(await page.$eval("#patient-card-id", (e) => e.textContent), /^Nookal ID \d+$/);
      // The default case is the most recent open one (as Nookal lists them).
      const cases = (await nookal(sandbox, "getCases", { patient_id: patientId })).data.results.cases ?? [];
      const checked = await page.$eval("#ehr-extras", (e) => e.querySelector("input[name=nookal-case]:checked")?.value ?? null);
      if (cases.length) assert.ok(cases.some((c) => String(c.ID ?? c.id ?? c.caseID) === checked), `${checked} is one of the patient's cases`);
      assert.equal(await pushAndWait(page), "done");
      const notes = await notesFor(patientId);
      assert.equal(notes.length, 1, "exactly one new note");
      const [note] = notes;
      assert.equal(String(note.practitioner_id), String(practitioner.id));
      if (checked) assert.equal(String(note.case_id), checked);
      assert.match(note.date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      // The sandbox double-encodes (Nookal's quirk): the receipt says so and names the characters.
      assert.ok(note.notes.includes("Cafe visit"), "é went as e");
      assert.ok(note.notes.includes("Î²-blocker"), "β stored double-encoded");
      const receipt = await page.$eval("#receipt", (e) => e.textContent);
      assert.match(receipt, /Pushed to Aroha Ngāta in Nookal/);
      assert.match(receipt, /Nookal shows the note on the patient's record/);
      assert.match(receipt, /stored these characters wrongly: β 痛\./);
      assert.match(receipt, new RegExp(`Nookal note ID ${note.id}`));
      assert.equal(await page.$eval("#receipt", (e) => e.dataset.garbled), "true");
    });

    test("without double encoding the receipt reports no garbled characters", async () => {
      await sandbox.admin.config({ nookal_double_encode: false });
      await nookalEhr.connect(s, sandbox);
      const page = await popup("<p>Café visit: 38°C, on a β-blocker; wrote 痛 for pain.</p>");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      assert.equal(await pushAndWait(page), "done");
      const receipt = await page.$eval("#receipt", (e) => e.textContent);
      assert.match(receipt, /Nookal shows the note on the patient's record/);
      assert.doesNotMatch(receipt, /wrongly/);
      const [note] = (await notesFor(patientId)).slice(-1);
      assert.ok(note.notes.includes("on a β-blocker; wrote 痛 for pain"));
    });

    test("New case: asks for a title, creates the case, and the note is filed under it", async () => {
      await nookalEhr.connect(s, sandbox);
      const page = await popup();
      const patientId = await choosePatient(page, "Aroha Ngāta");
      await click(page, "New case");
      await fill(page, "Case title", "Left ankle sprain");
      await click(page, "Create case");
      await page.waitForFunction(() => /created/.test(document.querySelector("#ehr-extras [role=status]").textContent), { timeout: 20_000 });
      const cases = (await nookal(sandbox, "getCases", { patient_id: patientId })).data.results.cases;
      const created = cases.find((c) => c.Title === "Left ankle sprain" || c.title === "Left ankle sprain");
      assert.ok(created, "the case is in Nookal");
      const createdId = String(created.ID ?? created.id ?? created.caseID);
      assert.equal(await page.$eval("input[name=nookal-case]:checked", (e) => e.value), createdId, "the new case is chosen");
      assert.equal(await pushAndWait(page), "done");
      assert.equal(String((await notesFor(patientId)).at(-1).case_id), createdId);
    });

    test("with both EHRs on, the popup asks where to push, remembers it for the session, and pushes to Nookal only", async () => {
      await nookalEhr.connect(s, sandbox);
      await cliniko.connect(s, sandbox);
      let page = await popup();
      assert.ok((await page.$eval("#destination legend", (e) => e.textContent)).length > 0, "a Push to choice is shown");
      assert.equal(await page.$eval("#push", (e) => e.textContent), "Push to Cliniko", "Cliniko until the clinician chooses");
      await click(page, '[name="Nookal"][role="radio"]');
      await page.waitForFunction(() => document.getElementById("push").textContent === "Push to Nookal");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      assert.equal(await pushAndWait(page), "done");
      assert.equal((await notesFor(patientId)).length, 1);
      assert.equal((await sandbox.admin.notes()).filter((n) => JSON.stringify(n.content).includes("Pushed from Motics")).length, 0, "nothing went to Cliniko");
      // The same Motics session opens on Nookal again; another session starts fresh.
      await page.close();
      page = await popup();
      await page.waitForFunction(() => document.getElementById("push").textContent === "Push to Nookal");
      const other = await sendFromExtensionPage(s, { type: "destination/get", scope: { session_id: "s-1001" } });
      assert.equal(other.value, null, "another session starts fresh");
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
