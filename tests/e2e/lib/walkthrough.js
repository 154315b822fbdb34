// The scripted demo walkthrough (also the source of README screenshots): what a clinician does,
// step by step, against the sandbox. It grows with each feature.
import path from "node:path";
import { click, fill } from "./ui.js";

export async function walkthrough(session, sandbox, { shots, log }) {
  const snap = async (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  log("open the options page");
  const options = await session.openExtensionPage("options.html");
  await options.waitForSelector('body[data-core="ready"]', { timeout: 20_000 });

  log("paste the demo Cliniko API key and choose Save changes");
  await fill(options, "Cliniko API key", sandbox.keys.practitioner);
  await click(options, "Save changes");
  await options.waitForSelector('body[data-cliniko="connected"]', { timeout: 20_000 });
  log(`status: ${await options.$eval("#cliniko-status", (e) => e.textContent)}`);
  await snap(options, "options-connected");

  log("open a Motics session and the popup");
  const motics = await session.openWebPage(`${sandbox.motics_url}/`);
  const popup = await session.openPopup(motics);
  await popup.waitForSelector('body[data-core="ready"]', { timeout: 20_000 });
  await snap(popup, "popup");
  await popup.close();
  await motics.close();
  await options.close();
}
