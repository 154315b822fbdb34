// Bench-only: where a push click's time goes, Cliniko and Nookal interleaved (so both meet the same
// outbox and receipts), in an instrumented copy of dist/chrome (bench/out/click-*, never shipped).
// `node bench/click.mjs` from tests/e2e (SANDBOX_BIN set as for `./build.sh bench`); knobs:
// CLICK_DIST (default dist), CLICK_RUNS (default 20; Nookal's own 60-per-minute budget caps it near
// 25), CLICK_DELAY_MS (default 150, added to every EHR reply). Prints, per EHR, medians over the runs
// after the outbox is full (20 done jobs, run 11 on), ms from the message reaching the worker: the
// POST's start, its end, the reply handed to sendResponse, the page's total; and one timeline.
import fs from "node:fs";
import path from "node:path";
import { startSandbox } from "../lib/sandbox.js";
import { launch } from "../lib/browser.js";

const ROOT = path.resolve(new URL("../../..", import.meta.url).pathname);
const DIST = process.env.CLICK_DIST ?? path.join(ROOT, "dist");
const OUT = path.join(ROOT, "bench", "out", `click-${process.pid}`);
const RUNS = Number(process.env.CLICK_RUNS ?? 20);
const DELAY = Number(process.env.CLICK_DELAY_MS ?? 150);
const FULL_FROM = 10;
const median = (xs) => { const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
const round = (x) => Math.round(x * 10) / 10;
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const BASE = Math.floor(Math.random() * 31 ** 5);
const pushRef = (i) => { let n = BASE + i, o = ""; for (let k = 0; k < 6; k++) { o = ALPHABET[n % 31] + o; n = Math.floor(n / 31); } return o; };

/** dist/chrome with bench/probe's worker probes, plus spans for each extension call's own (sync) part and the body read. */
function instrumented() {
  const dir = path.join(OUT, "chrome");
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.cpSync(path.join(DIST, "chrome"), dir, { recursive: true });
  const probes = new URL("./probe/", import.meta.url).pathname;
  for (const f of ["sw-start.js", "sw-end.js"]) fs.copyFileSync(path.join(probes, f), path.join(dir, `bench-${f}`));
  fs.appendFileSync(path.join(dir, "bench-sw-start.js"), `
{
  const spans = globalThis.__bench.spans;
  const sync = (obj, op, label) => { const real = obj[op].bind(obj); obj[op] = (...a) => { const t0 = performance.now(); try { return real(...a); } finally { spans.push({ name: "call " + label, t0, t1: performance.now() }); } }; };
  sync(chrome.action, "setBadgeText", "badge"); sync(chrome.alarms, "create", "alarm");
  for (const area of ["local", "session"]) for (const op of ["get", "set"]) sync(chrome.storage[area], op, area + "." + op);
  const text = Response.prototype.text;
  Response.prototype.text = async function () { const t0 = performance.now(); try { return await text.call(this); } finally { spans.push({ name: "body " + this.url.split("/").pop(), t0, t1: performance.now() }); } };
}
`);
  fs.renameSync(path.join(dir, "background.js"), path.join(dir, "background-main.js"));
  fs.writeFileSync(path.join(dir, "background.js"), 'import "./bench-sw-start.js";\nimport "./background-main.js";\nimport "./bench-sw-end.js";\n');
  return OUT;
}

/** The push section's note: a SOAP note in Markdown of about `bytes` bytes (as bench/run.mjs). */
function soapMarkdown(bytes) {
  const parts = ["# Session summary\n"]; const sections = ["Subjective", "Objective", "Assessment", "Plan"];
  for (let i = 0; parts.join("").length < bytes; i++) {
    parts.push(`\n## ${sections[i % 4]} ${i}\n\nPatient reports **${i % 7} / 10** pain in the *left* shoulder after lifting; sleep is ` +
      `disturbed & improving. Reviewed home programme <compliance ~80%>.\n\n- Range of motion: flexion ${90 + (i % 60)}°\n` +
      `- Strength: 4/5 external rotation\n  - re-test in 2 weeks\n1. Continue isometrics\n2. Add band rows\n\n` +
      `> Clinician note: follow up with GP re imaging.\n`);
  }
  return parts.join("").slice(0, bytes);
}

const sandbox = await startSandbox();
const s = await launch("chromium", sandbox, { dist: instrumented() });
try {
  const page = await s.openExtensionPage("options.html");
  const send = async (m) => {
    const r = await page.evaluate((m) => chrome.runtime.sendMessage(m), m);
    if (!r?.ok && m.type !== "bench/marks") throw new Error(`${m.type}: ${JSON.stringify(r).slice(0, 300)}`);
    return r.value ?? r;
  };
  await send({ type: "connection/connect", ehr: "cliniko", key: sandbox.keys.practitioner });
  const st = await send({ type: "connection/connect", ehr: "nookal", key: sandbox.keys.nookal });
  await send({ type: "connection/set-practitioner", ehr: "nookal", practitioner_id: st.practitioners[0].id });
  const patients = {
    cliniko: (await send({ type: "patients/search", ehr: "cliniko", query: "Margaret O'Brien" })).patients[0],
    nookal: (await send({ type: "patients/search", ehr: "nookal", query: "Aroha Ngāta" })).patients[0],
  };
  const cases = await send({ type: "cases/list", ehr: "nookal", patient_id: patients.nookal.id });
  const caseId = cases.default_case_id ?? cases.cases?.[0]?.id ?? null;
  const text = soapMarkdown(3000);
  if (DELAY) {
    await sandbox.admin.fault({ path: "/v1/*", count: 100_000, kind: "delay", delay_ms: DELAY });
    await sandbox.admin.fault({ path: "/production/v2/*", count: 100_000, kind: "delay", delay_ms: DELAY });
  }
  const rows = { cliniko: [], nookal: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const ehr of ["cliniko", "nookal"]) {
      const source = { format: "markdown", text: `${text}\n\nclick ${ehr} ${BASE} ${i}` };
      const patient = patients[ehr];
      // As the popup does: the preview (untimed), then the preflight carrying the whole push.
      const prep = await send({ type: "note/prepare", ehr, source });
      const msg = ehr === "cliniko"
        ? { type: "push/start", ehr, source, patient, title: `Click ${BASE} ${i}`, draft: true, push_ref: prep.push_ref ?? pushRef(i), confirm_duplicate: false }
        : { type: "push/start", ehr, source, patient, title: "", case_id: caseId, push_ref: prep.push_ref ?? pushRef(500 + i),
          created_display: prep.created_display ?? null, utc_offset_min: 600, confirm_duplicate: false };
      const { type, ...whole } = msg;
      await send({ type: "push/preflight", ehr, patient, title: msg.title || "Treatment note", push: whole });
      const { t0, t1, reply } = await page.evaluate(async (m) => {
        const t0 = performance.timeOrigin + performance.now();
        const reply = await chrome.runtime.sendMessage(m);
        return { t0, t1: performance.timeOrigin + performance.now(), reply };
      }, msg);
      if (!reply.ok || reply.value?.job?.state !== "done") throw new Error(JSON.stringify(reply).slice(0, 400));
      const marks = await send({ type: "bench/marks" });
      // The check after the reply (copies; Nookal's read-back) finishes, untimed, before the next push.
      for (let k = 0; k < 200 && (await send({ type: "jobs/get", id: reply.value.job.id })).verify_due; k++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const o = marks.origin;
      const arrival = marks.messages.find((t) => o + t >= t0 - 1);
      const replied = marks.replies.find((t) => t >= arrival);
      const spans = marks.spans.filter((x) => x.t0 >= arrival && x.t0 <= replied);
      const post = spans.find((x) => x.name.startsWith("fetch"));
      const end = spans.find((x) => x.name.startsWith("body"))?.t1 ?? post.t1;
      rows[ehr].push({
        "message → worker": o + arrival - t0, "POST starts": post.t0 - arrival, "POST answered": end - arrival,
        "reply handed to sendResponse": replied - arrival, "page has the reply": t1 - (o + arrival), total: t1 - t0,
        timeline: spans.map((x) => `${x.name} ${round(x.t0 - arrival)}+${round(x.t1 - x.t0)}`).join(", "),
      });
    }
  }
  for (const [ehr, xs] of Object.entries(rows)) {
    const full = xs.slice(FULL_FROM);
    const med = Object.fromEntries(Object.keys(full[0]).filter((k) => k !== "timeline").map((k) => [k, round(median(full.map((x) => x[k])))]));
    console.log(`${ehr} (runs ${FULL_FROM + 1}–${xs.length}, medians, ms): ${JSON.stringify(med)}`);
    console.log(`${ehr} "POST starts" by run: ${xs.map((x) => round(x["POST starts"])).join(" ")}`);
    console.log(`${ehr} last timeline: ${full.at(-1).timeline}`);
  }
} finally {
  await sandbox.admin.clearFaults().catch(() => {});
  await s.close();
  await sandbox.stop();
  fs.rmSync(OUT, { recursive: true, force: true });
}
