// The popup fits the browser's popup box (issue 14): at 800×600 with a 100 KB note, the chosen
// patient's name and "Push to <EHR>" sit in an action bar on screen without scrolling, and stay
// there while the whole preview scrolls beneath it, to its last line — in both browsers, for every
// EHR. Chromium shows the real toolbar popup (its own box, never over 800×600); Firefox, which
// has no popup target, shows the same page in a tab sized 800×600. Screenshots of both states go
// to tests/e2e/artifacts/ (gitignored; the README's come from there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { artifact, cleanSuite } from "./lib/suite.js";
import { searchAndChoose } from "./lib/flows.js";
import { EHRS } from "./lib/ehrs.js";
import { click } from "./lib/ui.js";

/** The largest popup a browser shows (Chrome and Firefox both cap it at 800×600). */
const BOX = { width: 800, height: 600 };

/** Where the Push button is, and whether it is on screen, unscrolled and not covered by anything. */
function pushPlacement() {
  const push = document.getElementById("push");
  const r = push.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const end = document.getElementById("preview-end").getBoundingClientRect();
  const bar = document.getElementById("push-section").getBoundingClientRect();
  return {
    box: [innerWidth, innerHeight],
    onScreen: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
    uncovered: push === hit || push.contains(hit),
    scrollY, pageTaller: document.documentElement.scrollHeight > innerHeight * 3,
    endAboveBar: end.bottom <= bar.top + 1, endOnScreen: end.top >= 0 && end.bottom <= innerHeight,
  };
}

cleanSuite("popup fits 800×600", (ctx) => {
  for (const ehr of EHRS) {
    test(`${ehr.name}: a 100 KB note, Push and the patient on screen without scrolling, the preview scrolls beneath`, async () => {
      const { s, sandbox, kind } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/variants/size-100k`);
      await popup.setViewport(BOX);
      await popup.waitForSelector("#details-section:not([hidden])", { timeout: 20_000 });
      assert.match(await popup.$eval("#action-patient", (e) => e.textContent), /Choose the patient first/);
      await searchAndChoose(popup, ehr.patient);
      // The page names Margaret O'Brien; an EHR without her gets the mismatch question, answered.
      if (await popup.$("#mismatch:not([hidden])")) await popup.click("#mismatch-confirm");
      await popup.waitForSelector("#push:not([disabled])", { timeout: 30_000 });
      await popup.evaluate(() => window.scrollTo(0, 0));
      const top = await popup.evaluate(pushPlacement);
      assert.ok(top.pageTaller, "the 100 KB preview is far longer than the popup");
      assert.equal(top.scrollY, 0);
      assert.ok(top.box[0] <= BOX.width && top.box[1] <= BOX.height, `the popup's box is at most 800×600: ${top.box}`);
      assert.ok(top.onScreen && top.uncovered, `Push to ${ehr.name} is on screen unscrolled: ${JSON.stringify(top)}`);
      const bar = await popup.$eval("#action-patient", (e) => e.textContent);
      const chosen = await popup.$eval("#patient-card-name", (e) => e.textContent);
      assert.ok(bar.includes(chosen), `the action bar names ${chosen}: ${bar}`);
      await artifact(popup, `popup-fit-${ehr.id}-${kind}`);
      // The whole preview is reviewable: scrolled to its end, the last line sits above the bar.
      await popup.$eval("#preview-end", (e) => e.scrollIntoView({ block: "end" }));
      const end = await popup.evaluate(pushPlacement);
      assert.ok(end.scrollY > 0 && end.onScreen && end.uncovered, `Push stays on screen: ${JSON.stringify(end)}`);
      assert.ok(end.endOnScreen && end.endAboveBar, `the preview's end is not under the bar: ${JSON.stringify(end)}`);
      await artifact(popup, `popup-fit-${ehr.id}-${kind}-end`);
      await click(popup, `Push to ${ehr.name}`);
      await popup.waitForSelector("#receipt:not([hidden])", { timeout: 60_000 });
      assert.deepEqual(await popup.evaluate(() => [document.getElementById("receipt").getBoundingClientRect().top < innerHeight]), [true], "the receipt shows in the bar");
    });
  }
});
