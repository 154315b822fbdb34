// The one place that names the browser: `browser` in Firefox (and Chrome >= 148), `chrome` elsewhere.
export const api = globalThis.browser ?? globalThis.chrome;

/** True in Firefox, whose MV3 background is an event page and whose host permissions are opt-in. */
export const isFirefox = typeof api.runtime.getBrowserInfo === "function";

/** The extension's own origin, e.g. "chrome-extension://<id>/". */
export const extensionOrigin = api.runtime.getURL("");
