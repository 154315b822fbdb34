// One E2E suite's frame, for suites that start each test from a clean slate: per browser, a sandbox
// and a browser for the suite; before each test, the pages the last one opened closed, the EHRs'
// client-side budgets respected, the sandbox reset and the extension's storage cleared.
import { describe, before, after, beforeEach } from "node:test";
import fs from "node:fs";
import { startSandbox } from "./sandbox.js";
import { BROWSERS, launch } from "./browser.js";
import { popupOn, resetExtension } from "./flows.js";
import { waitForBudgets } from "./ehrs.js";

/**
 * `describe(`${title} (${browser})`)` for each browser; `body(ctx)` declares the tests. `ctx.s` and
 * `ctx.sandbox` are set once the suite runs; `ctx.open(url)` opens the popup on a page (both closed
 * before the next test) and resolves to the popup.
 */
export function cleanSuite(title, body) {
  for (const kind of BROWSERS) {
    describe(`${title} (${kind})`, () => {
      const opened = [];
      const ctx = {
        kind, s: null, sandbox: null,
        async open(url) {
          const { tab, popup } = await popupOn(ctx.s, url);
          opened.push(popup, tab);
          return popup;
        },
      };
      before(async () => {
        ctx.sandbox = await startSandbox();
        ctx.s = await launch(kind, ctx.sandbox);
      });
      after(async () => {
        await ctx.s?.close();
        await ctx.sandbox?.stop();
      });
      beforeEach(async () => {
        for (const p of opened.splice(0)) await p.close().catch(() => {});
        await waitForBudgets(ctx.sandbox);
        await ctx.sandbox.admin.reset();
        await resetExtension(ctx.s);
      });
      body(ctx);
    });
  }
}

/** Where E2E screenshots go (gitignored; the README's are copied from there). */
export const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;

/** Save what `page` shows now as `artifacts/<name>.png` (the viewport: the popup's own box). */
export async function artifact(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}
