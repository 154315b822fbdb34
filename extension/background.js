// The background (Chrome: module service worker; Firefox: module event page). It owns the wasm core,
// the API keys, the network and the outbox. Every listener is registered synchronously on first
// evaluation (a restarted worker only receives events for listeners registered at top level), and
// each handler awaits the memoized wasm init.
import init, * as core from "./pkg/motics_push.js";
import { api } from "./lib/browser.js";
import { isFromExtensionPage } from "./lib/messages.js";

const ready = init(); // memoized by wasm-bindgen: safe to await from every handler

// Keep API keys away from content scripts (Chrome 140+; Firefox has no setAccessLevel, bug 1724754).
if (typeof api.storage.local.setAccessLevel === "function") {
  api.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!isFromExtensionPage(sender)) {
    // Web pages and injected scripts get nothing privileged, not even a hint of what exists.
    sendResponse({ ok: false, error: { kind: "forbidden_sender", params: [], transient: false } });
    return false;
  }
  ready
    .then(() => core.handle(message))
    .then(sendResponse, (e) =>
      sendResponse({ ok: false, error: { kind: "internal", params: [String(e?.message ?? e)], transient: false } }));
  return true; // Chrome cannot take a Promise from onMessage: reply through sendResponse.
});

// The outbox's alarm (push retries, queued pushes): registered at top level so a stopped worker
// is woken for it. The same tick runs when the browser starts.
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "motics-outbox") ready.then(() => core.handle({ type: "jobs/tick" }));
});
api.runtime.onStartup.addListener(() => {
  ready.then(() => core.handle({ type: "jobs/tick" }));
});
