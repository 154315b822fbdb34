// Connect an EHR: the options page's connection card (key handling, who the key is, the wrong-key
// message, the switch, removal, host access) and the popup's "Reconnect <EHR>" after a 401 — one
// body per behaviour, run for every EHR, in both browsers, against the sandbox. Cliniko's own
// rules (shards, roles, key shape) follow at the end.
import { describe, before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, clinikoGet } from "./lib/sandbox.js";
import { BROWSERS, launch, consoleLines } from "./lib/browser.js";
import { resetExtension } from "./lib/flows.js";
import { EHRS, waitForBudgets } from "./lib/ehrs.js";
import { click, fill } from "./lib/ui.js";

const READY = 'body[data-core="ready"]';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** How each EHR says who a saved key is (the status line), checked after Save changes. */
const WHO = {
  async cliniko({ page, sandbox, key }) {
    const user = await clinikoGet(sandbox, key, "/user");
    const settings = await clinikoGet(sandbox, key, "/settings/public");
    const text = await page.$eval("#cliniko-status", (e) => e.textContent);
    assert.ok(text.startsWith(`Connected as ${user.first_name} ${user.last_name} · practitioner · ${settings.account.name}`), text);
    assert.ok(text.includes(`(${settings.account.subdomain}.au1.cliniko.com)`), text);
    // Every request carried a User-Agent with a name and an email, and went to the key's shard.
    const log = await sandbox.admin.requests();
    assert.ok(log.length >= 3);
    for (const r of log) {
      assert.equal(r.host, "api.au1.cliniko.com");
      assert.match(r.headers["user-agent"], /^[^()]+ \([^@\s]+@[^@\s]+\.[a-z]+\)$/i);
      assert.equal(r.headers.accept, "application/json");
    }
  },
  // A Nookal key is the clinic's, not a user's: it says whose notes once a practitioner is chosen.
  async nookal({ page }) {
    assert.equal(await page.$eval("body", (b) => b.dataset.nookalPractitioner), "missing");
    assert.match(await page.$eval("#nookal-warning", (e) => e.textContent), /Choose the practitioner/);
    const [value, name] = await page.$eval("#nookal-practitioner option:not([disabled])", (o) => [o.value, o.textContent]);
    await page.select("#nookal-practitioner", value);
    await page.waitForSelector('body[data-nookal-practitioner="chosen"]');
    const lastName = name.replace(/\s*\(.*\)$/, "").split(" ").pop();
    assert.match(await page.$eval("#nookal-status", (e) => e.textContent), new RegExp(`notes filed under .*${escape(lastName)}`));
  },
};

