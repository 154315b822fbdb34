// `./build.sh bench`: measures the release build against baselines taken in the same run and
// writes bench/report.md + bench/report.json (both gitignored; bench/out holds scratch files).
// Benchmarks only report: nothing here passes or fails on a number. See bench/README.md.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import puppeteer from "puppeteer-core";
import { startSandbox } from "../lib/sandbox.js";
import { launch, sendFromExtensionPage } from "../lib/browser.js";
import { popupOn } from "../lib/flows.js";
import { fill } from "../lib/ui.js";

const ROOT = path.resolve(new URL("../../..", import.meta.url).pathname);
const DIST = process.env.MOTICS_DIST ?? path.join(ROOT, "dist");
const OUT = path.join(ROOT, "bench", "out");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const QUEUE_NOTES = Number(process.env.BENCH_QUEUE_NOTES ?? 300);
// Queues run one after another in the same worker (memory is read after each: a second queue that
// grows the wasm memory again would be a leak, one that doesn't a high-water mark).
const QUEUE_TIMES = Number(process.env.BENCH_QUEUE_TIMES ?? 1);
// Notes per `push/queue` message, each acknowledged before the next, as the popup hands a queue
// over (extension/popup/queue.js); `BENCH_QUEUE_SLICE=0` sends the whole queue in one message.
const QUEUE_SLICE = Number(process.env.BENCH_QUEUE_SLICE ?? 15);
// How often the queue's progress is read (`jobs/list`); the popup reads it every 1000 ms.
const QUEUE_POLL_MS = Number(process.env.BENCH_QUEUE_POLL_MS ?? 250);
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

// ---- the message protocol: the one place the bench names messages ------------------------------
// Every EHR-specific message carries `ehr` (extension/lib/messages.js).
const MESSAGES = {
  connect: (ehr, key) => ({ type: "connection/connect", ehr, key }),
  setPractitioner: (ehr, practitioner_id) => ({ type: "connection/set-practitioner", ehr, practitioner_id }),
  search: (ehr, query) => ({ type: "patients/search", ehr, query }),
  cases: (ehr, patient_id) => ({ type: "cases/list", ehr, patient_id }),
  nookalPush: ({ patient, caseId, source, prepared, pushRef }) => ({ type: "push/start", ehr: "nookal", source, patient, title: "",
    case_id: caseId, push_ref: pushRef, created_display: prepared.created_display ?? null, utc_offset_min: 600, confirm_duplicate: false }),
};
const EHR = (ehr) => ({ ehr });
const SAME = {
  info: { type: "core/info" }, status: (ehr) => ({ type: "connection/status", ehr }), prepare: (ehr, source) => ({ type: "note/prepare", ehr, source }),
  preflight: (patient, title) => ({ type: "push/preflight", ...EHR("cliniko"), patient, title }),
  clinikoPush: (fields) => ({ type: "push/start", ...EHR("cliniko"), ...fields }),
  queue: (items) => ({ type: "push/queue", items: items.map((i) => ({ ...EHR("cliniko"), ...i })) }),
  jobGet: (id) => ({ type: "jobs/get", id }), jobsList: { type: "jobs/list" }, jobsTick: { type: "jobs/tick" },
};

async function connect(s, ehr, key) {
  let reply = await sendFromExtensionPage(s, MESSAGES.connect(ehr, key));
  // A section before may have spent the sandbox's rate window (popup opens list the diary): wait
  // out the reset the extension reports, once, rather than lose the run.
  if (reply?.error?.kind === "rate_limited") {
    await new Promise((r) => setTimeout(r, (Number(reply.error.params?.[1]) || 60) * 1000 + 500));
    reply = await sendFromExtensionPage(s, MESSAGES.connect(ehr, key));
  }
  if (!reply?.ok) throw new Error(`connect ${ehr}: ${JSON.stringify(reply).slice(0, 300)}`);
  return reply.value;
}

// ---- the instrumented build: bench-only probes in a copy of dist/chrome (never shipped) ---------
const PROBE_DIST = path.join(OUT, "probe");
function instrumentedBuild() {
  const dir = path.join(PROBE_DIST, "chrome");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(DIST, "chrome"), dir, { recursive: true });
  const probes = new URL("./probe/", import.meta.url).pathname;
  for (const f of fs.readdirSync(probes)) fs.copyFileSync(path.join(probes, f), path.join(dir, `bench-${f}`));
  // (bench-empty-popup.html loads bench-empty-popup.js: both keep their names with the prefix.)
  fs.renameSync(path.join(dir, "background.js"), path.join(dir, "background-main.js"));
  fs.writeFileSync(path.join(dir, "background.js"),
    'import "./bench-sw-start.js";\nimport "./background-main.js";\nimport "./bench-sw-end.js";\n');
  const popup = path.join(dir, "popup.html");
  fs.writeFileSync(popup, fs.readFileSync(popup, "utf8").replace("<head>", '<head>\n  <script src="bench-popup-probe.js"></script>'));
  return PROBE_DIST;
}

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
    "const evalStart = performance.now();\n" +
    "chrome.runtime.onMessage.addListener((m, s, reply) => { reply({ ok: true, value: null, origin: performance.timeOrigin, eval_start: evalStart }); return false; });\n");
  fs.writeFileSync(path.join(dir, "options.html"), "<!doctype html><title>empty</title>\n");
  return dir;
}

