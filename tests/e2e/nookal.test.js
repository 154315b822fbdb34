// Nookal in the extension, end to end against the sandbox's Nookal v2, in both browsers: the options
// section (key, practitioner choice, failure envelopes, removal), and the popup's Nookal pieces
// (search, case choice and creation, push, read-back, garble report, duplicate guard, a dropped
// connection). The popup pieces (extension/popup/nookal.js + the shared PatientPicker) are mounted
// in an extension page with popup.html's own patient markup, so this suite does not depend on how
// popup.js arranges them.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch, consoleLines, sendFromExtensionPage } from "./lib/browser.js";
import { resetExtension } from "./lib/flows.js";
import { click, fill } from "./lib/ui.js";

const READY = 'body[data-core="ready"]';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Call the sandbox's Nookal directly (test-side lookups), form-encoded like the SDK. */
function nookal(sandbox, method, params = {}) {
  const body = new URLSearchParams({ api_key: sandbox.keys.nookal, ...params }).toString();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "127.0.0.1", port: sandbox.port, method: "POST", path: `/production/v2/${method}`,
      servername: "api.nookal.com", rejectUnauthorized: false,
      headers: { host: "api.nookal.com", "content-type": "application/x-www-form-urlencoded; charset=UTF-8", "content-length": Buffer.byteLength(body) },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { text += c; });
      res.on("end", () => { try { resolve(JSON.parse(text)); } catch (e) { reject(new Error(`${method}: ${text.slice(0, 200)}`)); } });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * In an extension page: popup.html's patient section, a `#nookal-section` container and a
 * "Push to Nookal" button, wired the way popup.js is asked to wire them (see the report /
 * popup/nookal.js). `tabUrl` is the Motics tab whose note is read.
 */
async function mountNookalFlow(page, tabUrl) {
  await page.evaluate(async (url) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const doc = new DOMParser().parseFromString(await (await fetch("popup.html")).text(), "text/html");
    const patientSection = document.importNode(doc.getElementById("patient-section"), true);
    const section = document.createElement("section");
    section.id = "nookal-section";
    const push = document.createElement("button");
    push.type = "button";
    push.id = "nookal-push";
    push.disabled = true;
    document.querySelector("main").replaceChildren(patientSection, section, push);
    const { localise } = await import("./lib/i18n.js");
    localise(patientSection);
    const { PatientPicker } = await import("./popup/patient.js");
    const { readTab } = await import("./popup/note.js");
    const nk = await import("./popup/nookal.js");
    push.textContent = nk.pushLabel(nk.EHR.NOOKAL);
    const [tab] = await api.tabs.query({ url });
    const reply = await readTab(tab.id);
    const prepared = await nk.prepareForNookal(reply.candidates[0]);
    let picker = null;
    const update = () => { push.disabled = !(picker?.confirmed() && panel.ready()); };
    const panel = new nk.NookalPanel(section, { onChange: update });
    picker = new PatientPicker({
      ...nk.nookalPickerOptions(),
      onChange: async (p) => { if (p !== panel.patient) await panel.setPatient(p); update(); },
    });
    picker.setPagePatient(reply.page.patient_name, reply.page.patient_dob);
    push.addEventListener("click", async () => {
      push.disabled = true;
      const outcome = await panel.push({ prepared, patient: picker.chosen });
      document.body.dataset.nookalPush = outcome.state;
      update();
    });
    globalThis.__nookalText = prepared.text;
    document.body.dataset.harness = "ready";
  }, tabUrl);
  await page.waitForSelector('body[data-harness="ready"]', { timeout: 20_000 });
}