for (const kind of BROWSERS) {
  describe(`connect (${kind})`, () => {
    let sandbox, s, options;
    const opened = [];

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
      for (const p of opened.splice(0)) await p.close().catch(() => {});
      await waitForBudgets(sandbox);
      await sandbox.admin.reset();
      await resetExtension(s);
      await openOptions();
      await sandbox.admin.clearRequests();
    });

    /** A fresh options page (as after connecting elsewhere: it reads the state on load). */
    async function openOptions() {
      await options?.close().catch(() => {});
      options = await s.openExtensionPage("options.html");
      opened.push(options);
      await options.waitForSelector(READY, { timeout: 20_000 });
    }

    async function save(ehr, key) {
      await fill(options, `${ehr.name} API key`, key);
      await click(options, `Save changes for ${ehr.name}`);
      await options.waitForFunction((id) => !document.getElementById(`${id}-save`).disabled
        && document.getElementById(`${id}-save`).textContent !== "Working…", {}, ehr.id);
    }
    const state = (page, ehr) => page.$eval("body", (b, id) => b.dataset[id], ehr.id);
    const waitState = (page, ehr, value) => page.waitForSelector(`body[data-${ehr.id}="${value}"]`, { timeout: 20_000 });
    async function popup() {
      const page = await s.openPopup(null);
      opened.push(page);
      await page.waitForSelector(READY, { timeout: 20_000 });
      return page;
    }

    for (const ehr of EHRS) {
      describe(ehr.name, () => {
        test("a valid key connects and says who it is; the key is masked and the field cleared", async () => {
          const key = ehr.key(sandbox);
          assert.equal(await state(options, ehr), "not_set_up");
          await save(ehr, key);
          await waitState(options, ehr, "connected");
          assert.equal(await options.$eval(`#${ehr.id}-key`, (e) => e.value), "", "the field is cleared after saving");
          assert.ok((await options.$eval(`#${ehr.id}-key-hint`, (e) => e.textContent)).includes(ehr.hint(key)));
          assert.ok(!(await options.content()).includes(key), "the key is never shown");
          await WHO[ehr.id]({ page: options, sandbox, key });
          // The other EHR's card is untouched by all of this.
          for (const other of EHRS.filter((e) => e !== ehr)) assert.equal(await state(options, other), "not_set_up");
        });

        test("a wrong key gets the message naming where to make a new one, and is not saved", async () => {
          await save(ehr, ehr.wrongKey(sandbox));
          const error = await options.$eval(`#${ehr.id}-error`, (e) => e.textContent);
          assert.match(error, new RegExp(`${ehr.name} didn't accept this API key.*${escape(ehr.keyWhere)}`));
          assert.equal(await state(options, ehr), "not_set_up");
          const log = await sandbox.admin.requests();
          assert.ok(log.length > 0 && log.every((r) => ehr.isHost(r.host)), "the key was checked with the EHR");
        });

        test("switching the integration off shows disabled in the popup; the key is kept", async () => {
          await ehr.connect(s, sandbox);
          await openOptions();
          await waitState(options, ehr, "connected");
          await click(options, `${ehr.name} integration`);
          await waitState(options, ehr, "disabled");
          const page = await popup();
          assert.equal(await state(page, ehr), "disabled");
          assert.match(await page.$eval("#connection", (e) => e.textContent), new RegExp(`${ehr.name} integration is switched off`));
          await page.close();
          await click(options, `${ehr.name} integration`);
          await waitState(options, ehr, "connected");
        });

        test("Remove key asks first, then forgets the key", async () => {
          await ehr.connect(s, sandbox);
          await openOptions();
          await waitState(options, ehr, "connected");
          await click(options, `Remove key for ${ehr.name}`);
          await click(options, "Cancel");
          assert.equal(await state(options, ehr), "connected");
          await click(options, `Remove key for ${ehr.name}`);
          await click(options, `Remove the ${ehr.name} key`);
          await waitState(options, ehr, "not_set_up");
          const page = await popup();
          assert.equal(await state(page, ehr), "not_set_up");
        });

        test(`a 401 while in use moves to Reconnect ${ehr.name}, and a new key pasted in the popup recovers`, async () => {
          await ehr.connect(s, sandbox);
          await openOptions();
          await waitState(options, ehr, "connected");
          await sandbox.admin.fault({ ...ehr.verify, count: 1, kind: "status", status: 401 });
          await click(options, `Verify connection for ${ehr.name}`);
          await waitState(options, ehr, "needs_reconnect");
          const page = await popup();
          assert.equal(await state(page, ehr), "needs_reconnect");
          await fill(page, `${ehr.name} API key`, ehr.key(sandbox));
          await click(page, `[name="Reconnect ${ehr.name}"][role="button"]`);
          await waitState(page, ehr, "connected");
        });

        test("without host access, the popup points to Settings, and Allow access restores it", async (t) => {
          await ehr.connect(s, sandbox);
          const origins = await options.evaluate(async (id) => {
            const { EHRS: rows } = await import("./lib/ehrs.js");
            return rows[id].origins;
          }, ehr.id);
          const removed = await options.evaluate((o) => (globalThis.browser ?? globalThis.chrome).permissions
            .remove({ origins: o }).catch(() => false), origins);
          if (!removed) {
            // Chrome keeps required host permissions (users restrict them in its own UI instead).
            t.skip("this browser does not let an extension drop a required host permission");
            return;
          }
          const page = await popup();
          assert.equal(await page.$eval("body", (b) => b.dataset.access), "missing");
          assert.match(await page.$eval("#setup-text", (e) => e.textContent), new RegExp(`Allow access to ${ehr.name}`));
          await page.close();
          await openOptions();
          await options.waitForSelector(`#${ehr.id}-permission:not([hidden])`);
          // The clinician clicks the button (a real user gesture; the test profile accepts the prompt).
          await click(options, `Allow access to ${ehr.name}`);
          await options.waitForSelector(`#${ehr.id}-permission[hidden]`, { timeout: 10_000 });
        });
      });
    }

    describe("Cliniko only", () => {
      const cliniko = EHRS.find((e) => e.id === "cliniko");
      const hosts = async () => [...new Set((await sandbox.admin.requests()).map((r) => r.host))];

      test("a key without a shard suffix goes to au1", async () => {
        await save(cliniko, sandbox.keys.no_suffix);
        await waitState(options, cliniko, "connected");
        assert.deepEqual(await hosts(), ["api.au1.cliniko.com"]);
      });

      test("a uk2 key goes to the uk2 host", async () => {
        await save(cliniko, sandbox.keys.uk2);
        await waitState(options, cliniko, "connected");
        assert.ok((await options.$eval("#cliniko-status", (e) => e.textContent)).includes(".uk2.cliniko.com)"));
        assert.deepEqual(await hosts(), ["api.uk2.cliniko.com"]);
      });

      test("a receptionist key connects with the non-practitioner warning", async () => {
        await save(cliniko, sandbox.keys.receptionist);
        await waitState(options, cliniko, "connected");
        const warning = await options.$eval("#cliniko-warning", (e) => (e.hidden ? "" : e.textContent));
        assert.match(warning, /isn't a practitioner.*won't let this key create treatment notes/);
      });

      test("a malformed key is refused before any request is sent", async () => {
        await save(cliniko, "this is not a key-zz");
        assert.match(await options.$eval("#cliniko-error", (e) => e.textContent), /doesn't look like an API key/);
        assert.deepEqual(await sandbox.admin.requests(), []);
      });
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
