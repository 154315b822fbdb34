// `./build.sh bench`: measures the release build against baselines taken in the same run and
// writes bench/report.md + bench/report.json (both gitignored; bench/out holds scratch files).
// Benchmarks only report: nothing here passes or fails on a number. See bench/README.md.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import puppeteer from "puppeteer-core";
import { startSandbox } from "../lib/sandbox.js";
import { launch, sendFromExtensionPage } from "../lib/browser.js";
import { connectCliniko, popupOn } from "../lib/flows.js";
import { fill } from "../lib/ui.js";

const ROOT = path.resolve(new URL("../../..", import.meta.url).pathname);
const DIST = process.env.MOTICS_DIST ?? path.join(ROOT, "dist");
const OUT = path.join(ROOT, "bench", "out");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const QUEUE_NOTES = Number(process.env.BENCH_QUEUE_NOTES ?? 300);
fs.mkdirSync(OUT, { recursive: true });

const report = { generated_at: new Date().toISOString(), runs: RUNS, sections: {} };
const log = (m) => console.log(`bench: ${m}`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const ratio = (a, b) => (b > 0 ? round(a / b, 2) : null);
const NODE_MODULES = path.resolve(new URL("../node_modules", import.meta.url).pathname);
// Push references are six of this alphabet (src/push/run.rs); unique per run and item.
const REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const REF_BASE = Math.floor(Math.random() * 31 ** 5);
const pushRef = (i) => {
  let n = REF_BASE + i, out = "";
  for (let k = 0; k < 6; k++) { out = REF_ALPHABET[n % 31] + out; n = Math.floor(n / 31); }
  return out;
};

// ---- size -------------------------------------------------------------------------------------
function size() {
  const wasm = fs.readFileSync(path.join(DIST, "chrome", "pkg", "motics_push_bg.wasm"));
  const gz = zlib.gzipSync(wasm, { level: 9 }).length;
  const zips = fs.readdirSync(DIST).filter((f) => f.endsWith(".zip"))
    .map((f) => ({ file: f, bytes: fs.statSync(path.join(DIST, f)).size }));
  const variants = [];
  // Optional extra builds measured by build.sh (BENCH_SIZE_VARIANTS=1), e.g. opt-level "s".
  for (const f of fs.existsSync(OUT) ? fs.readdirSync(OUT) : []) {
    const m = /^variant-(.+)\.wasm$/.exec(f);
    if (!m) continue;
    const bytes = fs.readFileSync(path.join(OUT, f));
    variants.push({ name: m[1], raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length });
  }
  return { wasm_raw: wasm.length, wasm_gzip: gz, goal_gzip: 120 * 1024, zips, variants };
}

// ---- cold start (Chromium) --------------------------------------------------------------------
function writeEmptyExtension() {
  const dir = path.join(OUT, "empty-extension");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({
    manifest_version: 3, name: "empty", version: "1.0",
    background: { service_worker: "background.js", type: "module" },
    options_ui: { page: "options.html", open_in_tab: true },
  }, null, 2));
  fs.writeFileSync(path.join(dir, "background.js"),
    "chrome.runtime.onMessage.addListener((m, s, reply) => { reply({ ok: true, value: null }); return false; });\n");
  fs.writeFileSync(path.join(dir, "options.html"), "<!doctype html><title>empty</title>\n");
  return dir;
}

/** Stop the extension's worker, then time one message from its page until the answer. */
async function coldStarts(browser, base, message) {
  const page = await browser.newPage();
  await page.goto(`${base}options.html`, { waitUntil: "load" });
  const cdp = await page.createCDPSession();
  await cdp.send("ServiceWorker.enable");
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    await cdp.send("ServiceWorker.stopAllWorkers");
    await new Promise((r) => setTimeout(r, 300));
    times.push(await page.evaluate(async (m) => {
      const t0 = performance.now();
      const reply = await chrome.runtime.sendMessage(m);
      if (!reply?.ok) throw new Error(JSON.stringify(reply));
      return performance.now() - t0;
    }, message));
  }
  await page.close();
  return times;
}

