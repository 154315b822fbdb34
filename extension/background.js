// The background (Chrome: module service worker; Firefox: module event page). It owns the wasm core,
// the API keys, the network and the outbox. Every listener is registered synchronously on first
// evaluation (a restarted worker only receives events for listeners registered at top level), and
// each handler awaits the memoized wasm init, except `core/info`'s (below).
import init, * as core from "./pkg/motics_push.js";
// `core/info`'s reply, generated at build time from this wasm's own `coreInfoReply()` (tools/core-info.mjs).
import { CORE_INFO_REPLY } from "./pkg/core-info.js";
import { api } from "./lib/browser.js";
import { isFromExtensionPage } from "./lib/messages.js";
import { readNote } from "./read-note.js";
import { MOTICS_ORIGINS, MOTICS_PAGES } from "./lib/motics.js";
import { installUserAgentRule } from "./lib/user-agent.js";

// memoized by wasm-bindgen: safe to await from every handler. No request leaves before the
// User-Agent rule is in place (session rules are gone after a browser restart: installed each start).
const ready = Promise.all([init(), installUserAgentRule()]);
/**
 * A stopped worker's first `core/info` (the popup's and options page's first message) is answered
 * from the build's copy of the core's reply, without waiting for the wasm (it sends no request and
 * reads no storage). The dispatcher's first call compiles it (V8 compiles wasm lazily, ~4 ms): that
 * is done as soon as the wasm is ready, before the page's next message is handled (bench/README.md).
 */
ready.then(() => core.handle({ type: "core/info" })).catch(() => {});
/** Messages whose attempt can land a note and leave its check for copies due (src/push/attempt.rs). */
const CHECK_AFTER = new Set(["push/start", "jobs/retry", "push/resume"]);

// Keep API keys away from content scripts (Chrome 140+; Firefox has no setAccessLevel, bug 1724754).
// A failure is reported as an error, not swallowed (issue 15 §9): every E2E suite fails on it.
if (typeof api.storage.local.setAccessLevel === "function") {
  api.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }).catch((e) => {
    console.error(`Motics Push couldn't keep its storage from web pages (setAccessLevel): ${e?.message ?? e}`);
  });
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!isFromExtensionPage(sender)) {
    // Web pages and injected scripts get nothing privileged, not even a hint of what exists.
    sendResponse({ ok: false, error: { kind: "forbidden_sender", params: [], transient: false } });
    return false;
  }
  if (message?.type === "core/info") {
    sendResponse(CORE_INFO_REPLY);
    return false;
  }
  ready
    .then(() => core.handle(message))
    .then((reply) => {
      sendResponse(reply);
      // A push's attempt ends at Cliniko's answer to the POST; the check for copies the browser
      // may have re-sent is left due in the outbox. Run it now, after the reply (not awaited),
      // so the receipt updates within a second; the outbox alarm covers a worker stopped first.
      if (reply?.ok && CHECK_AFTER.has(message?.type)) core.handle({ type: "jobs/tick" }).catch(() => {});
    }, (e) =>
      sendResponse({ ok: false, error: { kind: "internal", params: [String(e?.message ?? e)], transient: false } }));
  return true; // Chrome cannot take a Promise from onMessage: reply through sendResponse.
});

// The outbox's alarm (push retries, queued pushes): registered at top level so a stopped worker
// is woken for it. The same tick runs when the browser starts and when the extension is
// installed, updated or reloaded: pushes not finished then are looked for in the EHR first.
const tick = () => ready.then(() => core.handle({ type: "jobs/tick" }));
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "motics-outbox") tick();
});
api.runtime.onStartup.addListener(tick);

// ---- Other ways in: context menus and the keyboard shortcut ------------------------------------

const MENU_SELECTION = "push-selection";
const MENU_NOTE = "push-note";
const CAPTURE_PREFIX = "capture:";
/** A captured note is removed when its window reads it; one never opened goes after this. */
const CAPTURE_TTL_MS = 30 * 60 * 1000;

api.runtime.onInstalled.addListener(() => {
  tick();
  // Menus persist across restarts (and event-page suspensions) once created; recreate on update.
  api.contextMenus.removeAll(() => {
    api.contextMenus.create({
      id: MENU_SELECTION, title: api.i18n.getMessage("menuPushSelection"), contexts: ["selection"],
    });
    api.contextMenus.create({
      id: MENU_NOTE, title: api.i18n.getMessage("menuPushNote"), contexts: ["page", "frame"],
      documentUrlPatterns: [...MOTICS_PAGES],
    });
  });
});

/** The core's note size cap (`core/info`): the page reader stops there too. */
const NOTE_MAX_BYTES = CORE_INFO_REPLY.value.note_max_bytes;

/**
 * A menu click: read the note (the selection's DOM fragment, or the Motics page's note) from the
 * tab — the click grants activeTab, so this works on any site — keep it in session memory, and open
 * the push flow in a small window that shows exactly what will be sent before anything is.
 */
async function onMenuClick(info, tab) {
  const id = await capture(info, tab);
  if (id == null) return;
  await api.windows.create({
    url: api.runtime.getURL(`popup.html?capture=${id}&tab=${tab.id}`), type: "popup", width: 460, height: 700,
  });
}

/** Read the tab for a menu click and keep the reply in session memory; resolves to its id. */
async function capture(info, tab) {
  if (!tab?.id || (info.menuItemId !== MENU_SELECTION && info.menuItemId !== MENU_NOTE)) return null;
  const mode = info.menuItemId === MENU_SELECTION ? "selection" : "page";
  let reply;
  try {
    const [frame] = await api.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [info.frameId ?? 0] }, func: readNote,
      args: [{ mode, maxBytes: NOTE_MAX_BYTES, moticsOrigins: [...MOTICS_ORIGINS] }],
    });
    reply = frame?.result ?? { ok: false, error: "no_note", page: {} };
  } catch {
    reply = { ok: false, error: "unreadable", page: {} };
  }
  const id = crypto.randomUUID();
  await dropOldCaptures();
  await api.storage.session.set({ [CAPTURE_PREFIX + id]: { reply, tab_id: tab.id, at_ms: Date.now() } });
  return id;
}

async function dropOldCaptures() {
  const all = await api.storage.session.get(null);
  const old = Object.entries(all)
    .filter(([k, v]) => k.startsWith(CAPTURE_PREFIX) && Date.now() - (v?.at_ms ?? 0) > CAPTURE_TTL_MS)
    .map(([k]) => k);
  if (old.length) await api.storage.session.remove(old);
}

/** "Push note to pre-selected patient": open the popup with the push button focused (it still asks). */
async function onCommand(command) {
  if (command !== "push-preselected") return;
  await api.storage.session.set({ "ui.focus_push": true });
  await api.action.openPopup();
}

api.contextMenus.onClicked.addListener((info, tab) => { onMenuClick(info, tab); });
api.commands.onCommand.addListener((command) => { onCommand(command); });

// The same handlers, reachable from the extension's own contexts (never from web pages): native
// menus and shortcuts can't be triggered by automation, so E2E tests drive these.
// Firefox's remote agent can't see the push window, so its tests open the same page for `capture`.
globalThis.motics = { onMenuClick, onCommand, capture };
