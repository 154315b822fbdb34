// Finding the right patient: each query kind, same-name patients, archived toggle, phone scan with
// progress and Cancel, stale results never shown, the mismatch warning, and pre-selection per session.
// Targets are looked up through the sandbox's Cliniko API, never hard-coded.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, texts } from "./lib/flows.js";
import { click, fill } from "./lib/ui.js";

const q = (...filters) => filters.map((f) => `q[]=${encodeURIComponent(f)}`).join("&");

for (const kind of BROWSERS) {
  describe(`find the right patient (${kind})`, () => {
    let sandbox, s, key;
    const opened = [];
    before(async () => {
      sandbox = await startSandbox();
      key = sandbox.keys.practitioner;
      s = await launch(kind, sandbox);
      await connectCliniko(s, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      for (const p of opened.splice(0)) await p.close().catch(() => {});
      await sandbox.admin.clearFaults();
    });

    async function open(url = `${sandbox.motics_url}/variants/article`) {
      const { tab, popup } = await popupOn(s, url);
      opened.push(popup, tab);
      return popup;
    }
    async function search(popup, query) {
      await fill(popup, "Search patients", query);
      // Wait for the answer to this query (not an intermediate one typed on the way).
      await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q,
        { timeout: 20_000 }, query);
      return texts(popup, "#patient-results [role=option]");
    }
    const patientsWhere = async (...filters) => (await clinikoGet(sandbox, key, `/patients?${q(...filters)}&per_page=100`)).patients;

    test("a name finds the patient with at most 3 requests; apostrophes work", async () => {
      const [target] = await patientsWhere("last_name:=O'Brien", "first_name:=Margaret");
      const popup = await open();
      await sandbox.admin.clearRequests();
      const options = await search(popup, "Margaret O'Brien");
      assert.ok(options.some((o) => o.includes(`Cliniko ID ${target.id}`)), JSON.stringify(options));
      const log = (await sandbox.admin.requests()).filter((r) => r.path.startsWith("/v1/patients"));
      assert.ok(log.length >= 1 && log.length <= 3, `${log.length} requests`);
    });

    test("same-name patients are told apart by date of birth and id", async () => {
      const smiths = await patientsWhere("first_name:=James", "last_name:=Smith");
      assert.ok(smiths.length >= 3);
      const popup = await open();
      const options = (await search(popup, "James Smith")).filter((o) => /^James\b.*\bSmith/.test(o));
      assert.ok(options.length >= smiths.length, JSON.stringify(options));
      for (const p of smiths) assert.ok(options.some((o) => o.includes(`Cliniko ID ${p.id}`)));
      assert.equal(new Set(options.map((o) => /Born ([\d/]+)/.exec(o)?.[1])).size, options.length, "distinct DOBs shown");
    });

    test("a date of birth in the browser's day-first format finds the patient", async () => {
      const [target] = (await patientsWhere("first_name:=James", "last_name:=Smith")).filter((p) => p.date_of_birth);
      const [y, m, d] = target.date_of_birth.split("-");
      const popup = await open();
      const options = await search(popup, `${d}/${m}/${y}`);
      assert.ok(options.some((o) => o.includes(`Cliniko ID ${target.id}`)), JSON.stringify(options));
    });

    test("an email finds the patient", async () => {
      const target = (await patientsWhere("email:~@")).find((p) => p.email);
      const popup = await open();
      const options = await search(popup, target.email.toUpperCase());
      assert.ok(options.some((o) => o.includes(`Cliniko ID ${target.id}`)), JSON.stringify(options));
    });

    test("a Cliniko id (above 2^53) finds exactly that patient, id kept as a string", async () => {
      const target = (await patientsWhere("last_name:~son")).find((p) => BigInt(p.id) > 2n ** 53n);
      const popup = await open();
      const options = await search(popup, target.id);
      assert.equal(options.length, 1, JSON.stringify(options));
      assert.ok(options[0].includes(`Cliniko ID ${target.id}`));
    });

    test("a phone number scans with progress and finds the patient in another format", async () => {
      // A patient a few pages in (sorted by created_at, as the scan reads them).
      const page3 = (await clinikoGet(sandbox, key, "/patients?sort=created_at&per_page=100&page=3")).patients;
      const target = page3.find((p) => (p.patient_phone_numbers ?? []).some((n) => /^0?4/.test(n.number.replace(/\D/g, "").replace(/^61/, "0"))));
      const digits = target.patient_phone_numbers[0].number.replace(/\D/g, "").replace(/^61/, "").replace(/^0/, "");
      const popup = await open();
      await fill(popup, "Search patients", `+61 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`);
      await popup.waitForSelector("#phone-scan:not([hidden])", { timeout: 10_000 });
      await popup.waitForFunction((id) => [...document.querySelectorAll("#patient-results [role=option]")]
        .some((o) => o.textContent.includes(`Cliniko ID ${id}`)), { timeout: 60_000 }, target.id);
    });

    test("a phone scan can be cancelled", async () => {
      const popup = await open();
      await sandbox.admin.fault({ method: "GET", path: "/v1/patients*", count: 50, kind: "delay", delay_ms: 400 });
      await fill(popup, "Search patients", "0499 000 111");
      await popup.waitForSelector("#phone-scan:not([hidden])", { timeout: 10_000 });
      await click(popup, "[name=\"Cancel\"][role=\"button\"]");
      await popup.waitForSelector("#phone-scan[hidden]");
      assert.match(await popup.$eval("#patient-search-status", (e) => e.textContent), /cancelled/);
      const before = (await sandbox.admin.requests()).length;
      await new Promise((r) => setTimeout(r, 1500));
      const after = (await sandbox.admin.requests()).length;
      assert.ok(after - before <= 1, `requests kept going after Cancel: ${after - before}`);
    });

    test("archived patients are hidden unless Include archived is ticked, and marked", async () => {
      const [target] = await patientsWhere("archived_at:>2000-01-01T00:00:00Z");
      assert.ok(target, "the sandbox has archived patients");
      const popup = await open();
      const name = `${target.first_name} ${target.last_name}`;
      let options = await search(popup, name);
      assert.ok(!options.some((o) => o.includes(target.id)), "hidden by default");
      await popup.click("#include-archived");
      await popup.waitForFunction((id) => [...document.querySelectorAll("#patient-results [role=option]")]
        .some((o) => o.textContent.includes(id)), { timeout: 20_000 }, target.id);
      options = await texts(popup, "#patient-results [role=option]");
      assert.ok(options.find((o) => o.includes(target.id)).includes("archived"));
    });

    test("a slow first query never replaces the newer query's results", async () => {
      const popup = await open();
      await sandbox.admin.fault({ method: "GET", path: "/v1/patients*", count: 1, kind: "delay", delay_ms: 2500 });
      await fill(popup, "Search patients", "Smith");
      await new Promise((r) => setTimeout(r, 600)); // the first query is now in flight (debounced)
      const options = await search(popup, "Margaret O'Brien");
      const status = await popup.$eval("#patient-search-status", (e) => e.textContent);
      assert.ok(options.length > 0 && options.every((o) => !/^\S+ Smith/.test(o)), `${status} ${JSON.stringify(options)}`);
      await new Promise((r) => setTimeout(r, 2500));
      const later = await texts(popup, "#patient-results [role=option]");
      assert.deepEqual(later, options, "the late Smith results were dropped");
    });

    test("choosing someone the Motics page doesn't name needs an explicit confirmation", async () => {
      const popup = await open(`${sandbox.motics_url}/sessions/s-1001`);
      await search(popup, "James Smith");
      await popup.click("#patient-results [role=option]");
      await popup.waitForSelector("#mismatch:not([hidden])");
      assert.match(await popup.$eval("#mismatch-text", (e) => e.textContent), /Motics page is for .*O'Brien/);
      assert.equal(await popup.$eval("#push", (b) => b.disabled), true);
      await click(popup, "I've checked: this is the right patient");
      await popup.waitForFunction(() => !document.getElementById("push").disabled);
    });

    test("the patient the page names needs no confirmation", async () => {
      const popup = await open(`${sandbox.motics_url}/sessions/s-1001`);
      await search(popup, "Margaret O'Brien");
      await popup.click("#patient-results [role=option]");
      await popup.waitForSelector("#patient-card:not([hidden])");
      assert.equal(await popup.$eval("#mismatch", (e) => e.hidden), true);
      assert.equal(await popup.$eval("#push", (b) => b.disabled), false);
    });

    test("a pre-selection belongs to its session only", async () => {
      const recording = `${sandbox.motics_url}/sessions/s-1005`;
      const patientName = (await (await s.openWebPage(recording)).$eval("[data-testid=patient-name]", (e) => e.textContent)).trim();
      let popup = await open(recording);
      await search(popup, patientName);
      await popup.click("#patient-results [role=option]");
      await popup.waitForSelector("#patient-card:not([hidden])");
      await popup.close();
      // Another session's tab: nothing pre-selected.
      popup = await open(`${sandbox.motics_url}/sessions/s-1002`);
      assert.equal(await popup.$eval("#patient-card", (e) => e.hidden), true);
      await popup.close();
      // Back on the recording session: pre-selected.
      popup = await open(recording);
      await popup.waitForSelector("#patient-card:not([hidden])");
      assert.ok((await popup.$eval("#patient-card-name", (e) => e.textContent)).length > 0);
      assert.equal(await popup.$eval("#patient-card-preselected", (e) => e.hidden), false);
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