/**
 * Stop the extension's worker, then time one message from its page until the answer. With
 * `breakdown`, also read the instrumented build's marks from the restarted worker (epoch ms,
 * relative to the message being sent).
 */
async function coldStarts(browser, base, message, breakdown = null, starts = null, next = null, nextTimes = null) {
  const page = await browser.newPage();
  await page.goto(`${base}options.html`, { waitUntil: "load" });
  const cdp = await page.createCDPSession();
  await cdp.send("ServiceWorker.enable");
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    await cdp.send("ServiceWorker.stopAllWorkers");
    await new Promise((r) => setTimeout(r, 300));
    const r = await page.evaluate(async (m, n) => {
      const t0 = performance.now();
      const reply = await chrome.runtime.sendMessage(m);
      if (!reply?.ok) throw new Error(JSON.stringify(reply));
      const t1 = performance.now();
      // The page's next message, sent at once (the popup's connection status after core/info).
      const nextReply = n && await chrome.runtime.sendMessage(n);
      if (n && !nextReply?.ok) throw new Error(JSON.stringify(nextReply));
      const t2 = performance.now();
      return { ms: t1 - t0, next_ms: t2 - t0, sent: performance.timeOrigin + t0, answered: performance.timeOrigin + t1,
        next_answered: performance.timeOrigin + t2, reply };
    }, message, next);
    times.push(r.ms);
    if (nextTimes) nextTimes.push(r.next_ms);
    // The empty extension says when its worker started and evaluated its one script.
    if (starts && r.reply.origin) starts.push({ started: r.reply.origin - r.sent, evaluated: r.reply.origin + r.reply.eval_start - r.sent });
    if (breakdown) {
      // The instrumented worker answers this itself (bench/probe/sw-start.js), before the core sees it.
      const marks = await page.evaluate(() => chrome.runtime.sendMessage({ type: "bench/marks" }));
      breakdown.push(parts(marks, r));
    }
  }
  await page.close();
  return times;
}

