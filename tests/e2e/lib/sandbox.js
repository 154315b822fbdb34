// Starts the sandbox binary (tests/sandbox) and talks to its admin API. See tests/sandbox/README.md.
import { spawn } from "node:child_process";
import https from "node:https";
import readline from "node:readline";
import { consoleLines } from "./browser.js";

const SANDBOX_BIN = process.env.SANDBOX_BIN ?? new URL("../../../target/debug/motics-sandbox", import.meta.url).pathname;

/**
 * The browsers' own services (updates, safe browsing, telemetry), which reach the sandbox too now
 * that every name resolves there. The extension can't reach them (its CSP allows only the EHR
 * API hosts), so they are the browser's traffic, not the product's.
 */
export const BROWSER_SERVICES = /(^|\.)(mozilla\.(com|net|org)|firefox\.com|mozaws\.net|googleapis\.com|gvt1\.com|google\.com|gstatic\.com)$/;

/** Start a sandbox on an ephemeral port; resolves to its info line plus `admin` and `stop()`. */
export async function startSandbox() {
  const child = spawn(SANDBOX_BIN, ["--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; if (process.env.SANDBOX_LOG) process.stderr.write(d); });
  const lines = readline.createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 30 s: ${stderr}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`sandbox exited (${code}): ${stderr}`)));
    lines.once("line", (line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
  });
  const admin = adminClient(info.port);
  return {
    ...info,
    admin,
    /**
     * Stop the sandbox, after the whole-run privacy check (tests/sandbox/src/privacy.rs): every
     * request this suite's browsers sent carried a key only in its one allowed place, and no
     * console line of any page or background showed one. Throws (failing the suite) otherwise.
     */
    async stop() {
      if (child.exitCode !== null) return;
      const leaks = [];
      const strays = [];
      try {
        const audit = await admin.privacy();
        leaks.push(...audit.violations);
        strays.push(...(audit.unknown_hosts ?? []).filter((h) => !BROWSER_SERVICES.test(h)));
        for (const line of consoleLines) {
          const secret = audit.secrets.find((x) => line.includes(x));
          if (secret) leaks.push(`console: ${line.split(secret).join("[key]").slice(0, 200)}`);
        }
      } finally {
        await kill();
      }
      if (leaks.length) throw new Error(`an API key was out of place in this run:\n${leaks.join("\n")}`);
      if (strays.length) throw new Error(`requests went to hosts nothing in this run should talk to: ${strays.join(", ")}`);
    },
  };
  async function kill() {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** JSON client for https://admin.sandbox.test on the sandbox's port (its cert is self-signed). */
export function adminClient(port) {
  const call = (method, path, body) => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({
      host: "127.0.0.1", port, method, path, servername: "admin.sandbox.test", rejectUnauthorized: false,
      headers: { host: "admin.sandbox.test", accept: "application/json",
        ...(data ? { "content-type": "application/json", "content-length": data.length } : {}) },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { text += c; });
      res.on("end", () => {
        if (res.statusCode >= 400) return reject(new Error(`admin ${method} ${path}: ${res.statusCode} ${text}`));
        resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
  return {
    reset: () => call("POST", "/reset"),
    requests: (filter = {}) => call("GET", `/requests?${new URLSearchParams(filter)}`),
    clearRequests: () => call("DELETE", "/requests"),
    fault: (spec) => call("POST", "/faults", spec),
    clearFaults: () => call("DELETE", "/faults"),
    addKey: (key, userId) => call("POST", "/keys", { key, user_id: userId }),
    revokeKey: (key) => call("POST", "/keys/revoke", { key }),
    notes: () => call("GET", "/notes"),
    nookalNotes: () => call("GET", "/nookal/notes"),
    config: (cfg) => call("POST", "/config", cfg),
    addPatient: (p) => call("POST", "/patients", p),
    state: () => call("GET", "/state"),
    privacy: () => call("GET", "/privacy"),
    privateWords: () => call("GET", "/privacy/words"),
    forgiveHost: (host) => call("DELETE", `/privacy/unknown-hosts?${new URLSearchParams({ host })}`),
  };
}

/** GET a Cliniko API path on the sandbox directly (test-side lookups of expected data). */
export function clinikoGet(sandbox, key, apiPath) {
  const shard = /-([a-z]{2}\d{1,2})$/i.exec(key)?.[1]?.toLowerCase() ?? "au1";
  const host = `api.${shard}.cliniko.com`;
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: "127.0.0.1", port: sandbox.port, method: "GET", path: `/v1${apiPath}`, servername: host,
      rejectUnauthorized: false,
      headers: { host, accept: "application/json", "user-agent": "Motics Push E2E (tests@motics.ai)",
        authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { text += c; });
      res.on("end", () => (res.statusCode >= 400
        ? reject(new Error(`GET ${apiPath}: ${res.statusCode} ${text}`)) : resolve(JSON.parse(text))));
    });
    req.on("error", reject);
    req.end();
  });
}
