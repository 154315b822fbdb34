// The popup's first step, loaded on its own (popup.html: an `async` module ahead of popup.js): the
// target tab is found and its note read (a long note's head) while the rest of the popup's modules
// load; popup.js takes what was started here (bench/README.md, popup open).
import { targetTab } from "../lib/target-tab.js";
import { readTab, HEAD_BYTES } from "./read.js";

/** The tab the popup works on (null when there is none). */
export const tabFound = targetTab().catch(() => null);

/**
 * The first read of that tab, or null in a push window (`?capture=`), which shows what a
 * context-menu click captured instead.
 */
export const firstRead = new URLSearchParams(location.search).has("capture") ? null
  : tabFound.then((tab) => (tab ? readTab(tab.id, "page", { headBytes: HEAD_BYTES }) : { ok: false, error: "unreadable", page: {} }));