/** One cold start's parts, in ms from the message being sent (see bench/README.md). */
function parts(m, r) {
  const at = (t) => m.origin + t - r.sent;
  const spans = {};
  const answered = r.answered - r.sent;
  // Only what ran before the answer (the worker goes on, e.g. with its own storage reads).
  for (const x of m.spans.filter((x) => at(x.t0) < answered)) {
    const k = x.name.replace(/^fetch .*\.wasm$/, "fetch wasm (headers)").replace(/^fetch .*\.json$/, "fetch UA rule file");
    spans[k] = (spans[k] ?? 0) + (x.t1 - x.t0);
  }
  const end = (re) => Math.max(...m.spans.filter((x) => re.test(x.name)).map((x) => at(x.t1)), 0);
  return {
    "worker started (timeOrigin)": m.origin - r.sent,
    "modules fetched + parsed (to first module's evaluation)": m.eval_start,
    "module evaluation + listener setup (background.js body)": m.eval_end - m.eval_start,
    ...spans,
    "wasm ready (after start)": end(/^wasm/),
    "UA rule installed": end(/^dnr|UA rule/),
    "message reached the worker": at(m.message_at ?? NaN),
    "reply handed to sendResponse": at(m.replied_at ?? NaN),
    "answered (total)": answered,
    // The page's next message (the popup's connection status), when one was sent.
    ...(r.next_answered > r.answered ? {
      "next message reached the worker": at(m.messages?.[1] ?? NaN),
      "next: storage reads (sum)": m.spans.filter((x) => /^storage/.test(x.name) && at(x.t0) >= answered && at(x.t0) < r.next_answered - r.sent)
        .reduce((a, x) => a + x.t1 - x.t0, 0),
      "next reply handed to sendResponse": at(m.replies?.[1] ?? NaN),
      "next answered (total)": r.next_answered - r.sent,
    } : {}),
  };
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
  const probe = await launchWith(path.join(PROBE_DIST, "chrome"));
  // BENCH_BEFORE_DIST: an earlier build's dist, measured in the same run for a before/after ratio.
  const before = process.env.BENCH_BEFORE_DIST ? await launchWith(path.join(process.env.BENCH_BEFORE_DIST, "chrome")) : null;
  try {
    // Interleave so machine noise hits all alike.
    const e = [], o = [], p = [], b = [], w = [], es = [], on = [], wn = [];
    for (let round = 0; round < 2; round++) {
      e.push(...await coldStarts(empty.browser, empty.base, { type: "ping" }, null, es));
      o.push(...await coldStarts(ours.browser, ours.base, SAME.info, null, null, SAME.status("cliniko"), on));
      p.push(...await coldStarts(probe.browser, probe.base, SAME.info, b, null, SAME.status("cliniko")));
      if (before) w.push(...await coldStarts(before.browser, before.base, SAME.info, null, null, SAME.status("cliniko"), wn));
    }
    const keys = [...new Set(b.flatMap((x) => Object.keys(x)))];
    const breakdown = Object.fromEntries(keys.map((k) => [k, round(median(b.map((x) => x[k]).filter((v) => Number.isFinite(v))))]));
    return { empty_ms: round(median(e)), motics_ms: round(median(o)), overhead_ms: round(median(o) - median(e)),
      ratio_to_empty: ratio(median(o), median(e)), goal_overhead_ms: 10, samples: o.length, browser: "chromium",
      instrumented_build_ms: round(median(p)),
      // What the popup waits for before it can show anything: core/info, then the status message.
      motics_then_status_ms: round(median(on)),
      ...(before ? { before_then_status_ms: round(median(wn)) } : {}),
      ...(before ? { before_build_ms: round(median(w)), before_overhead_ms: round(median(w) - median(e)), after_over_before: ratio(median(o), median(w)) } : {}),
      breakdown_ms_from_send: breakdown,
      empty_extension_ms_from_send: { "worker started (timeOrigin)": round(median(es.map((x) => x.started))),
        "its one script evaluated": round(median(es.map((x) => x.evaluated))), "answered (total)": round(median(e)) },
      method: "ServiceWorker.stopAllWorkers, then one runtime message from the extension's page to its answer; the breakdown comes from the instrumented copy (bench/out/probe: probes wrap fetch, instantiateStreaming — split into body read, compile, instantiate — storage and declarativeNetRequest), each part a median over runs, in ms from the message being sent" };
  } finally {
    await empty.browser.close();
    await ours.browser.close();
    await probe.browser.close();
    await before?.browser.close();
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
    const r = await page.evaluate(async (text, runs, m) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const ours = [], base = [];
      let html = "";
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now();
        const reply = await api.runtime.sendMessage(m);
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
    }, text, RUNS, { ...SAME.prepare("cliniko", { format: "markdown", text }), copy: true }); // with the HTML, as the baseline makes
    rows.push({ note_kb: kb, motics_ms: round(r.ours), baseline_ms: round(r.base), ratio: ratio(r.ours, r.base) });
  }
  await page.close();
  return { rows, baseline: "marked + DOMPurify (Cliniko's tag allowlist) in the same extension page",
    motics: "note/prepare message with copy: true (as Copy note asks; the popup's open asks no HTML or text): Markdown → Note → Cliniko HTML + plain text + preview + downgrade report, incl. the message round trip" };
}

// ---- push -------------------------------------------------------------------------------------
async function findPatient(s, query, ehr = "cliniko") {
  let r = await sendFromExtensionPage(s, MESSAGES.search(ehr, query));
  // The core keeps to Cliniko's 200 requests per minute itself: after a busy section, wait it out.
  for (let k = 0; k < 5 && r.error?.kind === "rate_limited"; k++) {
    await new Promise((res) => setTimeout(res, (Number(r.error.params?.[1]) || 10) * 1000 + 500));
    r = await sendFromExtensionPage(s, MESSAGES.search(ehr, query));
  }
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
  // Nookal: the same pair (its click → reply vs one bare addTreatmentNote POST from the worker).
  let nookal;
  try {
    const st = await connect(s, "nookal", sandbox.keys.nookal);
    const practitioner = (st.practitioners ?? st.connection?.practitioners ?? [])[0];
    const set = await sendFromExtensionPage(s, MESSAGES.setPractitioner("nookal", practitioner?.id));
    if (!set.ok) throw new Error(`set practitioner: ${JSON.stringify(set).slice(0, 300)}`);
    const np = await findPatient(s, "Aroha Ngāta", "nookal");
    const nplain = await nookalPair(s, sandbox, np, "plain");
    await sandbox.admin.fault({ path: "/production/v2/*", count: 100_000, kind: "delay", delay_ms: CLINIKO_DELAY_MS });
    try {
      nookal = { ...nplain, [`with_${CLINIKO_DELAY_MS}ms_per_nookal_reply`]: await nookalPair(s, sandbox, np, "delayed") };
    } finally {
      await sandbox.admin.clearFaults();
    }
  } catch (e) {
    nookal = { error: String(e?.stack ?? e).slice(0, 600) };
  }
  return { ...plain, [`with_${CLINIKO_DELAY_MS}ms_per_cliniko_reply`]: delayed, nookal, goal_overhead_pct: 5,
    method: "as the popup does it: push/preflight first (untimed: it runs while the clinician reads the preview), then push/start from an extension page until its reply (the POST; the check for copies runs after the reply and is waited for, untimed, before the next push) vs one bare fetch of the same POST from the service worker" };
}

