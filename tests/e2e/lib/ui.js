// Finding and using controls by accessible name, as a person would. Puppeteer's Locator API hangs
// over WebDriver BiDi on Firefox extension pages (its actionability checks never settle), so these
// use waitForSelector with the ARIA query handler, which works in both browsers.

/** The element whose accessible name is `name` (CSS-like attribute syntax is allowed, e.g. `[role="button"]`). */
export function byName(page, name, timeout = 15_000) {
  return page.waitForSelector(`::-p-aria(${name})`, { timeout });
}

/** Click the control named `name`. */
export async function click(page, name) {
  const el = await byName(page, name);
  await el.click();
  return el;
}

/** Replace the value of the field named `name` by typing `value`. */
export async function fill(page, name, value) {
  const el = await byName(page, name);
  await el.evaluate((e) => { e.value = ""; });
  await el.type(value);
  return el;
}