async function coldStart() {
  const launchWith = async (dir) => {
    const browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, pipe: true,
      enableExtensions: [dir], args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-gpu"],
    });
    const sw = await browser.waitForTarget((t) => t.type() === "service_worker", { timeout: 20_000 });
    return { browser, base: `chrome-extension://${new URL(sw.url()).host}/` };
  };
  const empty = await launchWith(writeEmptyExtension());
  const ours = await launchWith(path.join(DIST, "chrome"));
  try {
    // Interleave so machine noise hits both alike.
    const e = [], o = [];
    for (let round = 0; round < 2; round++) {
      e.push(...await coldStarts(empty.browser, empty.base, { type: "ping" }));
      o.push(...await coldStarts(ours.browser, ours.base, { type: "core/info" }));
    }
    return { empty_ms: round(median(e)), motics_ms: round(median(o)), overhead_ms: round(median(o) - median(e)),
      goal_overhead_ms: 50, samples: o.length, browser: "chromium",
      method: "ServiceWorker.stopAllWorkers, then one runtime message from the extension's page to its answer" };
  } finally {
    await empty.browser.close();
    await ours.browser.close();
  }
}

// ---- render -----------------------------------------------------------------------------------
/** A SOAP note in Markdown of about `bytes` bytes (headings, lists, bold, paragraphs). */
function soapMarkdown(bytes) {
  const parts = ["# Session summary\n"];
  const sections = ["Subjective", "Objective", "Assessment", "Plan"];
  let i = 0;
  while (parts.join("").length < bytes) {
    const s = sections[i % 4];
    parts.push(`\n## ${s} ${i}\n\nPatient reports **${i % 7} / 10** pain in the *left* shoulder after lifting; sleep is ` +
      `disturbed & improving. Reviewed home programme <compliance ~80%>.\n\n- Range of motion: flexion ${90 + (i % 60)}°\n` +
      `- Strength: 4/5 external rotation\n  - re-test in 2 weeks\n1. Continue isometrics\n2. Add band rows\n\n` +
      `> Clinician note: follow up with GP re imaging.\n`);
    i++;
  }
  return parts.join("").slice(0, bytes);
}

async function render(s) {
  const page = await s.openExtensionPage("options.html");
  await page.evaluate(fs.readFileSync(path.join(NODE_MODULES, "marked/lib/marked.umd.js"), "utf8"));
  await page.evaluate(fs.readFileSync(path.join(NODE_MODULES, "dompurify/dist/purify.js"), "utf8"));
  const rows = [];
  for (const kb of [10, 100, 500]) {
    const text = soapMarkdown(kb * 1000);
    const r = await page.evaluate(async (text, runs) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const ours = [], base = [];
      let html = "";
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now();
        const reply = await api.runtime.sendMessage({ type: "note/prepare", source: { format: "markdown", text } });
        ours.push(performance.now() - t0);
        if (!reply.ok) throw new Error(JSON.stringify(reply.error));
        html = JSON.stringify(reply.value).length;
        t0 = performance.now();
        const out = globalThis.DOMPurify.sanitize(globalThis.marked.parse(text), {
          ALLOWED_TAGS: ["p", "div", "br", "ul", "ol", "li", "blockquote", "h1", "h2", "b", "i", "u", "a"] });
        base.push(performance.now() - t0 + (out.length ? 0 : 0));
      }
      const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { ours: med(ours), base: med(base), reply_bytes: html };
    }, text, RUNS);
    rows.push({ note_kb: kb, motics_ms: round(r.ours), baseline_ms: round(r.base), ratio: ratio(r.ours, r.base) });
  }
  await page.close();
  return { rows, baseline: "marked + DOMPurify (Cliniko's tag allowlist) in the same extension page",
    motics: "note/prepare message: Markdown → Note → Cliniko HTML + preview + downgrade report, incl. the message round trip" };
}

// ---- push -------------------------------------------------------------------------------------
async function findPatient(s, query) {
  const r = await sendFromExtensionPage(s, { type: "patients/search", ehr: "cliniko", query });
  const list = r.value?.patients ?? r.value?.results ?? r.value;
  if (!r.ok || !Array.isArray(list) || !list.length) throw new Error(`search ${query}: ${JSON.stringify(r).slice(0, 300)}`);
  return list[0];
}

/** A realistic clinic-to-Cliniko round trip, added by the sandbox to every Cliniko reply for the second pair. */
const CLINIKO_DELAY_MS = Number(process.env.BENCH_CLINIKO_DELAY_MS ?? 150);