/** A push/start message's body, as push/preflight's `push` carries it. */
const withoutType = ({ type, ...body }) => body;

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
    const message = SAME.clinikoPush({ source: { format: "markdown", text: `${text}\n\nrun ${label} ${i}` }, patient, title, draft: true,
      push_ref: pushRef(refOffset + i), confirm_duplicate: false });
    // As the popup does: the preflight carries the whole push, prepared for the click.
    const pre = await send({ ...SAME.preflight(patient, title), push: withoutType(message) });
    if (!pre.ok || pre.value !== null) throw new Error(`preflight: ${JSON.stringify(pre).slice(0, 300)}`);
    const atClick = (await clinikoLog()).length;
    const { dt, reply } = await page.evaluate(async (m) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const t0 = performance.now();
      const reply = await api.runtime.sendMessage(m);
      return { dt: performance.now() - t0, reply };
    }, message);
    if (!reply.ok || reply.value?.job?.state !== "done") throw new Error(JSON.stringify(reply).slice(0, 400));
    // The click's requests end with its POST; the check for copies starts as soon as the reply
    // is out, so its GET may already be in the log and is not the click's.
    const sinceClick = (await clinikoLog()).slice(atClick);
    clickRequests.push(sinceClick.findIndex((r) => r.method === "POST" && r.path === "/v1/treatment_notes") + 1);
    // Untimed: the check for copies (started by the background after the reply) finishes first,
    // so it never overlaps the next push.
    for (let k = 0; k < 200; k++) {
      const job = await send(SAME.jobGet(reply.value.job.id));
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

/** Nookal's pair: prepare (untimed, as the preview does), then the push message until its reply, vs a bare POST. */
async function nookalPair(s, sandbox, patient, label) {
  const cases = await sendFromExtensionPage(s, MESSAGES.cases("nookal", patient.id));
  const caseId = cases.value?.default_case_id ?? cases.value?.cases?.[0]?.id ?? null;
  const page = await s.openExtensionPage("options.html");
  const send = (m) => page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), m);
  const nookalLog = async () => (await sandbox.admin.requests()).filter((r) => r.host === "api.nookal.com");
  const isPost = (r) => r.path.endsWith("/addTreatmentNote");
  const text = soapMarkdown(3000);
  const ours = [], clickRequests = [], allRequests = [];
  for (let i = 0; i < RUNS; i++) {
    const source = { format: "markdown", text: `${text}\n\nnookal ${label} ${REF_BASE} ${i}` };
    const prep = await send(SAME.prepare("nookal", source));
    if (!prep.ok) throw new Error(`prepare: ${JSON.stringify(prep).slice(0, 300)}`);
    const message = MESSAGES.nookalPush({ patient, caseId, source, prepared: prep.value, pushRef: prep.value.push_ref ?? pushRef(3000 + i) });
    // As the popup does: the preflight carries the whole push, prepared for the click.
    const pre = await send({ type: "push/preflight", ehr: "nookal", patient, title: message.title || "Treatment note", push: withoutType(message) });
    if (!pre.ok) throw new Error(`preflight: ${JSON.stringify(pre).slice(0, 300)}`);
    const before = (await nookalLog()).length;
    const { dt, reply } = await page.evaluate(async (m) => {
      const t0 = performance.now();
      const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m);
      return { dt: performance.now() - t0, reply };
    }, message);
    if (!reply.ok || reply.value?.job?.state !== "done") throw new Error(JSON.stringify(reply).slice(0, 400));
    // The click's requests end with its POST; the read-back (the job's check) starts as soon as
    // the reply is out and is waited for, untimed, before the next push.
    clickRequests.push((await nookalLog()).slice(before).findIndex(isPost) + 1);
    for (let k = 0; k < 200; k++) {
      const job = await send(SAME.jobGet(reply.value.job.id));
      if (job.ok && !job.value.verify_due) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    allRequests.push((await nookalLog()).length - before);
    ours.push(dt);
  }
  await page.close();
  const last = (await nookalLog()).filter(isPost).at(-1);
  const bare = [];
  if (s.inBackground && last) {
    for (let i = 0; i < RUNS; i++) {
      bare.push(await s.inBackground(async (url, headers, body) => {
        const t0 = performance.now();
        const r = await fetch(url, { method: "POST", headers, body });
        await r.text();
        if (r.status !== 200) throw new Error(`bare POST: ${r.status}`);
        return performance.now() - t0;
      }, `https://api.nookal.com${last.path}`, { "content-type": last.headers["content-type"] ?? "application/x-www-form-urlencoded; charset=UTF-8" }, last.body));
    }
  }
  const o = median(ours), b = median(bare);
  return { motics_ms: round(o), bare_fetch_ms: round(b), overhead_ms: b ? round(o - b) : null, ratio: ratio(o, b),
    requests_until_reply: median(clickRequests), requests_per_push: median(allRequests), all_motics_ms: ours.map((x) => round(x)) };
}

