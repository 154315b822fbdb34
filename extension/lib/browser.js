// The one place that names the browser: `browser` in Firefox (and Chrome >= 148), `chrome` elsewhere.
export const api = globalThis.browser ?? globalThis.chrome;

/** The extension's own origin, e.g. "chrome-extension://<id>/". */
export const extensionOrigin = api.runtime.getURL("");