async function push(s, sandbox) {
  const patient = await findPatient(s, "Margaret O'Brien");
  const plain = await pushPair(s, sandbox, patient, "plain", 0);
  await sandbox.admin.fault({ path: "/v1/*", count: 100_000, kind: "delay", delay_ms: CLINIKO_DELAY_MS });
  let delayed;
  try {
    delayed = await pushPair(s, sandbox, patient, "delayed", 500);
  } finally {
    await sandbox.admin.clearFaults();
  }
  return { ...plain, [`with_${CLINIKO_DELAY_MS}ms_per_cliniko_reply`]: delayed, goal_overhead_pct: 15,
    method: "as the popup does it: push/preflight first (untimed: it runs while the clinician reads the preview), then push/start from an extension page until its reply (the POST; the check for copies runs after the reply and is waited for, untimed, before the next push) vs one bare fetch of the same POST from the service worker" };
}

/** One pair of timings: ours (preflight untimed, then push/start → reply) and the bare POST, with the sandbox as it is now. */
async function pushPair(s, sandbox, patient, label, refOffset) {
  const page = await s.openExtensionPage("options.html");
  const text = soapMarkdown(3000);
  const send = (m) => page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), m);
  const clinikoLog = async () => (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com"));
  const ours = [], clickRequests = [], allRequests = [];
  for (let i = 0; i < RUNS; i++) {
    const title = `Bench ${label} ${REF_BASE} ${i}`;
    const before = (await clinikoLog()).length;
    const pre = await send({ type: "push/preflight", ehr: "cliniko", patient, title });
    if (!pre.ok || pre.value !== null) throw new Error(`preflight: ${JSON.stringify(pre).slice(0, 300)}`);
    const atClick = (await clinikoLog()).length;
    const { dt, reply } = await page.evaluate(async (m) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const t0 = performance.now();
      const reply = await api.runtime.sendMessage(m);
      return { dt: performance.now() - t0, reply };
    }, { type: "push/start", ehr: "cliniko", source: { format: "markdown", text: `${text}\n\nrun ${label} ${i}` }, patient, title, draft: true,
      push_ref: pushRef(refOffset + i), confirm_duplicate: false });
    if (!reply.ok || reply.value?.job?.state !== "done") throw new Error(JSON.stringify(reply).slice(0, 400));
    // The click's requests end with its POST; the check for copies starts as soon as the reply
    // is out, so its GET may already be in the log and is not the click's.
    const sinceClick = (await clinikoLog()).slice(atClick);
    clickRequests.push(sinceClick.findIndex((r) => r.method === "POST" && r.path === "/v1/treatment_notes") + 1);
    // Untimed: the check for copies (started by the background after the reply) finishes first,
    // so it never overlaps the next push.
    for (let k = 0; k < 200; k++) {
      const job = await send({ type: "jobs/get", id: reply.value.job.id });
      if (job.ok && !job.value.verify_due) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    allRequests.push((await clinikoLog()).length - before);
    ours.push(dt);
  }
  await page.close();
  // The same POST, bare, from the same worker (Chromium; Firefox's event page has no evaluate hook here).
  const posts = (await clinikoLog()).filter((r) => r.method === "POST" && r.path === "/v1/treatment_notes");
  const last = posts.at(-1);
  const bare = [];
  if (s.inBackground && last) {
    for (let i = 0; i < RUNS; i++) {
      bare.push(await s.inBackground(async (host, headers, body) => {
        const t0 = performance.now();
        const r = await fetch(`https://${host}/v1/treatment_notes`, { method: "POST", headers, body });
        await r.text();
        if (r.status !== 201) throw new Error(`bare POST: ${r.status}`);
        return performance.now() - t0;
      }, last.host, { authorization: last.headers.authorization, accept: "application/json", "content-type": "application/json" }, last.body));
    }
  }
  const o = median(ours), b = median(bare);
  return { motics_ms: round(o), bare_fetch_ms: round(b), overhead_ms: b ? round(o - b) : null, overhead_pct: b ? round((o / b - 1) * 100) : null,
    requests_at_click: median(clickRequests), requests_per_push: median(allRequests), all_motics_ms: ours.map((x) => round(x)) };
}

