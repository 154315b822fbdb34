// The E2E tier's runner: every (file, browser) pair is one `node --test` process (its own sandbox
// on an ephemeral port, its own browser profile), run E2E_JOBS (default 2) at a time, longest first,
// so the two cores stay busy while a test waits on timers, the network or an EHR's budget. Each
// job's whole log is printed as it ends (never interleaved); then the counts of every job and their
// sum; the exit status is non-zero if any job failed or ended without its summary.
// Usage (from tests/e2e): node lib/parallel.mjs [file.test.js …]   (default: every *.test.js)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BROWSERS } from "./browser.js";

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.dirname(HERE);
/** Each job's duration from the last run (a hint for the order only; gitignored under build/). */
const TIMES = process.env.E2E_TIMES ?? path.join(ROOT, "../../build/e2e-times.json");
const JOBS = Math.max(1, Number(process.env.E2E_JOBS ?? 2) || 1);
const COUNTS = ["tests", "pass", "fail", "cancelled", "skipped", "todo"];

const files = (process.argv.length > 2 ? process.argv.slice(2) : fs.readdirSync(ROOT).filter((f) => f.endsWith(".test.js")).sort())
  .map((f) => path.basename(f));
let known = {};
try { known = JSON.parse(fs.readFileSync(TIMES, "utf8")); } catch { /* first run: estimate */ }
// Without a previous run: seconds guessed from a file's length, Firefox being about 2.5 times slower to drive.
const estimate = (file, browser) => fs.statSync(path.join(ROOT, file)).size / 200 * (browser === "firefox" ? 2.5 : 1);
const queue = BROWSERS.flatMap((browser) => files.map((file) => ({ file, browser, key: `${file} (${browser})` })))
  .map((j) => ({ ...j, weight: known[j.key] ?? estimate(j.file, j.browser) }))
  .sort((a, b) => b.weight - a.weight);

const children = new Set();
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => { for (const c of children) c.kill(sig); process.exit(130); });
}

function run(job) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", job.file], {
      cwd: ROOT, env: { ...process.env, E2E_BROWSERS: job.browser }, stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let log = "";
    child.stdout.on("data", (d) => { log += d; });
    child.stderr.on("data", (d) => { log += d; });
    child.on("close", (code, signal) => {
      children.delete(child);
      const seconds = (Date.now() - started) / 1000;
      const counts = Object.fromEntries(COUNTS.map((k) => [k, Number(new RegExp(`^ℹ ${k} (\\d+)`, "m").exec(log)?.[1] ?? NaN)]));
      const ok = code === 0 && !Number.isNaN(counts.pass);
      process.stdout.write(`\n*** e2e: ${job.key}: ${ok ? "PASS" : "FAIL"} in ${seconds.toFixed(0)} s${code ? ` (exit ${code ?? signal})` : ""}\n${log}`);
      resolve({ ...job, seconds, counts, ok });
    });
  });
}

const started = Date.now();
const results = [];
await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, async () => {
  for (let job = queue.shift(); job; job = queue.shift()) results.push(await run(job));
}));

const wall = (Date.now() - started) / 1000;
const sum = Object.fromEntries(COUNTS.map((k) => [k, results.reduce((n, r) => n + (Number.isNaN(r.counts[k]) ? 0 : r.counts[k]), 0)]));
console.log(`\n*** e2e summary (${JOBS} at a time, ${wall.toFixed(0)} s wall, ${results.reduce((n, r) => n + r.seconds, 0).toFixed(0)} s of jobs)`);
for (const r of [...results].sort((a, b) => a.key.localeCompare(b.key))) {
  console.log(`  ${r.ok ? "PASS" : "FAIL"}  ${r.key.padEnd(34)} ${r.seconds.toFixed(0).padStart(5)} s  ${COUNTS.map((k) => `${k} ${r.counts[k]}`).join(" ")}`);
}
console.log(`  all: ${COUNTS.map((k) => `${k} ${sum[k]}`).join(" ")}`);
const failed = results.filter((r) => !r.ok);
// A failed job's time is still a fair hint (a crash at start is soon replaced by a full run's).
const times = { ...known, ...Object.fromEntries(results.map((r) => [r.key, Math.round(r.seconds)])) };
try {
  fs.mkdirSync(path.dirname(TIMES), { recursive: true });
  fs.writeFileSync(TIMES, `${JSON.stringify(times, null, 1)}\n`);
} catch { /* only a hint */ }
if (failed.length) console.log(`e2e: ${failed.length} of ${results.length} jobs failed: ${failed.map((r) => r.key).join(", ")}`);
process.exitCode = failed.length ? 1 : 0;
