// The push window a context-menu click opens (popup.html?capture=<id>): the note captured from the
// tab, read once, and (for a site that isn't Motics) the whole note shown with Push held until the
// clinician has seen its end (issue 15 §2, §3).
import { api } from "../lib/browser.js";
import { t } from "../lib/i18n.js";

const $ = (id) => document.getElementById(id);

/** The capture `id`, removed from storage.session as soon as it is read: it holds note text. */
export async function readCapture(id) {
  const key = `capture:${id}`;
  const stored = (await api.storage.session.get(key))[key];
  if (stored) await api.storage.session.remove(key);
  return stored?.reply ?? { ok: false, error: "capture_gone", page: {} };
}

/**
 * "Read it all first": a note captured on another site is shown whole (no scroll box hiding its
 * end), names the site, and `seen()` stays false until the end of the preview has been on screen.
 */
export class ReadAll {
  constructor() {
    this.done = true;
  }

  /** Require the whole note to be seen; `onSeen` runs once when it has been. */
  require(site, onSeen) {
    this.done = false;
    document.body.dataset.capture = "foreign";
    document.body.dataset.seenAll = "no";
    const note = $("capture-site");
    note.textContent = `${t("captureFromSite", [site])} ${t("captureReadAll")}`;
    note.hidden = false;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting) || $("details-section").hidden) return;
      observer.disconnect();
      this.done = true;
      document.body.dataset.seenAll = "yes";
      note.textContent = t("captureFromSite", [site]);
      onSeen();
    }, { rootMargin: `0px 0px -${$("push-section").offsetHeight}px 0px` }); // not under the action bar
    observer.observe($("preview-end"));
  }

  seen() {
    return this.done;
  }
}