// ---- memory -----------------------------------------------------------------------------------
/** The worker's JS heap (after a GC) and its wasm memory, through the worker's own CDP session. */
async function workerMemory(s) {
  const sw = await s.browser.waitForTarget((t) => t.type() === "service_worker" && t.url() === `${s.base}background.js`);
  const w = await sw.worker();
  const c = w.client;
  await c.send("HeapProfiler.collectGarbage").catch(() => {});
  const heap = await c.send("Runtime.getHeapUsage");
  const proto = await c.send("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype" });
  const objs = await c.send("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
  const sizes = await c.send("Runtime.callFunctionOn", { objectId: objs.objects.objectId, returnByValue: true,
    functionDeclaration: "function () { return this.map((m) => m.buffer.byteLength); }" });
  const more = await w.evaluate(async () => {
    // The outbox is stored as one JSON string (src/push/outbox.rs): its length is its JSON size.
    const size = async (area, key) => {
      const v = (await chrome.storage[area].get(key))[key] ?? null;
      return typeof v === "string" ? v.length : JSON.stringify(v).length;
    };
    return { started: performance.timeOrigin, receipts: await size("local", "push.receipts"), outbox: await size("session", "push.outbox") };
  });
  return { js_heap_used_bytes: heap.usedSize, js_heap_total_bytes: heap.totalSize,
    wasm_memory_bytes: sizes.result.value.reduce((a, b) => a + b, 0), wasm_memories: sizes.result.value.length,
    receipts_json_bytes: more.receipts, outbox_json_bytes: more.outbox, worker_started_at: new Date(more.started).toISOString() };
}

const MEMORY_PUSHES = Number(process.env.BENCH_MEMORY_PUSHES ?? 100);
async function memory(s) {
  const patient = await findPatient(s, "Margaret O'Brien");
  const start = await workerMemory(s);
  const page = await s.openExtensionPage("options.html");
  const send = (m) => page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), m);
  const text = soapMarkdown(3000);
  for (let i = 0; i < MEMORY_PUSHES; i++) {
    const title = `Bench memory ${REF_BASE} ${i}`;
    await send(SAME.preflight(patient, title));
    const reply = await send(SAME.clinikoPush({ source: { format: "markdown", text: `${text}\n\nmemory ${i}` }, patient, title, draft: true,
      push_ref: pushRef(2000 + i), confirm_duplicate: false }));
    if (!reply.ok || !reply.value?.job) throw new Error(JSON.stringify(reply).slice(0, 400));
    // The core paces itself to Cliniko's 200 requests per minute (3 per push): a push may wait
    // its turn in the outbox. Drive it (as the alarm would) until it is done and checked.
    let job = reply.value.job;
    for (let k = 0; k < 4000 && (job.state !== "done" || job.verify_due); k++) {
      if (job.state !== "done") await page.evaluate((m) => { chrome.runtime.sendMessage(m).catch(() => {}); }, SAME.jobsTick);
      await new Promise((r) => setTimeout(r, 50));
      job = (await send(SAME.jobGet(job.id))).value ?? job;
    }
    if (job.state !== "done") throw new Error(`memory push ${i}: ${JSON.stringify(job).slice(0, 300)}`);
  }
  await page.close();
  return { at_start: start, [`after_${MEMORY_PUSHES}_pushes`]: await workerMemory(s),
    method: "CDP on the worker: HeapProfiler.collectGarbage, Runtime.getHeapUsage; WebAssembly.Memory objects via Runtime.queryObjects (buffer.byteLength); receipts/outbox as stored JSON. A different worker_started_at means the worker was restarted in between (the figures are then not comparable)" };
}

// ---- popup open -------------------------------------------------------------------------------
/**
 * The real toolbar popup on a Motics page with a 10 KB and a 100 KB note, opened with
 * action.openPopup() from an extension page in another window (so the worker can be stopped
 * first: a toolbar click does not wake it), until the note's title and author, and the preview,
 * are shown (the instrumented build's popup probe: DOM change, then the next frame).
 */
