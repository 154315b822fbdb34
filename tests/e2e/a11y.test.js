// Accessibility and polish: axe-core finds no violations on the popup and options page in each
// state (empty, connected, results, receipt, error), the whole push flow works by keyboard alone,
// and dark mode follows the system — in both browsers, against the sandbox.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { axe } from "./lib/axe.js";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch, sendFromExtensionPage } from "./lib/browser.js";
import { connectCliniko, popupOn } from "./lib/flows.js";
import { EHRS, connectionMessage } from "./lib/ehrs.js";
import { click, fill } from "./lib/ui.js";

const READY = 'body[data-core="ready"]';

// README screenshots: `E2E_SCREENSHOTS=<dir>` saves the states this suite reaches (Chromium only,
// where the real toolbar popup renders at its own size).
const SHOTS = process.env.E2E_SCREENSHOTS;
async function shot(kind, page, name, scrollTo) {
  if (!SHOTS || kind !== "chromium") return;
  fs.mkdirSync(SHOTS, { recursive: true });
  // The toolbar popup is its own small viewport: shoot what it shows, scrolled to the point of the state.
  if (scrollTo) await page.$eval(scrollTo, (e) => e.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: !page.url().includes("popup.html") });
}

const describeViolations = (vs) => vs.map((v) => `${v.rule} (${v.impact}): ${v.help} @ ${v.targets.join(", ")}`).join("\n");

