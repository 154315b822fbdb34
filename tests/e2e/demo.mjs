// `./build.sh demo`: start the sandbox, open Chromium with the extension against it, open the demo
// Motics session and the options page, and print the demo key. With a display it stays open until
// Ctrl-C; without one it runs a scripted walkthrough of what the extension can do, printing each step
// and saving screenshots, then exits. Either way no process is left behind.
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";
import { startSandbox } from "./lib/sandbox.js";
import { launch } from "./lib/browser.js";
import { walkthrough } from "./lib/walkthrough.js";

const headed = Boolean(process.env.DISPLAY) && !process.env.CI && process.env.DEMO_HEADLESS !== "1";
const shots = path.resolve(process.env.DEMO_SCREENSHOTS ?? new URL("../../demo-screenshots", import.meta.url).pathname);

const sandbox = await startSandbox();
let session;
const cleanup = async () => {
  await session?.close();
  await sandbox.stop();
};
process.on("SIGINT", () => cleanup().then(() => process.exit(0)));
process.on("SIGTERM", () => cleanup().then(() => process.exit(0)));

try {
  console.log(`sandbox: https://127.0.0.1:${sandbox.port} (served as ${sandbox.hosts.length} host names)`);
  console.log(`demo Cliniko API key (paste it in Settings): ${sandbox.keys.practitioner}`);
  if (headed) {
    session = await launchHeaded(sandbox);
    console.log("Chromium is open with Motics Push. Press Ctrl-C to stop.");
    await new Promise(() => {});
  } else {
    fs.mkdirSync(shots, { recursive: true });
    session = await launch("chromium", sandbox);
    await walkthrough(session, sandbox, { shots, log: (m) => console.log(`- ${m}`) });
    console.log(`screenshots: ${shots}`);
  }
} catch (e) {
  console.error(`demo failed: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (!headed) await cleanup();
}

async function launchHeaded(sb) {
  const map = sb.hosts.map((h) => `MAP ${h} 127.0.0.1:${sb.port}`).join(", ");
  const ext = path.join(process.env.MOTICS_DIST, "chrome");
  const userDataDir = fs.mkdtempSync(path.join((await import("node:os")).tmpdir(), "motics-demo-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: false, pipe: true, defaultViewport: null,
    enableExtensions: [ext], userDataDir,
    args: [`--host-resolver-rules=${map}`, `--ignore-certificate-errors-spki-list=${sb.spki_sha256}`,
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : [])],
  });
  const sw = await browser.waitForTarget((t) => t.type() === "service_worker" && t.url().endsWith("/background.js"));
  const base = `chrome-extension://${new URL(sw.url()).host}/`;
  const [first] = await browser.pages();
  await first.goto(`${sb.motics_url}/`);
  const options = await browser.newPage();
  await options.goto(`${base}options.html`);
  return { browser, close: async () => { await browser.close().catch(() => {}); fs.rmSync(userDataDir, { recursive: true, force: true }); } };
}
