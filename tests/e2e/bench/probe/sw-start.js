// Bench-only (the instrumented build's first module, never shipped): wraps the browser calls the
// background's start makes, so run.mjs can split a cold start into its parts (bench/README.md).
// Times are performance.now() of the worker; run.mjs adds performance.timeOrigin.
const now = () => performance.now();
const B = (globalThis.__bench = { eval_start: now(), spans: [] });
const span = (name, t0) => { B.spans.push({ name, t0, t1: now() }); };
const api = globalThis.chrome;

// The first message's arrival (this listener runs before the background's and answers nothing),
// and the marks themselves, for run.mjs (`bench/marks`; the first reply wins, the core's is dropped).
api.runtime.onMessage.addListener((m, _sender, reply) => {
  if (m?.type === "bench/marks") {
    reply({ origin: performance.timeOrigin, ...B });
    return false;
  }
  B.message_at ??= now();
  (B.messages ??= []).push(now());
  return false;
});

// When the background's listener hands its first reply to sendResponse (its handler's end: the
// wasm call and the reply's conversion); from there to the page is the IPC back.
const realAddListener = api.runtime.onMessage.addListener.bind(api.runtime.onMessage);
api.runtime.onMessage.addListener = (listener) => realAddListener((m, sender, reply) =>
  listener(m, sender, (r) => { B.replied_at ??= now(); (B.replies ??= []).push(now()); return reply(r); }));

// fetch: the wasm's response headers and the User-Agent rule file.
const realFetch = globalThis.fetch;
globalThis.fetch = async function (input, init) {
  const t0 = now();
  const r = await realFetch.call(this, input, init);
  span(`fetch ${String(input?.url ?? input).split("/").pop()}`, t0);
  return r;
};

// The glue's instantiateStreaming, split into body read, compile, instantiate (no overlap, so the
// parts can be seen; the total is compared with the uninstrumented build), and __wbindgen_start.
WebAssembly.instantiateStreaming = async (source, imports) => {
  let t0 = now();
  const bytes = await (await source).arrayBuffer();
  span("wasm body read", t0);
  t0 = now();
  const module = await WebAssembly.compile(bytes);
  span("wasm compile", t0);
  t0 = now();
  const instance = await WebAssembly.instantiate(module, imports);
  span("wasm instantiate", t0);
  const exports = { ...instance.exports };
  const start = exports.__wbindgen_start;
  if (start) exports.__wbindgen_start = () => { const t = now(); start(); span("wasm init (__wbindgen_start)", t); };
  return { instance: { exports }, module };
};

// storage reads and writes, and the session-rule install.
for (const area of ["local", "session"]) {
  for (const op of ["get", "set", "remove"]) {
    const target = api.storage[area];
    const real = target[op].bind(target);
    try {
      target[op] = async (...args) => { const t0 = now(); try { return await real(...args); } finally { span(`storage.${area}.${op}`, t0); } };
    } catch { /* not assignable: reported as missing */ }
  }
}
const dnr = api.declarativeNetRequest;
for (const op of ["updateSessionRules", "getSessionRules"]) {
  const real = dnr[op].bind(dnr);
  try {
    dnr[op] = async (...args) => { const t0 = now(); try { return await real(...args); } finally { span(`dnr.${op}`, t0); } };
  } catch { /* not assignable */ }
}
