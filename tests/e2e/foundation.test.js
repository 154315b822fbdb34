// Foundation: the release build loads in Chromium and Firefox, the background starts, the wasm core
// answers, and the popup and options page render without console errors or uncaught exceptions.
import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch, sendFromExtensionPage } from "./lib/browser.js";

const DIST = process.env.MOTICS_DIST ?? new URL("../../dist", import.meta.url).pathname;

for (const kind of BROWSERS) {
  describe(`foundation (${kind})`, () => {
    let sandbox, s;
    const manifest = JSON.parse(fs.readFileSync(`${DIST}/${kind === "chromium" ? "chrome" : "firefox"}/manifest.json`, "utf8"));

    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });

    test("the background starts and the wasm core answers core/info", async () => {
      const reply = await sendFromExtensionPage(s, { type: "core/info" });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assert.equal(reply.value.version, manifest.version);
      assert.match(reply.value.build, /^[0-9a-f]{12}(-dirty)?$|^dev$/);
    });

    test("a stopped worker answers core/info at once with exactly the shipped wasm's own reply", async () => {
      // Chromium stops idle workers; Firefox's event page is the same background.js, not stopped here.
      if (kind === "chromium") await s.stopBackground();
      const page = await s.openExtensionPage("options.html");
      try {
        const [first, wasms] = await page.evaluate(async () => {
          const first = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: "core/info" });
          // The same pkg the background imports, run in this page: its core's answer to core/info.
          const glue = await import("./pkg/motics_push.js");
          await glue.default();
          return [first, glue.coreInfoReply()];
        });
        assert.deepEqual(first, wasms);
        assert.equal(first.value.version, manifest.version);
        assert.ok(first.value.note_max_bytes > 0 && first.value.ehrs.length === 2, JSON.stringify(first));
      } finally {
        await page.close();
      }
      // Every other message still goes through the core once the wasm is ready.
      const status = await sendFromExtensionPage(s, { type: "connection/status", ehr: "cliniko" });
      assert.equal(status.ok, true, JSON.stringify(status));
    });

    test("the popup opens on a Motics tab and shows the core's version", async () => {
      const tab = await s.openWebPage(`${sandbox.motics_url}/`);
      const popup = await s.openPopup(tab);
      await popup.waitForSelector('body[data-core="ready"]', { timeout: 15_000 });
      const about = await popup.$eval("#about", (e) => e.textContent);
      assert.ok(about.includes(manifest.version), about);
      // Controls are found by accessible name, as a person would.
      assert.ok(await popup.$("::-p-aria(Settings)"), "a control named Settings");
      await popup.close();
      await tab.close();
    });

    test("the options page shows About with version and build", async () => {
      const page = await s.openExtensionPage("options.html");
      await page.waitForSelector('body[data-core="ready"]', { timeout: 15_000 });
      assert.equal(await page.$eval("#about-version", (e) => e.textContent), manifest.version);
      assert.ok(await page.$("::-p-aria(About)"), "an About section");
      await page.close();
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
