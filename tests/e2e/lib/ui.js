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

/**
 * Replace the value of the field named `name` by typing `value`, as a person would: go to the end,
 * delete what is there, type. (Setting `.value` or `select()` from script is not honoured by
 * Firefox's BiDi input, which then appends to the old text.)
 */
export async function fill(page, name, value) {
  const found = await byName(page, name);
  // Firefox's accessibility locator can return the <label> that names the field: use its control.
  const el = await found.evaluateHandle((e) => e.control ?? e);
  await el.focus();
  await page.keyboard.press("End");
  const length = await el.evaluate((e) => e.value.length);
  for (let i = 0; i < length; i++) await page.keyboard.press("Backspace");
  await el.type(value);
  return el;
}