async function popupOpen(sandbox) {
  const ps = await launch("chromium", sandbox, { dist: PROBE_DIST });
  try {
    await connect(ps, "cliniko", sandbox.keys.practitioner);
    const tab = await ps.openWebPage(`${sandbox.motics_url}/variants/size-10k`);
    await ps.inBackground(() => chrome.windows.create({ url: "options.html?bench-opener", focused: false }));
    const opener = await (await ps.browser.waitForTarget((t) => t.url().endsWith("options.html?bench-opener"))).asPage();
    const popupUrl = `${ps.base}popup.html`;
    const windowId = await opener.evaluate(async () => {
      const me = await chrome.windows.getCurrent();
      return (await chrome.windows.getAll({ windowTypes: ["normal"] })).find((w) => w.id !== me.id)?.id;
    });
    // Baseline: the same browser opening an empty popup (action.setPopup to the probe's empty page),
    // in the same state as the real popup's runs below: the Motics tab loaded and brought to front.
    await tab.goto(`${sandbox.motics_url}/variants/size-10k`, { waitUntil: "load" });
    await tab.bringToFront();
    const empty = { started: [], painted: [] };
    await opener.evaluate(() => chrome.action.setPopup({ popup: "bench-empty-popup.html" }));
    for (let i = 0; i < RUNS; i++) {
      const clickAt = await opener.evaluate(async (w) => {
        const t = performance.timeOrigin + performance.now();
        await chrome.action.openPopup({ windowId: w });
        return t;
      }, windowId);
      const target = await ps.browser.waitForTarget((t) => t.type() === "page" && t.url().endsWith("bench-empty-popup.html"), { timeout: 10_000 });
      const popup = await target.asPage();
      let b = {};
      for (let k = 0; k < 500 && !b.painted; k++) {
        await new Promise((r) => setTimeout(r, 20));
        b = (await popup.evaluate(() => globalThis.__bench)) ?? {};
      }
      empty.started.push(b.probe_at - clickAt);
      empty.painted.push(b.painted - clickAt);
      await popup.close();
      while (ps.browser.targets().some((t) => t.url().endsWith("bench-empty-popup.html"))) await new Promise((r) => setTimeout(r, 20));
    }
    await opener.evaluate(() => chrome.action.setPopup({ popup: "popup.html" }));
    const rows = [], timeline = { "empty popup (baseline)": { "popup document started": round(median(empty.started)), "painted": round(median(empty.painted)) } };
    for (const kb of [10, 100]) {
      await tab.goto(`${sandbox.motics_url}/variants/size-${kb}k`, { waitUntil: "load" });
      await tab.bringToFront();
      for (const mode of ["warm", "cold"]) {
        const title = [], preview = [], whole = [], fromStart = [], timelines = [];
        for (let i = 0; i < RUNS; i++) {
          if (mode === "cold") {
            // Through the driver (ServiceWorker.stopAllWorkers leaves the restarted worker paused
            // while the driver is attached to it).
            await ps.stopBackground();
            await new Promise((r) => setTimeout(r, 300));
          } else {
            await opener.evaluate((m) => chrome.runtime.sendMessage(m), SAME.info);
          }
          const clickAt = await opener.evaluate(async (w) => {
            const t = performance.timeOrigin + performance.now();
            await chrome.action.openPopup({ windowId: w });
            return t;
          }, windowId);
          const target = await ps.browser.waitForTarget((t) => t.type() === "page" && t.url().startsWith(popupUrl), { timeout: 10_000 });
          const popup = await target.asPage();
          let b = {};
          for (let k = 0; !(b.title_painted && b.preview_painted && b.whole_painted); k++) {
            if (k > 500) {
              throw new Error(`popup: ${await popup.evaluate(() => JSON.stringify({ url: location.href, rs: document.readyState, ...document.body.dataset, status: document.getElementById("note-status")?.textContent, core: document.getElementById("core-status")?.textContent }))} ${ps.errors.join(" | ")}`);
            }
            await new Promise((r) => setTimeout(r, 20));
            b = (await popup.evaluate(() => globalThis.__bench)) ?? {};
          }
          title.push(b.title_painted - clickAt);
          fromStart.push(b.preview_painted - b.probe_at);
          preview.push(b.preview_painted - clickAt);
          whole.push(b.whole_painted - clickAt);
          const tl = { "popup document started": b.probe_at - clickAt, "DOMContentLoaded": b.dom_content_loaded - clickAt };
          for (const c of b.calls ?? []) {
            const k = `${c.name} (start → end)`;
            if (!(k in tl)) tl[k] = [c.t0 - clickAt, c.t1 - clickAt];
          }
          timelines.push(tl);
          await popup.close();
          while (ps.browser.targets().some((t) => t.url().startsWith(popupUrl))) await new Promise((r) => setTimeout(r, 20));
        }
        rows.push({ note_kb: kb, worker: mode, title_author_ms: round(median(title)), preview_ms: round(median(preview)), whole_preview_ms: round(median(whole)),
          empty_popup_painted_ms: round(median(empty.painted)), preview_over_empty_ms: round(median(preview) - median(empty.painted)),
          // The browser opens a popup (the empty one too) either ~40 ms or ~250 ms after the click,
          // run by run (bench/README.md, issue 18 on the merged tree): compared from each document's
          // own start, the two modes don't decide the difference.
          preview_from_document_start_ms: round(median(fromStart)),
          preview_over_empty_from_start_ms: round(median(fromStart) - median(empty.painted.map((p, i) => p - empty.started[i]))),
          goal_ms: mode === "warm" ? 100 : 150, preview_all_ms: preview.map((x) => round(x)).join(" ") });
        // Medians of each step's start and end (first occurrence), ms from the click.
        const steps = [...new Set(timelines.flatMap((t) => Object.keys(t)))];
        timeline[`${kb}KB ${mode}`] = Object.fromEntries(steps.map((k) => {
          const xs = timelines.map((t) => t[k]).filter((v) => v !== undefined);
          return [k, Array.isArray(xs[0]) ? `${round(median(xs.map((v) => v[0])))} → ${round(median(xs.map((v) => v[1])))}` : round(median(xs))];
        }));
      }
    }
    if (process.env.BENCH_POPUP_TIMELINE !== "0") fs.writeFileSync(path.join(ROOT, "bench", "out", "popup-timeline.json"), `${JSON.stringify(timeline, null, 2)}\n`);
    return { rows, timeline, note: "toolbar popup (action.openPopup from an extension page in another window) → the note's title and author shown, the preview shown (its first screenful) and the whole preview in the page (each: the DOM change, then the next frame), on /variants/size-10k and size-100k; cold = the worker stopped first. Instrumented build (bench/out/probe), Chromium" };
  } finally {
    await ps.close();
  }
}