for (const kind of BROWSERS) {
  describe(`accessibility (${kind})`, () => {
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
      await sandbox.admin.clearFaults();
    });
    const keep = (...pages) => { opened.push(...pages); return pages[0]; };

    async function options() {
      const page = keep(await s.openExtensionPage("options.html"));
      await page.waitForSelector(READY, { timeout: 20_000 });
      return page;
    }
    async function noViolations(page, state) {
      const vs = await axe(page);
      assert.deepEqual(vs, [], `${state}:\n${describeViolations(vs)}`);
    }

    test("options page, not set up: no axe violations", async () => {
      const page = await options();
      await page.waitForSelector('body[data-cliniko="not_set_up"]', { timeout: 20_000 });
      await noViolations(page, "options empty");
    });

    test("options page, bad key error: no axe violations", async () => {
      const page = await options();
      await fill(page, "Cliniko API key", "not a key");
      await page.click("#cliniko-save");
      await page.waitForFunction(() => document.getElementById("cliniko-error").textContent.trim() !== "", { timeout: 20_000 });
      await noViolations(page, "options error");
    });

    test("popup, not set up: no axe violations", async () => {
      const tab = keep(await s.openWebPage(`${sandbox.motics_url}/sessions/s-1001`));
      const popup = keep(await s.openPopup(tab));
      await popup.waitForSelector(READY, { timeout: 20_000 });
      await popup.waitForSelector("#setup:not([hidden])", { timeout: 20_000 });
      await noViolations(popup, "popup empty");
    });

    test("options page, connected: no axe violations", async () => {
      await connectCliniko(s, sandbox);
      const page = await options();
      await page.waitForSelector('body[data-cliniko="connected"]', { timeout: 20_000 });
      await noViolations(page, "options connected");
      await shot(kind, page, "options-connected");
    });

    test("popup connected, results, receipt and error: no axe violations", async () => {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1001`);
      keep(popup, tab);
      await noViolations(popup, "popup connected");
      await fill(popup, "Search patients", "Margaret O'Brien");
      await popup.waitForSelector("#patient-results [role=option]", { timeout: 20_000 });
      await noViolations(popup, "popup results");
      await shot(kind, popup, "popup-search-results", "#patient-search");
      await popup.click("#patient-results [role=option]");
      await popup.waitForFunction(() => !document.getElementById("push").disabled, { timeout: 20_000 });
      // Error: Cliniko fails every attempt of this push (a 422 is final, so the popup shows it).
      await sandbox.admin.fault({ method: "POST", path: "/v1/treatment_notes", count: 1, kind: "status", status: 422 });
      await popup.click("#push");
      await popup.waitForFunction(() => document.getElementById("push-error").textContent.trim() !== "" ||
        !document.getElementById("jobs").hidden, { timeout: 30_000 });
      await noViolations(popup, "popup error");
      await shot(kind, popup, "popup-error", "#push-section");
      await popup.close();
      // Receipt: a fresh popup, a push that works.
      const again = keep(await s.openPopup(tab));
      await again.waitForSelector("body[data-note]", { timeout: 20_000 });
      await fill(again, "Search patients", "Margaret O'Brien");
      await again.waitForSelector("#patient-results [role=option]", { timeout: 20_000 });
      await again.click("#patient-results [role=option]");
      await again.waitForFunction(() => !document.getElementById("push").disabled, { timeout: 20_000 });
      await again.click("#push");
      await again.waitForSelector("#receipt:not([hidden]), #confirm-box:not([hidden])", { timeout: 30_000 });
      if (await again.$("#confirm-box:not([hidden])")) {
        await noViolations(again, "popup duplicate question");
        await again.click("#confirm-yes");
        await again.waitForSelector("#receipt:not([hidden])", { timeout: 30_000 });
      }
      await noViolations(again, "popup receipt");
      await shot(kind, again, "popup-receipt", "#receipt");
    });

    test("Nookal: its card's pickers, Reconnect Nookal, Push to, cases and receipt: no axe violations", async () => {
      const nookal = EHRS.find((e) => e.id === "nookal");
      await connectCliniko(s, sandbox);
      await nookal.connect(s, sandbox);
      const page = await options();
      await page.waitForSelector('body[data-nookal-practitioner="chosen"]', { timeout: 20_000 });
      await noViolations(page, "options, Nookal connected");
      // The key stops working: the popup offers Reconnect Nookal.
      await sandbox.admin.fault({ path: "/production/v2/verify", count: 1, kind: "status", status: 401 });
      await sendFromExtensionPage(s, connectionMessage("verify", "nookal"));
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1003`);
      keep(popup, tab);
      await popup.waitForSelector('section.reconnect[data-ehr="nookal"]', { timeout: 20_000 });
      await noViolations(popup, "popup, Reconnect Nookal");
      await fill(popup, "Nookal API key", nookal.key(sandbox));
      await click(popup, '[name="Reconnect Nookal"][role="button"]');
      await popup.waitForSelector('body[data-nookal="connected"]', { timeout: 20_000 });
      await click(popup, '[name="Nookal"][role="radio"]');
      await popup.waitForFunction(() => document.getElementById("push").textContent === "Push to Nookal");
      await fill(popup, "Search patients", "Aroha Ngāta");
      await popup.waitForSelector("#patient-results [role=option]", { timeout: 20_000 });
      await popup.click("#patient-results [role=option]");
      await popup.waitForFunction(() => ["ready", "none"].includes(document.getElementById("ehr-extras").dataset.cases), { timeout: 20_000 });
      await noViolations(popup, "popup, Nookal cases");
      await popup.waitForFunction(() => !document.getElementById("push").disabled, { timeout: 20_000 });
      await click(popup, "Push to Nookal");
      await popup.waitForSelector("#receipt:not([hidden])", { timeout: 30_000 });
      // Scrolled to the end, where the action bar (sticky while the preview scrolls) covers nothing:
      // a control half under it mid-scroll would read as a small target.
      await popup.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await noViolations(popup, "popup, Nookal receipt");
      // The tests after this one push to Cliniko alone.
      await sendFromExtensionPage(s, connectionMessage("remove", "nookal"));
    });

    test("the whole push flow works by keyboard alone", async () => {
      await connectCliniko(s, sandbox);
      const before = (await sandbox.admin.notes()).length;
      // s-1003 names its patient; a new session so no duplicate question from the earlier push.
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1003`);
      keep(popup, tab);
      const patientName = (await tab.$eval("[data-testid=patient-name]", (e) => e.textContent)).trim();
      const focused = () => popup.evaluate(() => {
        const e = document.activeElement;
        return e ? (e.id || e.getAttribute("aria-label") || e.textContent.trim()) : "";
      });
      const tabTo = async (id, max = 40) => {
        for (let i = 0; i < max; i++) {
          if ((await focused()) === id) return;
          await popup.keyboard.press("Tab");
        }
        assert.fail(`Tab never reached #${id}`);
      };
      await tabTo("patient-search");
      await popup.keyboard.type(patientName);
      await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q,
        { timeout: 20_000 }, patientName);
      await popup.keyboard.press("ArrowDown");
      await popup.keyboard.press("Enter");
      await popup.waitForSelector("#patient-card:not([hidden])", { timeout: 10_000 });
      await tabTo("push");
      assert.equal(await popup.$eval("#push", (b) => b.disabled), false);
      await popup.keyboard.press("Enter");
      await popup.waitForSelector("#receipt:not([hidden]), #confirm-box:not([hidden])", { timeout: 30_000 }).catch(async (e) => {
        const state = await popup.evaluate(() => ({ focus: document.activeElement?.id, status: document.getElementById("push-status").textContent,
          error: document.getElementById("push-error").textContent, jobs: document.getElementById("jobs").textContent }));
        throw new Error(`${e.message}: ${JSON.stringify(state)}`);
      });
      if (await popup.$("#confirm-box:not([hidden])")) {
        // The question takes focus on "Don't push"; Shift+Tab to "Push again", Space to choose it.
        await popup.keyboard.down("Shift");
        await popup.keyboard.press("Tab");
        await popup.keyboard.up("Shift");
        assert.equal(await focused(), "confirm-yes");
        await popup.keyboard.press(" ");
        await popup.waitForSelector("#receipt:not([hidden])", { timeout: 30_000 });
      }
      assert.equal((await sandbox.admin.notes()).length, before + 1, "one note created");
      // The receipt's link takes focus, so a keyboard user lands on "Open in Cliniko".
      assert.equal(await popup.evaluate(() => document.activeElement?.id), "receipt-link");
      // Shift+Tab goes back through the controls. (Done last: after a BiDi Shift press, Firefox
      // stops turning Enter on a button into a click, a driver quirk a real keyboard doesn't have.)
      await popup.keyboard.down("Shift");
      await popup.keyboard.press("Tab");
      await popup.keyboard.up("Shift");
      const back = await focused();
      assert.ok(back !== "" && back !== "receipt-link", `Shift+Tab moved focus back (${back})`);
    });

    test("dark mode follows the system", async () => {
      const colours = (page) => page.evaluate(() => {
        const b = getComputedStyle(document.body);
        const button = getComputedStyle(document.querySelector("button.primary"));
        return { bg: b.backgroundColor, fg: b.color, button: button.backgroundColor };
      });
      let light, dark;
      const page = await options();
      if (kind === "chromium") {
        await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
        light = await colours(page);
        await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
        dark = await colours(page);
        await shot(kind, page, "options-dark");
      } else {
        // Firefox's BiDi cannot emulate prefers-color-scheme, so a second Firefox is started whose
        // system theme is dark (ui.systemUsesDarkTheme), against a light one, as a user's would be.
        const themed = async (value) => {
          const other = await launch(kind, sandbox, { firefoxPrefs: { "ui.systemUsesDarkTheme": value } });
          try {
            const p = await other.openExtensionPage("options.html");
            await p.waitForSelector(READY, { timeout: 20_000 });
            return await colours(p);
          } finally {
            await other.close();
          }
        };
        light = await themed(0);
        dark = await themed(1);
      }
      assert.notEqual(dark.bg, light.bg);
      assert.notEqual(dark.fg, light.fg);
      assert.notEqual(dark.button, light.button);
      // Dark means a dark background with light text.
      const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      assert.ok(lum(dark.bg) < lum(dark.fg) && lum(light.bg) > lum(light.fg), JSON.stringify({ light, dark }));
    });

    test("no console errors and no uncaught exceptions", async () => {
      // Errors from the deliberate 422 are shown in the popup, not logged as errors.
      assert.deepEqual(s.errors, []);
      assert.ok((await sendFromExtensionPage(s, { type: "core/info" })).ok);
    });
  });
}
