// Shared steps for E2E suites that start from "Cliniko is connected".
import { EHRS } from "./ehrs.js";
import { fill } from "./ui.js";

/** Connect Cliniko through the background (as the options page's Save changes does). */
export function connectCliniko(session, sandbox, key = sandbox.keys.practitioner) {
  return EHRS.find((e) => e.id === "cliniko").connect(session, sandbox, key);
}

/** Open `url` in a tab, then the popup on it, and wait until the popup has read the page. */
export async function popupOn(session, url) {
  const tab = await session.openWebPage(url);
  const popup = await session.openPopup(tab);
  await popup.waitForSelector('body[data-core="ready"]', { timeout: 20_000 });
  await popup.waitForSelector("body[data-note]", { timeout: 20_000 });
  return { tab, popup };
}

/** Text of every element matching `selector` in `page`. */
export function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
}

/** Forget everything the extension stored (keys, settings, outbox, receipts): a clean install's state. */
export async function resetExtension(session) {
  const page = await session.openExtensionPage("options.html");
  try {
    await page.evaluate(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      await api.storage.local.clear();
      await api.storage.session.clear();
    });
  } finally {
    await page.close();
  }
}

/**
 * Search patients for `query` as a person types it, choose the first result, and wait until the push
 * could go (an EHR's case chooser settled). Resolves to the chosen patient's id.
 */
export async function searchAndChoose(popup, query) {
  await popup.waitForSelector("#patient-search-box:not([hidden])");
  await fill(popup, "Search patients", query);
  await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, query);
  await popup.click("#patient-results [role=option]");
  await popup.waitForSelector("#patient-card:not([hidden])");
  await casesSettled(popup);
  return popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
}

/** Wait until an EHR's case chooser (Nookal) has the patient's cases (`none`: it offers New case), or there is none. */
export async function casesSettled(popup) {
  await popup.waitForFunction(() => {
    const extras = document.getElementById("ehr-extras");
    return extras.hidden || ["ready", "none", "error"].includes(extras.dataset.cases);
  }, { timeout: 20_000 });
  return popup.$eval("#ehr-extras", (e) => e.dataset.cases);
}