// ---- popup open → appointments shown ------------------------------------------------------------
/**
 * The real toolbar popup (action.openPopup through the driver, worker warm) on a Motics session
 * recorded today at 10:32, inside the sandbox's diary, Cliniko: popup open → the Appointments list
 * shown, next to popup open → preview shown (the probe: DOM change, then the next frame), and the
 * EHR requests made until the list showed (the sandbox's log). Every open lists the diary once (a
 * booking made since shows); the first open also fills the worker's other caches, so it is reported apart.
 */
async function popupAppointments(sandbox) {
  const ps = await launch("chromium", sandbox, { dist: PROBE_DIST });
  try {
    await connect(ps, "cliniko", sandbox.keys.practitioner);
    const tab = await ps.openWebPage(`${sandbox.motics_url}/today?at=10:32`);
    const opens = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await sandbox.admin.clearRequests();
      const clickAt = Date.now();
      const popup = await ps.openPopup(tab);
      let b = {};
      for (let k = 0; !(b.preview_painted && b.appts_painted); k++) {
        if (k > 500) throw new Error(`appointments: ${JSON.stringify(await popup.evaluate(() => ({ ...document.body.dataset, ...document.getElementById("appointments").dataset })))}`);
        await new Promise((r) => setTimeout(r, 20));
        b = (await popup.evaluate(() => globalThis.__bench)) ?? {};
      }
      const sent = (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com") && r.at_ms <= b.appts_painted);
      opens.push({ preview: b.preview_painted - clickAt, appts: b.appts_painted - clickAt, state: b.appts_state, sent });
      await popup.close();
    }
    const [first, ...later] = opens;
    const paths = (o) => [...new Set(o.sent.map((r) => `${r.method} ${r.path}`))].join(", ");
    return {
      rows: [
        { open: "first", runs: 1, preview_ms: round(first.preview), appointments_ms: round(first.appts), list_state: first.state,
          ehr_requests: first.sent.length, requests: paths(first) },
        { open: "later", runs: later.length, preview_ms: round(median(later.map((o) => o.preview))),
          appointments_ms: round(median(later.map((o) => o.appts))), list_state: later.map((o) => o.state).join(" "),
          ehr_requests: median(later.map((o) => o.sent.length)), requests: paths(later[0] ?? { sent: [] }) },
      ],
      note: "toolbar popup on /today?at=10:32 (Cliniko), opened through the driver (action.openPopup in the worker; the click time is taken just before): ms to the preview shown and to the Appointments list shown (each: the DOM change, then the next frame), medians for later opens; the EHR requests made until the list showed. Instrumented build (bench/out/probe), Chromium",
    };
  } finally {
    await ps.close();
  }
}