// ---- search -----------------------------------------------------------------------------------
async function search(s, sandbox, key) {
  // Before the popup opens: another tab taking focus would close it.
  const smith = (await sendFromExtensionPage(s, { type: "patients/search", ehr: "cliniko", query: "Smith" }));
  const anyPatient = (smith.value?.patients ?? smith.value ?? [])[0];
  const queries = [
    ["name", "Margaret O'Brien"], ["last name", "Smith"], ["email", anyPatient?.email ?? "a@example.org"],
    ["date of birth", "02/11/1985"], ["id", anyPatient?.id ?? "1"], ["phone", "0499 000 111"],
  ];
  const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/variants/article`);
  const rows = [];
  for (const [kind, q] of queries) {
    await sandbox.admin.clearRequests();
    const t0 = Date.now();
    await fill(popup, "Search patients", q);
    const typed = Date.now();
    await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q
      && document.getElementById("phone-scan").hidden, { timeout: 120_000 }, q);
    const shown = Date.now();
    const log = (await sandbox.admin.requests()).filter((r) => r.path.startsWith("/v1/"));
    // The sandbox's own latency: the same requests replayed from Node, one after another.
    let sandboxMs = 0;
    for (const r of log) {
      const t = Date.now();
      await fetchDirect(sandbox, key, r);
      sandboxMs += Date.now() - t;
    }
    rows.push({ kind, requests: log.length, keystroke_to_results_ms: shown - typed, debounce_ms: 250,
      sandbox_ms: sandboxMs, net_ms: Math.max(0, shown - typed - 250 - sandboxMs), typing_ms: typed - t0 });
  }
  await popup.close();
  await tab.close();
  return { rows, note: "from the last keystroke to rendered results, minus the popup's 250 ms debounce and the sandbox's own time for the same requests replayed from Node" };
}

async function fetchDirect(sandbox, key, r) {
  const https = await import("node:https");
  return new Promise((resolve) => {
    const req = https.request({ host: "127.0.0.1", port: sandbox.port, method: r.method, path: `${r.path}${r.query ? `?${r.query}` : ""}`,
      servername: r.host, rejectUnauthorized: false, headers: { ...r.headers, host: r.host } }, (res) => { res.resume(); res.on("end", resolve); });
    req.on("error", resolve);
    req.end();
  });
}

// ---- queue ------------------------------------------------------------------------------------
async function queue(s, sandbox) {
  const limit = 20, windowS = 6;
  await sandbox.admin.config({ rate_limit: { limit, window_s: windowS } });
  const patients = [];
  for (const q of ["Margaret O'Brien", "Aroha Ngāta", "Chloé Lefèvre-Martin"]) patients.push(await findPatient(s, q));
  await sandbox.admin.clearRequests();
  const items = Array.from({ length: QUEUE_NOTES }, (_, i) => ({
    ehr: "cliniko", source: { format: "text", text: `Queued note ${i}: reviewed exercises, progressing well.` },
    patient: patients[i % patients.length], title: `Queued ${i}`, draft: true, push_ref: pushRef(1000 + i),
    confirm_duplicate: true,
  }));
  const page = await s.openExtensionPage("options.html");
  const t0 = Date.now();
  const send = (m) => page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), m);
  // The popup sends jobs/tick without waiting for its reply (extension/popup/queue.js): one tick
  // may run the whole queue, waiting out short 429 pauses itself. A tick sent while one runs is a
  // no-op, so kicking one every poll only matters after a tick ends on a long pause.
  const kick = (m) => page.evaluate((m) => { (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m).catch(() => {}); }, m);
  const queued = await send({ type: "push/queue", items });
  if (!queued.ok) throw new Error(JSON.stringify(queued).slice(0, 300));
  const accepted = queued.value.filter((st) => st.job).length;
  const askedToConfirm = queued.value.filter((st) => st.needs_confirmation).length;
  let jobs = [];
  for (;;) {
    await kick({ type: "jobs/tick" });
    const r = await send({ type: "jobs/list" });
    jobs = r.value ?? [];
    const open = jobs.filter((j) => ["queued", "sending", "retry_wait"].includes(j.state));
    if (!open.length || Date.now() - t0 > 20 * 60_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const elapsed = (Date.now() - t0) / 1000;
  // Anything still arriving after the outbox says it is empty would be a bug, not slowness: look again.
  await new Promise((r) => setTimeout(r, 3000));
  await kick({ type: "jobs/tick" });
  await page.close();
  const log = (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com"));
  const minimum = Math.max(0, Math.ceil(log.length / limit) - 1) * windowS; // the first window is free
  // Note ids are random 64-bit numbers, so find this run's notes by their titles, not by position.
  const mine = (await sandbox.admin.notes()).filter((n) => /^Queued \d+$/.test(n.title ?? ""));
  const live = mine.filter((n) => !n.archived_at).map((n) => n.title);
  const duplicates = live.length - new Set(live).size;
  const missing = QUEUE_NOTES - new Set(live).size;
  const surfaced = jobs.filter((j) => j.error?.kind === "rate_limited" || (j.state !== "done" && j.error)).length;
  await sandbox.admin.config({ rate_limit: { limit: 200, window_s: 60 } });
  return { notes: QUEUE_NOTES, rate_limit: `${limit} per ${windowS} s`, requests: log.length,
    responses_429: log.filter((r) => r.status === 429).length, elapsed_s: round(elapsed),
    theoretical_min_s: minimum, ratio: ratio(elapsed, minimum), goal_ratio: 1.1,
    accepted, asked_to_confirm: askedToConfirm, jobs_listed_at_end: jobs.length, jobs_done: jobs.filter((j) => j.state === "done").length, errors_surfaced: surfaced,
    notes_created: mine.length, archived_copies: mine.length - live.length, missing, duplicates, note: "jobs driven by jobs/tick messages sent without awaiting the reply (as the popup and the outbox alarm do; a tick waits out short 429 pauses itself); minimum = windows needed for the requests actually made" };
}

// ---- report -----------------------------------------------------------------------------------
function markdown(r) {
  const L = [];
  const sz = r.sections.size;
  L.push(`# Motics Push benchmarks`, "", `Generated ${r.generated_at}; ${r.runs} runs per timing (median). Ratios are against baselines measured in the same run.`, "");
  if (sz) {
    L.push("## Size", "", "| what | bytes | KB |", "|---|---:|---:|");
    L.push(`| wasm raw | ${sz.wasm_raw} | ${round(sz.wasm_raw / 1024)} |`, `| wasm gzip -9 | ${sz.wasm_gzip} | ${round(sz.wasm_gzip / 1024)} (goal ≤ 120) |`);
    for (const z of sz.zips) L.push(`| ${z.file} | ${z.bytes} | ${round(z.bytes / 1024)} |`);
    for (const v of sz.variants) L.push(`| variant ${v.name}: raw / gzip | ${v.raw} / ${v.gzip} | ${round(v.gzip / 1024)} gzip |`);
    L.push("");
  }
  const sec = (name, v) => { L.push(`## ${name}`, "", "```json", JSON.stringify(v, null, 2), "```", ""); };
  for (const [k, v] of Object.entries(r.sections)) {
    if (k === "size") continue;
    if (v?.rows) {
      L.push(`## ${k}`, "", v.note ?? v.baseline ?? "", "");
      const cols = Object.keys(v.rows[0] ?? {});
      L.push(`| ${cols.join(" | ")} |`, `|${cols.map(() => "---").join("|")}|`);
      for (const row of v.rows) L.push(`| ${cols.map((c) => row[c]).join(" | ")} |`);
      L.push("");
    } else sec(k, v);
  }
  return L.join("\n");
}

