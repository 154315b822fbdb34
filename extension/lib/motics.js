// The one list of Motics origins (issue 15 §4). Only a page on one of these may name the session,
// the patient, the author or the time; anywhere else the extension reads the note's text only.
// read-note.js is serialised into the page, so callers pass this list to it as an argument.

/** The Motics web app's origins. */
export const MOTICS_ORIGINS = Object.freeze(["https://app.motics.ai"]);

/** Match patterns for the same origins (context menu `documentUrlPatterns`). */
export const MOTICS_PAGES = Object.freeze(MOTICS_ORIGINS.map((o) => `${o}/*`));

/** The origin of `url`, or null when it isn't a URL. */
export function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