// ---- search -----------------------------------------------------------------------------------
async function search(s, sandbox, key) {
  // Before the popup opens: another tab taking focus would close it.
  const smith = (await sendFromExtensionPage(s, MESSAGES.search("cliniko", "Smith")));
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
async function queue(s, sandbox, nth = 0) {
  const limit = 20, windowS = 6;
  await sandbox.admin.config({ rate_limit: { limit, window_s: windowS } });
  // Let the sections before (pushes) leave the rate window first, so the searches here pass.
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const patients = [];
  for (const q of ["Margaret O'Brien", "Aroha Ngāta", "Chloé Lefèvre-Martin"]) patients.push(await findPatient(s, q));
  await sandbox.admin.clearRequests();
  const tag = nth ? `r${nth} ` : "";
  const items = Array.from({ length: QUEUE_NOTES }, (_, i) => ({
    source: { format: "text", text: `Queued note ${i}: reviewed exercises, progressing well.` },
    patient: patients[i % patients.length], title: `Queued ${tag}${i}`, draft: true, push_ref: pushRef(1000 + nth * QUEUE_NOTES + i),
    confirm_duplicate: true,
  }));
  const page = await s.openExtensionPage("options.html");
  const t0 = Date.now();
  const send = (m) => page.evaluate((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), m);
  // The popup sends jobs/tick without waiting for its reply (extension/popup/queue.js): one tick
  // may run the whole queue, waiting out short 429 pauses itself. A tick sent while one runs is a
  // no-op, so kicking one every poll only matters after a tick ends on a long pause.
  const kick = (m) => page.evaluate((m) => { (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m).catch(() => {}); }, m);
  const replies = [];
  const slice = QUEUE_SLICE > 0 ? QUEUE_SLICE : items.length;
  for (let i = 0; i < items.length; i += slice) {
    const queued = await send(SAME.queue(items.slice(i, i + slice)));
    if (!queued.ok) throw new Error(JSON.stringify(queued).slice(0, 300));
    replies.push(...queued.value);
  }
  const handover_s = round((Date.now() - t0) / 1000, 2);
  // The worker's memory with the whole queue handed over and nothing sent yet: the handover's own
  // high-water mark, apart from the ticks'. (Read before the first tick is sent.)
  const afterHandover = memoryOn() ? await workerMemory(s).catch((e) => ({ error: String(e) })) : undefined;
  const accepted = replies.filter((st) => st.job).length;
  const askedToConfirm = replies.filter((st) => st.needs_confirmation).length;
  let jobs = [];
  for (;;) {
    await kick(SAME.jobsTick);
    const r = await send(SAME.jobsList);
    jobs = r.value ?? [];
    const open = jobs.filter((j) => ["queued", "sending", "retry_wait"].includes(j.state));
    if (!open.length || Date.now() - t0 > 20 * 60_000) break;
    await new Promise((r) => setTimeout(r, QUEUE_POLL_MS));
  }
  const elapsed = (Date.now() - t0) / 1000;
  // Anything still arriving after the outbox says it is empty would be a bug, not slowness: look again.
  await new Promise((r) => setTimeout(r, 3000));
  await kick(SAME.jobsTick);
  await page.close();
  const log = (await sandbox.admin.requests()).filter((r) => r.host.endsWith(".cliniko.com"));
  const minimum = Math.max(0, Math.ceil(log.length / limit) - 1) * windowS; // the first window is free
  // Note ids are random 64-bit numbers, so find this run's notes by their titles, not by position.
  // (A title that doesn't match is not this run's: `match` gives null, which must not compare
  // equal to the untagged run's missing group, or every seeded note counts.)
  const mine = (await sandbox.admin.notes()).filter((n) => {
    const m = (n.title ?? "").match(/^Queued (r\d+ )?\d+$/);
    return m !== null && (m[1] ?? "") === tag;
  });
  const live = mine.filter((n) => !n.archived_at).map((n) => n.title);
  const duplicates = live.length - new Set(live).size;
  const missing = QUEUE_NOTES - new Set(live).size;
  const surfaced = jobs.filter((j) => j.error?.kind === "rate_limited" || (j.state !== "done" && j.error)).length;
  await sandbox.admin.config({ rate_limit: { limit: 200, window_s: 60 } });
  return { notes: QUEUE_NOTES, slice, poll_ms: QUEUE_POLL_MS, handover_s, memory_after_handover: afterHandover, rate_limit: `${limit} per ${windowS} s`, requests: log.length,
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
      if (v.timeline) L.push("Where the time goes (median start → end of each step, ms from the click):", "", "```json", JSON.stringify(v.timeline, null, 2), "```", "");
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

const only = (process.env.BENCH_ONLY ?? "size,cold_start,popup,render,push,memory,search,queue").split(",");
function memoryOn() { return only.includes("memory") && report.sections.memory && !report.sections.memory.error; }
const sandbox = await startSandbox();
let s;
try {
  if (only.includes("cold_start") || only.includes("popup")) instrumentedBuild();
  if (only.includes("size")) await step("size", size);
  if (only.includes("cold_start")) await step("cold_start", coldStart);
  if (only.includes("popup")) await step("popup", () => popupOpen(sandbox));
  if (only.includes("popup")) await step("popup_appointments", () => popupAppointments(sandbox));
  s = await launch("chromium", sandbox);
  await connect(s, "cliniko", sandbox.keys.practitioner);
  if (only.includes("render")) await step("render", () => render(s));
  if (only.includes("push")) await step("push", () => push(s, sandbox));
  if (only.includes("memory")) await step("memory", () => memory(s));
  if (only.includes("search")) await step("search", () => search(s, sandbox, sandbox.keys.practitioner));
  for (let q = 0; only.includes("queue") && q < QUEUE_TIMES; q++) {
    await step(q ? `queue_${q + 1}` : "queue", () => queue(s, sandbox, q));
    if (memoryOn()) {
      const at = q ? `after_queue_${q + 1}` : `after_${QUEUE_NOTES}_note_queue`;
      report.sections.memory[at] = await workerMemory(s).catch((e) => ({ error: String(e) }));
    }
  }
} finally {
  await s?.close();
  await sandbox.stop();
}
fs.writeFileSync(path.join(ROOT, "bench", "report.json"), `${JSON.stringify(report, null, 2)}\n`);
fs.writeFileSync(path.join(ROOT, "bench", "report.md"), `${markdown(report)}\n`);
log(`wrote bench/report.md and bench/report.json`);
