// Finding the right patient: each kind of query (name, date of birth in the browser's order — two
// locales —, email, phone, id) and Include archived, one body run for every EHR in both browsers;
// then what the search box does for any query (same names, Cancel, stale answers, the mismatch
// warning, pre-selection). Targets are looked up through the sandbox's own EHR APIs, never hard-coded.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { popupOn, texts } from "./lib/flows.js";
import { EHRS, waitForBudgets } from "./lib/ehrs.js";
import { click, fill } from "./lib/ui.js";

const q = (...filters) => filters.map((f) => `q[]=${encodeURIComponent(f)}`).join("&");
/** A browser whose language writes dates day first, and one that writes them month first. */
const LOCALES = [{ locale: "en-AU", order: (y, m, d) => `${d}/${m}/${y}` }, { locale: "en-US", order: (y, m, d) => `${m}/${d}/${y}` }];

for (const kind of BROWSERS) {
  describe(`find the right patient (${kind})`, () => {
    let sandbox, s;
    const opened = [];
    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
      for (const ehr of EHRS) await ehr.connect(s, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      for (const p of opened.splice(0)) await p.close().catch(() => {});
      await waitForBudgets(sandbox);
      await sandbox.admin.clearFaults();
    });

    /** The popup on a Motics page, pointed at `ehr` (both EHRs are connected: choose where to push). */
    async function open(url = `${sandbox.motics_url}/variants/article`, ehr = EHRS[0], session = s) {
      const { tab, popup } = await popupOn(session, url);
      opened.push(popup, tab);
      if ((await popup.$eval("#push", (b) => b.textContent)) !== `Push to ${ehr.name}`) {
        await click(popup, `[name="${ehr.name}"][role="radio"]`);
        await popup.waitForFunction((n) => document.getElementById("push").textContent === `Push to ${n}`, {}, ehr.name);
      }
      return popup;
    }
    async function search(popup, query) {
      await fill(popup, "Search patients", query);
      // Wait for the answer to this query (not an intermediate one typed on the way).
      await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q,
        { timeout: 60_000 }, query);
      return texts(popup, "#patient-results [role=option]");
    }
    const clinikoWhere = async (...filters) => (await clinikoGet(sandbox, sandbox.keys.practitioner, `/patients?${q(...filters)}&per_page=100`)).patients;
    const shows = (options, ehr, p) => options.some((o) => o.includes(`${ehr.name} ID ${p.id}`));

    for (const ehr of EHRS) {
      describe(ehr.name, () => {
        let patients;
        before(async () => { patients = await ehr.patients(sandbox); });
        /** A patient whose name only they have (so the answer must be them). */
        const unique = (has) => patients.find((p) => has(p) && patients.filter((o) => o.first_name === p.first_name && o.last_name === p.last_name).length === 1);

        test("a name finds the patient, in at most 3 requests", async () => {
          const target = patients.find((p) => `${p.first_name} ${p.last_name}` === ehr.patient);
          const popup = await open(undefined, ehr);
          // The diary loads as the popup opens (its own requests, shown in its own list): counted apart.
          await popup.waitForFunction(() => ["ready", "error", "needs_practitioner"].includes(document.getElementById("appointments")?.dataset.state ?? "ready"), { timeout: 30_000 });
          await sandbox.admin.clearRequests();
          const options = await search(popup, ehr.patient);
          assert.ok(shows(options, ehr, target), JSON.stringify(options));
          const log = (await sandbox.admin.requests()).filter((r) => ehr.isHost(r.host));
          assert.ok(log.length >= 1 && log.length <= 3, `${log.length} requests`);
        });

        for (const { locale, order } of LOCALES) {
          test(`a date of birth in the browser's order (${locale}: ${order("yyyy", "mm", "dd")}) finds the patient`, async () => {
            const target = unique((p) => p.date_of_birth && Number(p.date_of_birth.slice(8, 10)) > 12);
            const [y, m, d] = target.date_of_birth.split("-");
            let session = s;
            if (locale !== "en-AU") {
              session = await launch(kind, sandbox, { locale });
              for (const e of EHRS) await e.connect(session, sandbox);
            }
            try {
              const options = await search(await open(undefined, ehr, session), ehr.withName(target, order(y, m, d)));
              assert.ok(shows(options, ehr, target), JSON.stringify(options));
            } finally {
              if (session !== s) await session.close();
            }
          });
        }

        test("an email finds the patient, whatever its case", async () => {
          const target = unique((p) => p.email);
          const options = await search(await open(undefined, ehr), target.email.toUpperCase());
          assert.ok(shows(options, ehr, target), JSON.stringify(options));
        });

        test("a phone number in another format finds the patient", async () => {
          // A mobile a few pages in (an EHR without a phone filter scans pages to find it).
          const target = patients.slice(200).find((p) => p.phones.some((n) => /^0?4/.test(n.replace(/\D/g, "").replace(/^61/, "0"))));
          const digits = target.phones.find((n) => /^0?4/.test(n.replace(/\D/g, "").replace(/^61/, "0")))
            .replace(/\D/g, "").replace(/^61/, "").replace(/^0/, "");
          const popup = await open(undefined, ehr);
          await fill(popup, "Search patients", ehr.withName(target, `+61 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`));
          await popup.waitForFunction((label) => [...document.querySelectorAll("#patient-results [role=option]")]
            .some((o) => o.textContent.includes(label)), { timeout: 60_000 }, `${ehr.name} ID ${target.id}`);
        });

        test("an id finds exactly that patient, the id kept as a string", async () => {
          // Cliniko's ids are above 2^53: a JS number would change them.
          const target = patients.find((p) => BigInt(p.id) > 2n ** 53n) ?? patients[patients.length - 1];
          const options = await search(await open(undefined, ehr), target.id);
          assert.equal(options.length, 1, JSON.stringify(options));
          assert.ok(options[0].includes(`${ehr.name} ID ${target.id}`));
        });

        test("archived patients are hidden unless Include archived is ticked, and marked", async () => {
          const [target] = await ehr.patients(sandbox, { archived: true });
          assert.ok(target, `the sandbox has archived ${ehr.name} patients`);
          const popup = await open(undefined, ehr);
          let options = await search(popup, `${target.first_name} ${target.last_name}`);
          assert.ok(!options.some((o) => o.includes(target.id)), "hidden by default");
          await popup.click("#include-archived");
          await popup.waitForFunction((id) => [...document.querySelectorAll("#patient-results [role=option]")]
            .some((o) => o.textContent.includes(id)), { timeout: 20_000 }, target.id);
          options = await texts(popup, "#patient-results [role=option]");
          assert.ok(options.find((o) => o.includes(target.id)).includes("archived"));
        });
      });
    }

    describe("the search box, with Cliniko", () => {
        test("same-name patients are told apart by date of birth and id", async () => {
          const smiths = await clinikoWhere("first_name:=James", "last_name:=Smith");
          assert.ok(smiths.length >= 3);
          const popup = await open();
          const options = (await search(popup, "James Smith")).filter((o) => /^James\b.*\bSmith/.test(o));
          assert.ok(options.length >= smiths.length, JSON.stringify(options));
          for (const p of smiths) assert.ok(options.some((o) => o.includes(`Cliniko ID ${p.id}`)));
          assert.equal(new Set(options.map((o) => /Born ([\d/]+)/.exec(o)?.[1])).size, options.length, "distinct DOBs shown");
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
          // Push enables once the card's checks have answered (slower on a loaded machine), with no click.
          await popup.waitForSelector("#push:not([disabled])", { timeout: 20_000 });
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
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