async function step(name, fn) {
  log(name);
  try {
    report.sections[name] = await fn();
  } catch (e) {
    report.sections[name] = { error: String(e?.stack ?? e).slice(0, 800) };
    console.error(`bench: ${name} failed: ${e?.message ?? e}`);
  }
}

const only = (process.env.BENCH_ONLY ?? "size,cold_start,render,push,search,queue").split(",");
const sandbox = await startSandbox();
let s;
try {
  if (only.includes("size")) await step("size", size);
  if (only.includes("cold_start")) await step("cold_start", coldStart);
  s = await launch("chromium", sandbox);
  await connectCliniko(s, sandbox);
  if (only.includes("render")) await step("render", () => render(s));
  if (only.includes("push")) await step("push", () => push(s, sandbox));
  if (only.includes("search")) await step("search", () => search(s, sandbox, sandbox.keys.practitioner));
  if (only.includes("queue")) await step("queue", () => queue(s, sandbox));
} finally {
  await s?.close();
  await sandbox.stop();
}
fs.writeFileSync(path.join(ROOT, "bench", "report.json"), `${JSON.stringify(report, null, 2)}\n`);
fs.writeFileSync(path.join(ROOT, "bench", "report.md"), `${markdown(report)}\n`);
log(`wrote bench/report.md and bench/report.json`);
