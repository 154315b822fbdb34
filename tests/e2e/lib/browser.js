// One driver for both browsers (puppeteer-core 24): Debian's Chromium over CDP and Firefox ESR over
// WebDriver BiDi, each with the release build of the extension and the sandbox mapped under the real
// host names. Recipes: shared/design/architecture.md §5 and shared/reference/firefox-e2e.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

export const BROWSERS = (process.env.E2E_BROWSERS ?? "chromium,firefox").split(",").map((s) => s.trim()).filter(Boolean);
const DIST = process.env.MOTICS_DIST ?? new URL("../../../dist", import.meta.url).pathname;
const GECKO_ID = "motics-push@motics.ai"; // tools/manifest.py
const FIREFOX_UUID = "6d1f2a4e-3c5b-4a7d-9e8f-0a1b2c3d4e5f"; // pinned moz-extension:// host

/**
 * Launch `kind` ("chromium" | "firefox") with the extension installed and the sandbox's hosts mapped.
 * Returns a session with helpers; every page and the background's console errors are collected in
 * `session.errors` so tests can assert there were none.
 */
export async function launch(kind, sandbox, { firefoxPrefs = {}, locale = "en-AU", dist = DIST } = {}) {
  const session = kind === "chromium" ? await launchChromium(sandbox, locale, dist) : await launchFirefox(sandbox, firefoxPrefs, locale, dist);
  session.kind = kind;
  session.sandbox = sandbox;
  // Every suite's after-hook closes its session: read the whole of storage.local first and fail
  // the suite if any note text or patient name reached the disk (README → Privacy).
  const close = session.close.bind(session);
  session.close = async () => {
    try {
      await assertNothingPrivateStored(session, sandbox);
    } finally {
      await close();
    }
  };
  return session;
}

/**
 * Throw if `storage.local` holds any patient's name or any phrase of a Motics note (the sandbox
 * lists them: GET /privacy/words). A closed or crashed browser has nothing to read: skipped.
 */
export async function assertNothingPrivateStored(session, sandbox) {
  const words = await sandbox.admin.privateWords().catch(() => null);
  if (!words) return;
  let stored;
  try {
    const page = await session.openExtensionPage("options.html");
    stored = await page.evaluate(async () => JSON.stringify(await (globalThis.browser ?? globalThis.chrome).storage.local.get(null)));
    await page.close().catch(() => {});
  } catch {
    return;
  }
  const found = words.filter((w) => stored.includes(w) || stored.includes(JSON.stringify(w).slice(1, -1)));
  if (found.length) throw new Error(`storage.local holds note text or patient names: ${found.slice(0, 5).join(" | ")}`);
}

// Every console line of every page we open (and the background), for "the key is never logged".
export const consoleLines = [];

// `errors` collects what the extension's own pages and background report; a web page's console is
// the site's business (its lines still go to consoleLines, for the "key never logged" check).
function trackErrors(page, errors, label, { own = true } = {}) {
  page.on("console", (m) => {
    consoleLines.push(`${label}: ${m.text()}`);
    if (own && m.type() === "error") errors.push(`${label} console: ${m.text()}`);
  });
  page.on("pageerror", (e) => { if (own) errors.push(`${label} exception: ${e?.message ?? e}`); });
  return page;
}

