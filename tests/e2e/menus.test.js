// The other ways in: the context menu items exist, a menu click (driven through the background's
// own handler — native menus can't be clicked by automation) opens the push flow in a small window
// with the captured note, and the "push to pre-selected patient" shortcut focuses Push without sending.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, resetExtension } from "./lib/flows.js";
import { click, fill } from "./lib/ui.js";
import { inBackground, tabIdOf, menuClick } from "./lib/menus.js";

for (const kind of BROWSERS) {
  describe(`menus and shortcut (${kind})`, () => {
    let sandbox, s;
    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      await sandbox.admin.reset();
      await resetExtension(s);
      await connectCliniko(s, sandbox);
    });

    test("both context menu items exist", async () => {
      const page = await s.openExtensionPage("options.html");
      const result = await page.evaluate(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const out = {};
        for (const id of ["push-selection", "push-note"]) {
          try { await api.contextMenus.update(id, {}); out[id] = true; } catch { out[id] = false; }
        }
        try { await api.contextMenus.update("no-such-item", {}); out.control = true; } catch { out.control = false; }
        return out;
      });
      assert.deepEqual(result, { "push-selection": true, "push-note": true, control: false });
      await page.close();
    });

    test("Push selection with Motics Push opens the flow with the selected structure, and pushes it", async () => {
      const tab = await s.openWebPage(`${sandbox.motics_url}/variants/article`);
      await tab.evaluate(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("article"));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      });
      const win = await menuClick(s, "push-selection", await tabIdOf(s, tab.url()));
      await win.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      const tags = await win.$$eval("#preview *", (els) => els.map((e) => e.tagName));
      assert.ok(tags.includes("B") && (tags.includes("UL") || tags.includes("OL")), `structure kept: ${tags}`);
      await fill(win, "Search patients", "Margaret O'Brien");
      await win.waitForFunction(() => document.getElementById("patient-search-status").dataset.query === "Margaret O'Brien", { timeout: 20_000 });
      await win.click("#patient-results [role=option]");
      await click(win, "Push to Cliniko");
      await win.waitForFunction(() => document.body.dataset.push === "done", { timeout: 30_000 });
      const ours = (await sandbox.admin.notes()).filter((n) => JSON.stringify(n.content).includes("Pushed from Motics"));
      assert.equal(ours.length, 1);
      await win.close();
      await tab.close();
    });

    test("Push this note with Motics Push reads the Motics note into the window", async () => {
      const tab = await s.openWebPage(`${sandbox.motics_url}/sessions/s-1002`);
      const win = await menuClick(s, "push-note", await tabIdOf(s, tab.url()));
      await win.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      const title = await tab.$eval("[data-motics-note]", (e) => e.dataset.title);
      assert.equal(await win.$eval("#note-title-read", (e) => e.textContent), title);
      await win.close();
      await tab.close();
    });

    test("the pre-selected-patient shortcut focuses Push and sends nothing by itself", async () => {
      const url = `${sandbox.motics_url}/sessions/s-1001`;
      const { tab, popup } = await popupOn(s, url);
      await popup.close();
      // Firefox may refuse openPopup outside a real key press; the focus flag is set either way.
      await inBackground(s, "onCommand", "push-preselected");
      // Chromium opened the real popup; Firefox exposes no popup target, so open the same page for the tab.
      const target = kind === "chromium"
        ? await s.browser.waitForTarget((t) => t.url().endsWith("popup.html"), { timeout: 10_000 }).then((t) => t.asPage())
        : await s.openPopup(tab);
      await target.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
      assert.equal((await sandbox.admin.notes()).filter((n) => JSON.stringify(n.content).includes("Pushed from Motics")).length, 0);
      await target.close();
      await tab.close();
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
