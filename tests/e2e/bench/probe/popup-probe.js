// Bench-only (copied into bench/out's instrumented build, never shipped): the epoch times at which the
// popup first shows the note's title and author, its preview (its first screenful, and whole), and the Appointments list, each also
// after the next frame (the paint). Read by tests/e2e/bench/run.mjs through globalThis.__bench.
(() => {
  const B = (globalThis.__bench = {});
  const at = () => performance.timeOrigin + performance.now();
  const visible = (el) => (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null);
  const afterPaint = (key) => requestAnimationFrame(() => setTimeout(() => { B[key] = at(); }, 0));
  const observer = new MutationObserver(() => {
    const title = document.getElementById("note-title-read");
    const preview = document.getElementById("preview");
    if (!B.title_dom && title?.textContent && visible(title)) { B.title_dom = at(); afterPaint("title_painted"); }
    if (!B.preview_dom && preview?.childElementCount && visible(preview)) { B.preview_dom = at(); afterPaint("preview_painted"); }
    // A long preview shows its first screenful, then the rest (extension/popup/note.js).
    // (A build from before that shows it whole at once and has no data-state.)
    const whole = preview?.dataset.state === "whole" || preview?.dataset.state === undefined;
    if (!B.whole_dom && whole && preview?.childElementCount && visible(preview)) { B.whole_dom = at(); afterPaint("whole_painted"); }
    // The Appointments list (issue 14) once it shows the diary, or its one-line error.
    const appts = document.getElementById("appointments");
    if (!B.appts_dom && appts && ["ready", "error", "needs_practitioner"].includes(appts.dataset.state) && visible(appts)) {
      B.appts_dom = at();
      B.appts_state = appts.dataset.state;
      afterPaint("appts_painted");
    }
    if (B.title_dom && B.preview_dom && B.whole_dom && B.appts_dom) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  // Where the time goes: every message to the background (by type) and every page read, in order.
  B.probe_at = at();
  B.calls = [];
  const wrap = (obj, name, label) => {
    const real = obj[name].bind(obj);
    obj[name] = async (...args) => {
      const call = { name: label(args), t0: at() };
      B.calls.push(call);
      try { return await real(...args); } finally { call.t1 = at(); }
    };
  };
  wrap(chrome.runtime, "sendMessage", (a) => `message ${a[0]?.type}`);
  // A long note's head is read first, then the whole page (extension/popup/read.js).
  wrap(chrome.scripting, "executeScript", (a) => (a[0]?.args?.[0]?.headBytes ? "read the page, first (executeScript)" : "read the page, whole (executeScript)"));
  document.addEventListener("DOMContentLoaded", () => { B.dom_content_loaded = at(); });
})();
