// Reading the target tab: executeScript with read-note.js. Its own small module, so the popup's
// first read starts before the rest of the popup has loaded (popup/early.js).
import { api } from "../lib/browser.js";
import { readNote } from "../read-note.js";
import { MOTICS_ORIGINS } from "../lib/motics.js";
// `core/info`'s reply as the build read it from the wasm (tools/core-info.mjs): the page is read
// without waiting for the background, which a stopped worker makes slow (bench/README.md).
import { CORE_INFO_REPLY } from "../pkg/core-info.js";

/** The largest note we read (bytes of text): the core's own cap. */
const MAX_NOTE_BYTES = CORE_INFO_REPLY.value.note_max_bytes;
/**
 * How much of a long note the first read takes (bytes of text): more than a popup's screenful. The
 * popup shows that head at once and reads the page again whole (read-note.js, `headBytes`).
 */
export const HEAD_BYTES = 8000;

/**
 * Read the target tab (with `headBytes`, a long note's head only: its candidate says `partial`).
 * Resolves to readNote's reply, or a failure reply when the tab can't be read.
 */
export async function readTab(tabId, mode = "page", { headBytes = 0 } = {}) {
  try {
    const [frame] = await api.scripting.executeScript({
      target: { tabId }, func: readNote, args: [{ mode, maxBytes: MAX_NOTE_BYTES, headBytes, json: true, moticsOrigins: [...MOTICS_ORIGINS] }],
    });
    const result = frame?.result;
    return typeof result === "string" ? JSON.parse(result) : { ok: false, error: "no_note", page: {} };
  } catch {
    // Pages the extension may not read (browser pages, other sites without a toolbar click).
    return { ok: false, error: "unreadable", page: {} };
  }
}
