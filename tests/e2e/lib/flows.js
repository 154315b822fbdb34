// Shared steps for E2E suites that start from "Cliniko is connected".
import { sendFromExtensionPage } from "./browser.js";

/** Connect Cliniko through the background (as the options page's Save changes does). */
export async function connectCliniko(session, sandbox, key = sandbox.keys.practitioner) {
  const reply = await sendFromExtensionPage(session, { type: "connection/connect", ehr: "cliniko", key });
  if (!reply?.ok) throw new Error(`connect failed: ${JSON.stringify(reply)}`);
  return reply.value;
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
