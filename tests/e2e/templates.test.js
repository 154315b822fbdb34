// "Automatic" template choice, end to end against the sandbox: a SOAP note lands in the clinic's
// SOAP template section by section (checked in the request Cliniko received), the popup says which
// template and why, and once the clinician picks another template for such a note, the next note
// with the same sections goes there.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, resetExtension } from "./lib/flows.js";
import { byName, click, fill } from "./lib/ui.js";

/** Visible text of an HTML answer (Cliniko's sanitised paragraph HTML). */
const plain = (html) => (html ?? "").replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/&gt;/g, ">").replace(/&lt;/g, "<");

for (const kind of BROWSERS) {
  describe(`templates: Automatic picks the template that fits (${kind})`, () => {
    let sandbox, s, ids;
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
      await resetExtension(s);
      await connectCliniko(s, sandbox);
      // The clinic's templates by name (never by seeded id).
      const list = (await clinikoGet(sandbox, sandbox.keys.practitioner, "/treatment_note_templates?per_page=100")).treatment_note_templates;
      const named = (name) => list.find((t) => t.name === name && !t.archived_at)?.id;
      ids = { soap: named("SOAP Note"), progress: named("Progress Note") };
      assert.ok(ids.soap && ids.progress, "the clinic has a SOAP and a Progress template");
    });

    async function open(session) {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/${session}`);
      opened.push(popup, tab);
      await popup.waitForSelector("#template-why:not([hidden])", { timeout: 20_000 });
      return popup;
    }
    async function choosePatient(popup, query) {
      await fill(popup, "Search patients", query);
      await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
      await popup.click("#patient-results [role=option]");
      await popup.waitForSelector("#patient-card:not([hidden])");
      if (!(await popup.$eval("#mismatch", (e) => e.hidden))) await click(popup, "I've checked: this is the right patient");
    }
    /** Push, and return the body of the one POST /treatment_notes Cliniko received for it. */
    async function pushAndReadBody(popup) {
      await sandbox.admin.clearRequests();
      await click(popup, "Push to Cliniko");
      await popup.waitForFunction(() => ["done", "error", "failed"].includes(document.body.dataset.push), { timeout: 60_000 });
      assert.equal(await popup.$eval("body", (b) => b.dataset.push), "done", await popup.$eval("#push-error", (e) => e.textContent));
      const posts = (await sandbox.admin.requests()).filter((r) => r.method === "POST" && r.path === "/v1/treatment_notes");
      assert.equal(posts.length, 1, "one POST");
      return JSON.parse(posts[0].body);
    }
    /** Choose a template in the picker named "Treatment note template", as a person would. */
    async function pickTemplate(popup, id) {
      const found = await byName(popup, "Treatment note template");
      // Firefox's accessibility locator can return the <label> that names the field: use its control.
      const select = await found.evaluateHandle((e) => e.control ?? e);
      await select.select(id);
    }
    const templateText = (popup) => popup.evaluate(() => ({
      option: document.getElementById("note-template").options[0].textContent,
      value: document.getElementById("note-template").value,
      why: document.getElementById("template-why").textContent,
    }));

    test("a SOAP note goes into the SOAP template section by section; after the clinician picks Progress once, the next one goes there", async () => {
      // 1. Automatic: the SOAP template, and the popup says why.
      let popup = await open("s-1001");
      let shown = await templateText(popup);
      assert.equal(shown.value, "", "the setting is Automatic");
      assert.equal(shown.option, "Automatic: SOAP Note");
      assert.equal(shown.why, "SOAP Note: 4 of 4 sections matched");
      await choosePatient(popup, "Margaret O'Brien");
      let body = await pushAndReadBody(popup);
      assert.equal(body.treatment_note_template_id, ids.soap);
      const sections = body.content.sections;
      assert.deepEqual(sections.map((x) => x.name), ["Subjective", "Objective", "Assessment", "Plan"]);
      const answer = (name) => plain(sections.find((x) => x.name === name).questions.find((q) => q.type === "paragraph").answer);
      assert.match(answer("Subjective"), /lower back pain.*three weeks/);
      assert.doesNotMatch(answer("Subjective"), /Red flags|Manual therapy/, "no other section's text");
      assert.match(answer("Objective"), /Range of motion/);
      assert.match(answer("Objective"), /Palpation/, "the small heading stays in its section");
      assert.match(answer("Assessment"), /Red flags screened & clear/);
      assert.doesNotMatch(answer("Assessment"), /three weeks|Manual therapy/);
      assert.match(answer("Plan"), /Manual therapy.*Review in 2 weeks.*Pushed from Motics/);
      assert.doesNotMatch(answer("Plan"), /^\s*Plan\b/, "a matched heading is the section's own name, not repeated");

      // 2. The clinician picks the Progress template instead, one click away in the popup.
      popup = await open("s-1003");
      assert.equal((await templateText(popup)).option, "Automatic: SOAP Note");
      await choosePatient(popup, "Aroha");
      await pickTemplate(popup, ids.progress);
      await popup.waitForFunction(() => document.getElementById("template-why").textContent.startsWith("Progress Note:"));
      body = await pushAndReadBody(popup);
      assert.equal(body.treatment_note_template_id, ids.progress);

      // What was learned is a template id and a hash of the headings: no note text.
      const stored = await popup.evaluate(async () => JSON.stringify(await (globalThis.browser ?? globalThis.chrome).storage.local.get("templates.learned")));
      assert.ok(stored.includes(ids.progress), stored);
      assert.doesNotMatch(stored, /Subjective|ankle|sprain/i, stored);

      // 3. The next SOAP note of this clinic (another session, another format) goes to Progress.
      popup = await open("s-1002");
      shown = await templateText(popup);
      assert.equal(shown.value, "", "still Automatic");
      assert.equal(shown.option, "Automatic: Progress Note");
      assert.equal(shown.why, "Progress Note: your choice last time for a note with these sections");
      await choosePatient(popup, "James Smith");
      body = await pushAndReadBody(popup);
      assert.equal(body.treatment_note_template_id, ids.progress);
      const [only] = body.content.sections;
      assert.equal(body.content.sections.length, 1);
      const all = plain(only.questions.find((q) => q.type === "paragraph").answer);
      for (const text of ["Subjective", "right shoulder pain", "Objective", "Assessment", "Plan", "Isometrics"]) {
        assert.ok(all.includes(text), `"${text}" is in the Progress note`);
      }
    });

    test("a section that fits nothing keeps its heading in the catch-all; questions a note can't answer are named before the push", async () => {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1001`);
      opened.push(popup, tab);
      // The clinician added a section Motics doesn't make: reopen the popup on the edited note.
      await tab.evaluate(() => document.querySelector("[data-motics-note]").insertAdjacentHTML("beforeend", "<h2>Goals</h2><p>Back to netball by June.</p>"));
      await popup.close();
      const again = await s.openPopup(tab);
      opened.push(again);
      await again.waitForSelector("#template-why:not([hidden])", { timeout: 20_000 });
      assert.equal((await templateText(again)).why, "SOAP Note: 4 of 5 sections matched. The others go into “Subjective”, each under its own heading.");
      // A template with a date, checkboxes and radio buttons: never automatic; picked by hand, it is named.
      const initial = (await clinikoGet(sandbox, sandbox.keys.practitioner, "/treatment_note_templates")).treatment_note_templates.find((t) => t.name === "Initial Assessment");
      await pickTemplate(again, initial.id);
      await again.waitForFunction(() => document.getElementById("template-why").classList.contains("warning"));
      assert.match((await templateText(again)).why, /Initial Assessment also asks Onset date, Areas affected, Side, which the note can't answer/);
      await pickTemplate(again, "");
      await choosePatient(again, "Margaret O'Brien");
      const body = await pushAndReadBody(again);
      assert.equal(body.treatment_note_template_id, ids.soap);
      const subjective = plain(body.content.sections[0].questions[0].answer);
      assert.match(subjective, /three weeks.*Goals.*Back to netball by June/, subjective);
    });

    test("Settings can forget the learned choices", async () => {
      let popup = await open("s-1001");
      await choosePatient(popup, "Margaret O'Brien");
      await pickTemplate(popup, ids.progress);
      await pushAndReadBody(popup);
      const options = await s.openExtensionPage("options.html");
      opened.push(options);
      await options.waitForFunction(() => /remembers 1 template choice/.test(document.getElementById("template-choices-status").textContent), { timeout: 20_000 });
      await click(options, "Forget learned template choices");
      await options.waitForFunction(() => document.getElementById("template-choices-status").textContent === "No learned template choices.");
      popup = await open("s-1003");
      assert.equal((await templateText(popup)).option, "Automatic: SOAP Note");
    });
  });
}