async function launchChromium(sandbox, locale, dist) {
  const ext = path.join(dist, "chrome");
  // Every host name resolves to the sandbox (issue 15 §11): a request to a host it doesn't serve
  // is recorded there and fails the suite (lib/sandbox.js stop()), instead of vanishing in DNS.
  const map = `MAP * 127.0.0.1:${sandbox.port}, EXCLUDE localhost`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "motics-chromium-"));
  const start = () => puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    pipe: true,
    enableExtensions: [ext],
    userDataDir,
    args: [
      "--no-sandbox", // CI runs as root
      `--host-resolver-rules=${map}`,
      `--ignore-certificate-errors-spki-list=${sandbox.spki_sha256}`,
      "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
      "--disable-gpu", "--disable-quic",
      // A clinic in Australia unless told otherwise: the browser language (navigator.language)
      // the extension formats and reads dates with.
      `--lang=${locale}`, `--accept-lang=${locale},en`,
    ],
  });
  let browser = await start();
  const errors = [];
  const swTarget = await browser.waitForTarget(
    (t) => t.type() === "service_worker" && t.url().endsWith("/background.js"), { timeout: 20_000 });
  const extensionId = new URL(swTarget.url()).host;
  const base = `chrome-extension://${extensionId}/`;
  const worker = async () => {
    const t = await browser.waitForTarget(
      (t) => t.type() === "service_worker" && t.url() === `${base}background.js`, { timeout: 20_000 });
    const w = await t.worker();
    if (!w.__tracked) {
      w.__tracked = true;
      w.on("console", (m) => {
        consoleLines.push(`background: ${m.text()}`);
        if (m.type() === "error") errors.push(`background console: ${m.text()}`);
      });
    }
    return w;
  };
  await worker();

  const session = {
    browser, errors, base, extensionId,
    /**
     * Close the browser and start it again on the same profile (what a clinician's restart does:
     * storage.local stays, storage.session and the worker are gone). Open pages are gone too.
     */
    async restart() {
      await browser.close();
      browser = await start();
      session.browser = browser;
      await worker();
    },
    /** Stop the service worker, as Chrome does to an idle extension; the next event restarts it. */
    async stopBackground() {
      const w = await worker();
      await w.close();
      const end = Date.now() + 10_000;
      while (browser.targets().some((t) => t.type() === "service_worker" && t.url() === `${base}background.js`)) {
        if (Date.now() > end) throw new Error("the service worker did not stop");
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** Evaluate a function in the background (service worker). */
    async inBackground(fn, ...args) { return (await worker()).evaluate(fn, ...args); },
    /** Open an extension page in a new tab. */
    async openExtensionPage(rel) {
      const page = trackErrors(await browser.newPage(), errors, rel);
      await page.goto(base + rel, { waitUntil: "load" });
      return page;
    },
    /** Open a web page (e.g. a Motics session) in a new tab, in front. */
    async openWebPage(url) {
      const page = trackErrors(await browser.newPage(), errors, url, { own: false });
      await page.goto(url, { waitUntil: "load" });
      await page.bringToFront();
      return page;
    },
    /**
     * The real toolbar popup, as a user opens it: with `tab` in front, the background calls
     * action.openPopup() and we attach to the popup target.
     */
    async openPopup(tab) {
      if (tab) await tab.bringToFront();
      await (await worker()).evaluate("chrome.action.openPopup()");
      const t = await browser.waitForTarget((t) => t.type() === "page" && t.url().startsWith(`${base}popup.html`), { timeout: 10_000 });
      const page = trackErrors(await t.asPage(), errors, "popup");
      await page.waitForFunction(() => document.readyState === "complete");
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return session;
}

async function launchFirefox(sandbox, prefs, locale, dist) {
  const ext = path.join(dist, "firefox");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
    headless: true,
    acceptInsecureCerts: true, // covers background and extension fetches too (BiDi capability)
    args: ["--remote-allow-system-access"], // needed to navigate a tab to moz-extension://
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      "network.dns.localDomains": sandbox.hosts.join(","),
      // Every other host name too (issue 15 §11): the catch-all the sandbox audits.
      "network.dns.forceResolve": "127.0.0.1",
      "network.socket.forcePort": `443=${sandbox.port}`,
      "extensions.originControls.grantByDefault": true,
      // Accept permission prompts (the "Allow access to Cliniko" button) as a clinician would.
      "extensions.webextOptionalPermissionPrompts": false,
      "intl.locale.requested": locale,
      "intl.accept_languages": `${locale}, en`,
      ...prefs,
    },
  });
  const errors = [];
  await browser.installExtension(ext);
  const base = `moz-extension://${FIREFOX_UUID}/`;
  // page.goto() never resolves for moz-extension:// (no load events for extension contexts,
  // firefox-e2e.md §0.3), so navigate through BiDi directly and wait for "complete".
  const gotoExtension = async (page, rel) => {
    await page.mainFrame().browsingContext.navigate(base + rel, "complete");
    await page.waitForFunction(() => document.readyState === "complete");
    return page;
  };
  return {
    browser, errors, base, extensionId: FIREFOX_UUID,
    async openExtensionPage(rel) {
      const page = trackErrors(await browser.newPage(), errors, rel);
      return gotoExtension(page, rel);
    },
    async openWebPage(url) {
      const page = trackErrors(await browser.newPage(), errors, url, { own: false });
      await page.goto(url, { waitUntil: "load" });
      await page.bringToFront();
      return page;
    },
    /**
     * Firefox exposes no popup target, so the popup page opens in a tab with the target tab passed
     * explicitly (`?tab=`), the same code path the push window uses (extension/lib/target-tab.js).
     */
    async openPopup(tab) {
      let tabId = "";
      if (tab) {
        const url = tab.url();
        const helper = await browser.newPage();
        await gotoExtension(helper, "options.html");
        tabId = await helper.evaluate(async (u) => (await browser.tabs.query({ url: u }))[0]?.id ?? "", url);
        await helper.close();
      }
      const page = trackErrors(await browser.newPage(), errors, "popup");
      return gotoExtension(page, `popup.html${tabId !== "" ? `?tab=${tabId}` : ""}`);
    },
    async close() { await browser.close().catch(() => {}); },
  };
}

/** Send a runtime message to the background from an extension page, as the popup would. */
export async function sendFromExtensionPage(session, message) {
  const page = await session.openExtensionPage("options.html");
  try {
    return await page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), message);
  } finally {
    await page.close();
  }
}
