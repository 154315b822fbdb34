// The few browser calls the Rust core makes, as one small shim (bound in src/wasm/platform.rs).
// Works in Chrome's service worker and Firefox's event page alike: no window, no localStorage.
// Resolved per call, not at import: the wasm-bindgen-test suite installs a stand-in first.
const api = () => globalThis.browser ?? globalThis.chrome;

// Values cross into the wasm as one JSON text each way: one JSON.stringify / JSON.parse here and
// one serde_json pass there, instead of a wasm-bindgen call per field (the outbox's ~30 KB of jobs
// is read and written on every push's click: bench/README.md "Nookal click path"). What storage
// holds is unchanged: the same plain objects.
export async function storageGet(area, key) {
  const got = await api().storage[area].get(key);
  const value = got[key];
  return value === undefined || value === null ? undefined : JSON.stringify(value);
}
export async function storageSet(area, key, json) {
  await api().storage[area].set({ [key]: JSON.parse(json) });
}
export async function storageRemove(area, key) {
  await api().storage[area].remove(key);
}
export function randomU32() {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
export function isOnline() {
  return globalThis.navigator?.onLine ?? true;
}
export function timeoutSignal(ms) {
  return AbortSignal.timeout(ms);
}
// The outbox's wakeup: one named alarm (background.js ticks the outbox when it fires). Alarms
// survive the worker being stopped; creating the same name again replaces the earlier time.
// Both this and the badge are fire-and-forget, so they run once the core's current step yields
// (queueMicrotask, in call order): a push's click saves the outbox and sends its POST in one step,
// and the two extension calls (~0.5 ms) come after the POST has left, not before it.
export function scheduleWakeup(atMs) {
  const a = api().alarms;
  if (!a) return;
  queueMicrotask(() => {
    Promise.resolve(a.create("motics-outbox", { when: Math.max(atMs, Date.now()) })).catch(() => {});
  });
}
// The toolbar badge: how many pushes wait, failed or need a reconnect ("" clears it).
export function setBadge(count) {
  const action = api().action ?? api().browserAction;
  if (!action) return;
  queueMicrotask(() => {
    Promise.resolve(action.setBadgeText({ text: count > 0 ? String(count) : "" })).catch(() => {});
    if (count > 0) {
      Promise.resolve(action.setBadgeBackgroundColor({ color: "#b45309" })).catch(() => {});
    }
  });
}
