// The scripted demo walkthrough (also the source of README screenshots): what a clinician does,
// step by step, against the sandbox — connect, open a session, find the patient, push, open the note.
import path from "node:path";
import { click, fill } from "./ui.js";

export async function walkthrough(session, sandbox, { shots, log }) {
  const snap = async (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  log("open Settings (the options page)");
  const options = await session.openExtensionPage("options.html");
  await options.waitForSelector('body[data-core="ready"]', { timeout: 20_000 });

  log("paste the demo Cliniko API key and choose Save changes");
  await fill(options, "Cliniko API key", sandbox.keys.practitioner);
  await click(options, "Save changes for Cliniko");
  await options.waitForSelector('body[data-cliniko="connected"]', { timeout: 20_000 });
  log(`  ${await options.$eval("#cliniko-status", (e) => e.textContent)}`);
  await snap(options, "options-connected");

  const sessionUrl = `${sandbox.motics_url}/sessions/s-1001`;
  log(`open the Motics session ${sessionUrl} and click the toolbar button`);
  const motics = await session.openWebPage(sessionUrl);
  const patientName = (await motics.$eval("[data-testid=patient-name]", (e) => e.textContent)).trim();
  const popup = await session.openPopup(motics);
  await popup.waitForSelector('body[data-note="ready"]', { timeout: 20_000 });
  log(`  note: ${await popup.$eval("#note-title-read", (e) => e.textContent)} (${await popup.$eval("#note-facts", (e) => e.textContent)})`);

  log(`search patients for "${patientName}" and choose the result`);
  await fill(popup, "Search patients", patientName);
  await popup.waitForFunction((q) => document.getElementById("patient-search-status").dataset.query === q, { timeout: 20_000 }, patientName);
  await popup.click("#patient-results [role=option]");
  await popup.waitForSelector("#patient-card:not([hidden])");
  log(`  chosen: ${await popup.$eval("#patient-card-name", (e) => e.textContent)} · ${await popup.$eval("#patient-card-dob", (e) => e.textContent)} · ${await popup.$eval("#patient-card-id", (e) => e.textContent)}`);
  await snap(popup, "popup-preview");

  log("choose Push to Cliniko");
  await click(popup, "Push to Cliniko");
  await popup.waitForFunction(() => ["done", "failed", "error", "needs_reconnect", "retry_wait"].includes(document.body.dataset.push), { timeout: 60_000 });
  const outcome = await popup.$eval("body", (b) => b.dataset.push);
  if (outcome !== "done") throw new Error(`push ended as ${outcome}: ${await popup.$eval("#push-error", (e) => e.textContent)}`);
  const link = await popup.$eval("#receipt-link", (a) => a.href);
  log(`  ${await popup.$eval("#receipt-text", (e) => e.textContent)}`);
  await snap(popup, "popup-receipt");
  log(`note link: ${link}`);

  log("open in Cliniko");
  const cliniko = await session.openWebPage(link);
  await snap(cliniko, "cliniko-patient");
  // A toolbar popup closes itself when another tab takes focus (as it just did): close what's left.
  for (const page of [cliniko, popup, motics, options]) await page.close().catch(() => {});
  return { link };
}
