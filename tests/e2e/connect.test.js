// Connect Cliniko: options page key handling, verification messages, switch, removal, and the
// popup's reconnect flow after a 401 — in both browsers, against the sandbox.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch, consoleLines } from "./lib/browser.js";
import { click, fill } from "./lib/ui.js";

const READY = 'body[data-core="ready"]';

for (const kind of BROWSERS) {
  describe(`connect Cliniko (${kind})`, () => {
    let sandbox, s, options;

    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
    });
    after(async () => {
      // The key never appears in any console output captured during the run.
      for (const key of Object.values(sandbox?.keys ?? {})) {
        assert.ok(!consoleLines.some((l) => l.includes(key)), "an API key appeared in console output");
      }
      await s?.close();
      await sandbox?.stop();
    });
    beforeEach(async () => {
      await sandbox.admin.reset();
      await options?.close();
      options = await s.openExtensionPage("options.html");
      await options.waitForSelector(READY, { timeout: 20_000 });
      if ((await options.$eval("body", (b) => b.dataset.cliniko)) !== "not_set_up") {
        await removeKey(options);
      }
      await sandbox.admin.clearRequests();
    });

    async function save(key) {
      await fill(options, "Cliniko API key", key);
      await click(options, "Save changes");
      await options.waitForFunction(() => !document.getElementById("cliniko-save").disabled
        && document.getElementById("cliniko-save").textContent !== "Working…");
    }
    async function removeKey(page) {
      await click(page, "Remove key");
      await click(page, "Remove the key");
      await page.waitForSelector('body[data-cliniko="not_set_up"]');
    }
    const statusText = () => options.$eval("#cliniko-status", (e) => e.textContent);
    const errorText = () => options.$eval("#cliniko-error", (e) => e.textContent);

    test("a valid practitioner key connects and names the user and clinic", async () => {
      const key = sandbox.keys.practitioner;
      const user = await clinikoGet(sandbox, key, "/user");
      const settings = await clinikoGet(sandbox, key, "/settings/public");
      await save(key);
      await options.waitForSelector('body[data-cliniko="connected"]');
      const text = await statusText();
      assert.ok(text.startsWith(`Connected as ${user.first_name} ${user.last_name} · practitioner · ${settings.account.name}`), text);
      assert.ok(text.includes(`(${settings.account.subdomain}.au1.cliniko.com)`), text);
      // The hint is the last 4 characters of the secret, before the shard suffix.
      const hint = key.replace(/-[a-z]{2}\d{1,2}$/i, "").slice(-4);
      assert.ok((await options.$eval("#cliniko-key-hint", (e) => e.textContent)).includes(hint));
      assert.equal(await options.$eval("#cliniko-key", (e) => e.value), "", "the field is cleared after saving");
      // Every request carried a User-Agent with a name and an email, and went to the key's shard.
      const log = await sandbox.admin.requests();
      assert.ok(log.length >= 3);
      for (const r of log) {
        assert.equal(r.host, "api.au1.cliniko.com");
        assert.match(r.headers["user-agent"], /^[^()]+ \([^@\s]+@[^@\s]+\.[a-z]+\)$/i);
        assert.equal(r.headers.accept, "application/json");
      }
    });

    test("a key without a shard suffix goes to au1", async () => {
      await save(sandbox.keys.no_suffix);
      await options.waitForSelector('body[data-cliniko="connected"]');
      const hosts = new Set((await sandbox.admin.requests()).map((r) => r.host));
      assert.deepEqual([...hosts], ["api.au1.cliniko.com"]);
    });

    test("a uk2 key goes to the uk2 host", async () => {
      await save(sandbox.keys.uk2);
      await options.waitForSelector('body[data-cliniko="connected"]');
      assert.ok((await statusText()).includes(".uk2.cliniko.com)"));
      const hosts = new Set((await sandbox.admin.requests()).map((r) => r.host));
      assert.deepEqual([...hosts], ["api.uk2.cliniko.com"]);
    });

    test("a revoked key gets the 401 message and is not saved", async () => {
      await save(sandbox.keys.revoked);
      assert.match(await errorText(), /didn't accept the API key.*Create a new API key/);
      assert.equal(await options.$eval("body", (b) => b.dataset.cliniko), "not_set_up");
    });

    test("a receptionist key connects with the non-practitioner warning", async () => {
      await save(sandbox.keys.receptionist);
      await options.waitForSelector('body[data-cliniko="connected"]');
      const warning = await options.$eval("#cliniko-warning", (e) => (e.hidden ? "" : e.textContent));
      assert.match(warning, /isn't a practitioner.*won't let this key create treatment notes/);
    });

    test("a malformed key is refused before any request is sent", async () => {
      await save("this is not a key-zz");
      assert.match(await errorText(), /doesn't look like an API key/);
      assert.deepEqual(await sandbox.admin.requests(), []);
    });

    test("switching the integration off shows disabled in the popup; the key is kept", async () => {
      await save(sandbox.keys.practitioner);
      await options.waitForSelector('body[data-cliniko="connected"]');
      await click(options, "Cliniko integration");
      await options.waitForSelector('body[data-cliniko="disabled"]');
      const popup = await s.openPopup(null);
      await popup.waitForSelector(READY);
      assert.equal(await popup.$eval("body", (b) => b.dataset.cliniko), "disabled");
      assert.match(await popup.$eval("#connection", (e) => e.textContent), /switched off/);
      await popup.close();
      await click(options, "Cliniko integration");
      await options.waitForSelector('body[data-cliniko="connected"]');
    });

    test("Remove key asks first, then forgets the key", async () => {
      await save(sandbox.keys.practitioner);
      await options.waitForSelector('body[data-cliniko="connected"]');
      await click(options, "Remove key");
      await click(options, "Cancel");
      assert.equal(await options.$eval("body", (b) => b.dataset.cliniko), "connected");
      await removeKey(options);
      const popup = await s.openPopup(null);
      await popup.waitForSelector(READY);
      assert.equal(await popup.$eval("body", (b) => b.dataset.cliniko), "not_set_up");
      await popup.close();
    });

    test("a 401 while in use moves to Reconnect Cliniko, and a new key recovers", async () => {
      await save(sandbox.keys.practitioner);
      await options.waitForSelector('body[data-cliniko="connected"]');
      await sandbox.admin.fault({ method: "GET", path: "/v1/user", count: 1, kind: "status", status: 401 });
      await click(options, "Verify connection");
      await options.waitForSelector('body[data-cliniko="needs_reconnect"]');
      const popup = await s.openPopup(null);
      await popup.waitForSelector(READY);
      assert.equal(await popup.$eval("body", (b) => b.dataset.cliniko), "needs_reconnect");
      await fill(popup, "Cliniko API key", sandbox.keys.practitioner);
      await click(popup, "[name=\"Reconnect Cliniko\"][role=\"button\"]");
      await popup.waitForSelector('body[data-cliniko="connected"]');
      await popup.close();
    });

    test("without host access to Cliniko, the popup points to Settings, and Allow access restores it", async (t) => {
      await save(sandbox.keys.practitioner);
      await options.waitForSelector('body[data-cliniko="connected"]');
      const removed = await options.evaluate(() => (globalThis.browser ?? globalThis.chrome).permissions
        .remove({ origins: ["https://*.cliniko.com/*"] }).catch(() => false));
      if (!removed) {
        // Chrome keeps required host permissions (users restrict them in its own UI instead).
        t.skip("this browser does not let an extension drop a required host permission");
        return;
      }
      {
        const popup = await s.openPopup(null);
        await popup.waitForSelector(READY);
        assert.equal(await popup.$eval("body", (b) => b.dataset.access), "missing");
        assert.match(await popup.$eval("#setup-text", (e) => e.textContent), /Allow access to Cliniko/);
        await popup.close();
        const page = await s.openExtensionPage("options.html");
        await page.waitForSelector(READY);
        await page.waitForSelector("#cliniko-permission:not([hidden])");
        // The clinician clicks the button (a real user gesture; the test profile accepts the prompt).
        await click(page, "Allow access to Cliniko");
        await page.waitForSelector("#cliniko-permission[hidden]", { timeout: 10_000 });
        await page.close();
      }
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