for (const kind of BROWSERS) {
  describe(`Nookal (${kind})`, () => {
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
    /** Connect and choose the first practitioner through the background, as the options page does. */
    async function connect() {
      const st = await sendFromExtensionPage(s, { type: "connection/connect", ehr: "nookal", key: sandbox.keys.nookal });
      assert.ok(st.ok, JSON.stringify(st));
      const practitioner = st.value.connection.practitioners[0];
      const set = await sendFromExtensionPage(s, { type: "connection/set-practitioner", ehr: "nookal", practitioner_id: practitioner.id });
      assert.ok(set.ok, JSON.stringify(set));
      return practitioner;
    }
    /** The Motics tab (its note optionally replaced) and the mounted Nookal flow. */
    async function flow(session = "s-1003", html = null) {
      const url = `${sandbox.motics_url}/sessions/${session}`;
      const tab = await s.openWebPage(url);
      opened.push(tab);
      if (html) await tab.evaluate((h) => { document.querySelector("[data-motics-note]").innerHTML = h; }, html);
      const page = await options();
      await mountNookalFlow(page, url);
      return page;
    }
    async function choosePatient(page, query) {
      await fill(page, "Search patients", query);
      await page.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
      await page.click("#patient-results [role=option]");
      await page.waitForSelector("#patient-card:not([hidden])");
      const id = await page.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
      await page.waitForFunction(() => ["ready", "none", "error"].includes(document.getElementById("nookal-section").dataset.cases), { timeout: 20_000 });
      return id;
    }
    async function pushAndWait(page) {
      await page.waitForSelector("#nookal-push:not([disabled])", { timeout: 20_000 });
      await click(page, "Push to Nookal");
      await page.waitForFunction(() => ["done", "error", "cancelled"].includes(document.getElementById("nookal-section").dataset.push), { timeout: 60_000 });
      return page.$eval("#nookal-section", (e) => e.dataset.push);
    }
    const notesFor = async (patientId) => (await sandbox.admin.nookalNotes()).filter((n) => String(n.patient_id) === patientId);

    test("options: a key connects, a practitioner is required, the key is masked, Remove asks first", async () => {
      const page = await options();
      assert.equal(await page.$eval("body", (b) => b.dataset.nookal), "not_set_up");
      await saveKey(page, sandbox.keys.nookal);
      await page.waitForSelector('body[data-nookal="connected"]');
      assert.equal(await page.$eval("body", (b) => b.dataset.nookalPractitioner), "missing");
      assert.match(await page.$eval("#nookal-warning", (e) => e.textContent), /Choose the practitioner/);
      assert.equal(await page.$eval("#nookal-key", (e) => e.value), "", "the field is cleared");
      assert.ok((await page.$eval("#nookal-key-hint", (e) => e.textContent)).includes(sandbox.keys.nookal.slice(-4)));
      assert.ok(!(await page.content()).includes(sandbox.keys.nookal), "the key is never shown");
      // The lists come from the key's own getLocations / getPractitioners.
      const practitioners = (await nookal(sandbox, "getPractitioners")).data.results.practitioners;
      const locations = (await nookal(sandbox, "getLocations")).data.results.locations;
      const options_ = await page.$$eval("#nookal-practitioner option:not([disabled])", (os) => os.map((o) => o.value));
      assert.deepEqual(options_.sort(), practitioners.map((p) => String(p.ID)).sort());
      const chosen = String(practitioners[1].ID);
      await page.select("#nookal-practitioner", chosen);
      await page.waitForSelector('body[data-nookal-practitioner="chosen"]');
      assert.match(await page.$eval("#nookal-status", (e) => e.textContent), new RegExp(`notes filed under .*${practitioners[1].LastName}`));
      await page.select("#nookal-location", String(locations[0].ID));
      await page.waitForFunction(() => document.getElementById("nookal-choice-status").textContent !== "");
      const st = await sendFromExtensionPage(s, { type: "connection/status", ehr: "nookal" });
      assert.equal(st.value.connection.practitioner_id, chosen);
      assert.equal(st.value.connection.location_id, String(locations[0].ID));
      // Every Nookal call was a form-encoded POST with the key in the body (never in the URL).
      const log = await sandbox.admin.requests({ host: "api.nookal.com" });
      assert.deepEqual([...new Set(log.map((r) => r.path.split("/").pop()))].sort(), ["getLocations", "getPractitioners", "verify"]);
      for (const r of log) {
        assert.equal(r.method, "POST");
        assert.ok(!String(r.query ?? "").includes(sandbox.keys.nookal));
        assert.match(r.headers["content-type"], /application\/x-www-form-urlencoded/);
      }
      // Off and on; then Remove asks first.
      await click(page, "Nookal integration");
      await page.waitForSelector('body[data-nookal="disabled"]');
      await click(page, "Nookal integration");
      await page.waitForSelector('body[data-nookal="connected"]');
      await click(page, "Remove key for Nookal");
      await click(page, "Cancel");
      assert.equal(await page.$eval("body", (b) => b.dataset.nookal), "connected");
      await click(page, "Remove key for Nookal");
      await click(page, "Remove the Nookal key");
      await page.waitForSelector('body[data-nookal="not_set_up"]');
      // Cliniko's section is untouched by all of this.
      assert.equal(await page.$eval("body", (b) => b.dataset.cliniko), "not_set_up");
    });

    test("options: a wrong key gets the failure-envelope message and is not saved", async () => {
      const page = await options();
      await saveKey(page, "wrongkeywrongkeywrongkey1234");
      assert.match(await page.$eval("#nookal-error", (e) => e.textContent), /Nookal didn't accept this API key.*Setup → Connections → API Keys/);
      assert.equal(await page.$eval("body", (b) => b.dataset.nookal), "not_set_up");
      // Nookal answered HTTP 200 with status: failure (the envelope the message was read from).
      const [verify] = await sandbox.admin.requests({ host: "api.nookal.com" });
      assert.ok(verify.path.endsWith("/verify"));
    });

    test("options: an HTML page where JSON was expected says the API changed", async () => {
      const page = await options();
      await sandbox.admin.fault({ path: "/production/v2/verify", count: 1, kind: "html_error", status: 404 });
      await saveKey(page, sandbox.keys.nookal);
      assert.match(await page.$eval("#nookal-error", (e) => e.textContent), /web page instead of data/);
      assert.equal(await page.$eval("body", (b) => b.dataset.nookal), "not_set_up");
    });

    test("search, default case, push, read-back: one note as sent, with the garble report", async () => {
      const practitioner = await connect();
      // é and ° have ASCII forms (sent as "e" and " deg", listed in the preview's report); β and 痛
      // have none, so they are sent as UTF-8 and Nookal's double-encoding garbles them.
      const page = await flow("s-1003", "<h2>Subjective</h2><p>Café visit: 38°C, on a β-blocker; wrote 痛 for pain.</p>");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      assert.match(await page.$eval("#patient-card-id", (e) => e.textContent), /^Nookal ID \d+$/);
      // The default case is the most recent open one (as Nookal lists them).
      const cases = (await nookal(sandbox, "getCases", { patient_id: patientId })).data.results.cases ?? [];
      const checked = await page.$eval("#nookal-section", (e) => e.querySelector("input[name=nookal-case]:checked")?.value ?? null);
      if (cases.length) assert.ok(cases.some((c) => String(c.ID ?? c.id ?? c.caseID) === checked), `${checked} is one of the patient's cases`);
      const before = (await notesFor(patientId)).length;
      assert.equal(await pushAndWait(page), "done");
      const notes = await notesFor(patientId);
      assert.equal(notes.length, before + 1, "exactly one new note");
      const note = notes.at(-1);
      assert.equal(String(note.practitioner_id), String(practitioner.id));
      if (checked) assert.equal(String(note.case_id), checked);
      assert.match(note.date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      // The sandbox double-encodes (Nookal's quirk): the receipt says so and names the characters.
      assert.ok(note.notes.includes("Cafe visit"), "é went as e");
      assert.ok(note.notes.includes("Î²-blocker"), "β stored double-encoded");
      const receipt = await page.$eval("#nookal-receipt", (e) => e.textContent);
      assert.match(receipt, /Pushed to Aroha Ngāta in Nookal/);
      assert.match(receipt, /Nookal shows the note on the patient's record/);
      assert.match(receipt, /stored these characters wrongly: β 痛\./);
      assert.match(receipt, new RegExp(`Nookal note ID ${note.id}`));
      // The same push again (a second click in this popup, same push reference) is the same job, as for
      // every EHR: the receipt again, nothing sent. (A new push of the same note asks first: push.test.js.)
      await sandbox.admin.clearRequests();
      assert.equal(await pushAndWait(page), "done");
      const sent = (await sandbox.admin.requests()).filter((r) => r.path.endsWith("/addTreatmentNote"));
      assert.equal(sent.length, 0, "nothing sent again");
      assert.equal((await notesFor(patientId)).length, before + 1);
    });

    test("without double encoding the receipt reports no garbled characters", async () => {
      await sandbox.admin.config({ nookal_double_encode: false });
      await connect();
      const page = await flow("s-1003", "<p>Café visit: 38°C, on a β-blocker; wrote 痛 for pain.</p>");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      assert.equal(await pushAndWait(page), "done");
      const receipt = await page.$eval("#nookal-receipt", (e) => e.textContent);
      assert.match(receipt, /Nookal shows the note on the patient's record/);
      assert.doesNotMatch(receipt, /wrongly/);
      const [note] = (await notesFor(patientId)).slice(-1);
      assert.ok(note.notes.includes("on a β-blocker; wrote 痛 for pain"));
    });

    test("New case: asks for a title, creates the case, and the note is filed under it", async () => {
      await connect();
      const page = await flow("s-1003");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      await click(page, "New case");
      await fill(page, "Case title", "Left ankle sprain");
      await click(page, "Create case");
      await page.waitForFunction(() => /created/.test(document.querySelector("#nookal-section [role=status]").textContent), { timeout: 20_000 });
      const cases = (await nookal(sandbox, "getCases", { patient_id: patientId })).data.results.cases;
      const created = cases.find((c) => c.Title === "Left ankle sprain" || c.title === "Left ankle sprain");
      assert.ok(created, "the case is in Nookal");
      const createdId = String(created.ID ?? created.id ?? created.caseID);
      assert.equal(await page.$eval("input[name=nookal-case]:checked", (e) => e.value), createdId, "the new case is chosen");
      assert.equal(await pushAndWait(page), "done");
      assert.equal(String((await notesFor(patientId)).at(-1).case_id), createdId);
    });

    test("connection dropped after the note was created: one note, or the browser's resent copy is named in the receipt", async () => {
      await connect();
      const page = await flow("s-1003", "<p>Short review note: ankle improving.</p>");
      const patientId = await choosePatient(page, "Aroha Ngāta");
      const before = (await notesFor(patientId)).length;
      await sandbox.admin.fault({ path: "/production/v2/addTreatmentNote", count: 1, kind: "drop_after" });
      const state = await pushAndWait(page);
      if (state === "error") {
        // The push could not tell whether the note landed: Retry looks for it before sending.
        await click(page, "Retry Nookal push");
        await page.waitForFunction(() => document.getElementById("nookal-section").dataset.push === "done", { timeout: 30_000 });
      }
      await sleep(500);
      const notes = await notesFor(patientId);
      const receipt = await page.$eval("#nookal-receipt", (e) => e.textContent);
      assert.match(receipt, /Nookal shows the note/);
      if (notes.length === before + 1) {
        assert.doesNotMatch(receipt, /more than once/);
      } else {
        // The browser re-sent the POST itself after the drop (a reused keep-alive connection
        // closed before any response; both Chromium and Firefox do): two notes exist and Nookal
        // v2 cannot delete one, so the receipt must name the extra copy.
        assert.equal(notes.length, before + 2);
        const ids = notes.slice(-2).map((n) => String(n.id));
        assert.ok(ids.some((id) => receipt.includes(`also has note ID ${id}`)), receipt);
      }
    });

    test("the destination chooser remembers the choice for the Motics session", async () => {
      const page = await options();
      const scope = { session_id: "s-1003", tab_id: null, url: null };
      const mount = () => page.evaluate(async (sc) => {
        const nk = await import("./popup/nookal.js");
        let box = document.getElementById("destination-box");
        if (!box) {
          box = document.createElement("div");
          box.id = "destination-box";
          document.querySelector("main").prepend(box);
        }
        return nk.mountDestination(box, { scope: sc, onChange: (ehr) => { document.body.dataset.destination = ehr; } });
      }, scope);
      assert.equal(await mount(), "cliniko", "Cliniko until the clinician chooses");
      await click(page, "[name=\"Nookal\"][role=\"radio\"]");
      await page.waitForSelector('body[data-destination="nookal"]');
      assert.equal(await mount(), "nookal", "remembered");
      const other = await sendFromExtensionPage(s, { type: "destination/get", scope: { session_id: "s-1001" } });
      assert.equal(other.value, null, "another session starts fresh");
    });

    test("the real popup: with both EHRs on it asks where to push, and pushes to Nookal", async () => {
      await connect();
      const cliniko = await sendFromExtensionPage(s, { type: "connection/connect", ehr: "cliniko", key: sandbox.keys.practitioner });
      assert.ok(cliniko.ok);
      const url = `${sandbox.motics_url}/sessions/s-1003`;
      const tab = await s.openWebPage(url);
      opened.push(tab);
      const popup = await s.openPopup(tab);
      opened.push(popup);
      await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      const legend = await popup.$eval("#destination legend", (e) => e.textContent);
      assert.ok(legend.length > 0, "a Push to choice is shown");
      await popup.click('#destination input[value="nookal"]');
      await popup.waitForFunction(() => document.getElementById("push").textContent === "Push to Nookal");
      const patientId = await choosePatient(popup, "Aroha Ngāta");
      const before = (await notesFor(patientId)).length;
      await popup.waitForFunction(() => !document.getElementById("push").disabled, { timeout: 20_000 });
      await click(popup, "Push to Nookal");
      await popup.waitForFunction(() => ["done", "error", "cancelled"].includes(document.getElementById("nookal-section").dataset.push), { timeout: 60_000 });
      assert.equal(await popup.$eval("#nookal-section", (e) => e.dataset.push), "done");
      assert.equal((await notesFor(patientId)).length, before + 1);
      assert.equal((await sandbox.admin.notes()).filter((n) => JSON.stringify(n.content).includes("Pushed from Motics")).length, 0, "nothing went to Cliniko");
    });

    test("the outbox: a 503 on addTreatmentNote waits with Retry in the jobs list; Retry files exactly one note", async () => {
      await connect();
      const cliniko = await sendFromExtensionPage(s, { type: "connection/connect", ehr: "cliniko", key: sandbox.keys.practitioner });
      assert.ok(cliniko.ok);
      const url = `${sandbox.motics_url}/sessions/s-1003`;
      const tab = await s.openWebPage(url);
      opened.push(tab);
      const popup = await s.openPopup(tab);
      opened.push(popup);
      await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      await popup.click('#destination input[value="nookal"]');
      await popup.waitForFunction(() => document.getElementById("push").textContent === "Push to Nookal");
      const patientId = await choosePatient(popup, "Aroha Ngāta");
      const before = (await notesFor(patientId)).length;
      await sandbox.admin.fault({ path: "/production/v2/addTreatmentNote", count: 1, kind: "status", status: 503 });
      await popup.waitForFunction(() => !document.getElementById("push").disabled, { timeout: 20_000 });
      await click(popup, "Push to Nookal");
      await popup.waitForFunction(() => ["done", "error", "cancelled"].includes(document.getElementById("nookal-section").dataset.push), { timeout: 60_000 });
      assert.equal(await popup.$eval("#nookal-section", (e) => e.dataset.push), "error");
      assert.equal(await popup.$eval("#nookal-section", (e) => e.dataset.job), "retry_wait");
      assert.equal((await notesFor(patientId)).length, before, "the 503 filed nothing");
      // The job waits in the shared outbox, listed with Retry and Discard like a Cliniko push.
      await popup.waitForSelector('#jobs:not([hidden]) #job-list li[data-ehr="nookal"] button', { timeout: 20_000 });
      const line = await popup.$eval('#job-list li[data-ehr="nookal"]', (e) => e.textContent);
      assert.match(line, /\(Nookal\)/);
      // Asked from the popup itself: opening another extension page would close Chrome's popup.
      const background = (m) => popup.evaluate((msg) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(msg), m);
      const jobs = await background({ type: "jobs/list" });
      assert.equal(jobs.value.length, 1);
      assert.equal(jobs.value[0].ehr, "nookal");
      assert.equal(jobs.value[0].state, "retry_wait");
      await popup.click('#job-list li[data-ehr="nookal"] button');
      await popup.waitForSelector("#jobs[hidden]", { timeout: 30_000 });
      const after = await background({ type: "jobs/list" });
      assert.equal(after.value[0].state, "done", JSON.stringify(after.value));
      assert.equal(after.value[0].nookal.landed, true);
      await sleep(500);
      assert.equal((await notesFor(patientId)).length, before + 1, "exactly one Nookal note");
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
