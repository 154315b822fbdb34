// The other ways in, driven from tests: the background's own menu and command handlers (native
// menus and shortcuts can't be triggered by automation), and the push window a menu click opens.
import assert from "node:assert/strict";

/** Call the background's handler `name(...args)` (see extension/background.js `globalThis.motics`). */
export async function inBackground(s, name, ...args) {
  if (s.kind === "chromium") {
    return s.inBackground((name, args) => globalThis.motics[name](...args).then((v) => v ?? null, (e) => String(e)), name, args);
  }
  const page = await s.openExtensionPage("options.html");
  try {
    return await page.evaluate(async (name, args) => {
      const bg = await browser.runtime.getBackgroundPage();
      return bg.motics[name](...args).then((v) => v ?? null, (e) => String(e));
    }, name, args);
  } finally {
    await page.close();
  }
}

export async function tabIdOf(s, url) {
  const page = await s.openExtensionPage("options.html");
  try {
    return await page.evaluate(async (u) => (await (globalThis.browser ?? globalThis.chrome).tabs.query({ url: u }))[0]?.id, url);
  } finally {
    await page.close();
  }
}

/**
 * A menu click on tab `tabId`, and the push window it opens. Chromium runs the real handler and
 * exposes the window as a target. Firefox's remote agent skips extension contexts (and a capture is
 * read once, by the window that opens), so there the background captures the note with the same
 * handler and the same page (popup.html?capture=…&tab=…) opens in a tab through the driver.
 */
export async function menuClick(s, menuItemId, tabId) {
  const info = { menuItemId, frameId: 0 };
  if (s.kind === "chromium") {
    const opened = s.browser.waitForTarget((t) => t.url().includes("popup.html?capture="), { timeout: 20_000 });
    await inBackground(s, "onMenuClick", info, { id: tabId });
    return (await opened).asPage();
  }
  const id = await inBackground(s, "capture", info, { id: tabId });
  assert.ok(id, "the click captured a note");
  return s.openExtensionPage(`popup.html?capture=${id}&tab=${tabId}`);
}
