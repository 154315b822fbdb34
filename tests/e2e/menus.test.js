// The other ways in: the context menu items exist, a menu click (driven through the background's
// own handler — native menus can't be clicked by automation) opens the push flow in a small window
// with the captured note, and the "push to pre-selected patient" shortcut focuses Push without sending.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, resetExtension } from "./lib/flows.js";
import { click, fill } from "./lib/ui.js";

/** Call the background's handler `name(...args)` (see extension/background.js `globalThis.motics`). */
async function inBackground(s, name, ...args) {
  if (s.kind === "chromium") {
    return s.inBackground((name, args) => globalThis.motics[name](...args).then(() => null, (e) => String(e)), name, args);
  }
  const page = await s.openExtensionPage("options.html");
  try {
    return await page.evaluate(async (name, args) => {
      const bg = await browser.runtime.getBackgroundPage();
      return bg.motics[name](...args).then(() => null, (e) => String(e));
    }, name, args);
  } finally {
    await page.close();
  }
}

async function tabIdOf(s, url) {
  const page = await s.openExtensionPage("options.html");
  try {
    return await page.evaluate(async (u) => (await (globalThis.browser ?? globalThis.chrome).tabs.query({ url: u }))[0]?.id, url);
  } finally {
    await page.close();
  }
}

/**
 * The push window a menu click opened. Chromium exposes it as a target. Firefox's remote agent skips
 * extension contexts, so there we check that a popup-type window exists and open the same page
 * (popup.html?capture=…&tab=…) in a tab through the driver.
 */
async function pushWindow(s, opened) {
  if (s.kind === "chromium") return (await opened).asPage();
  const page = await s.openExtensionPage("options.html");
  const { windows, captureUrl } = await page.evaluate(async () => {
    const windows = (await browser.windows.getAll({ windowTypes: ["popup"] })).length;
    const all = await browser.storage.session.get(null);
    const [key, value] = Object.entries(all).find(([k]) => k.startsWith("capture:")) ?? [];
    return { windows, captureUrl: key ? `popup.html?capture=${key.slice(8)}&tab=${value.tab_id}` : null };
  });
  await page.close();
  assert.ok(windows >= 1, "a popup window was opened");
  assert.ok(captureUrl, "the click captured a note");
  return s.openExtensionPage(captureUrl);
}

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
      const tabId = await tabIdOf(s, tab.url());
      const windowOpened = kind === "chromium" ? s.browser.waitForTarget((t) => t.url().includes("popup.html?capture="), { timeout: 20_000 }) : null;
      await inBackground(s, "onMenuClick", { menuItemId: "push-selection", frameId: 0 }, { id: tabId });
      const win = await pushWindow(s, windowOpened);
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
      const tabId = await tabIdOf(s, tab.url());
      const windowOpened = kind === "chromium" ? s.browser.waitForTarget((t) => t.url().includes("popup.html?capture="), { timeout: 20_000 }) : null;
      await inBackground(s, "onMenuClick", { menuItemId: "push-note", frameId: 0 }, { id: tabId });
      const win = await pushWindow(s, windowOpened);
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
