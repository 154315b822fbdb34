// Issue 18, a long note shown progressively: the popup reads a 100 KB note's head first and shows it
// at once (`#preview[data-state="first"]`), then reads the page whole. While only the head is in,
// nothing can be pushed or copied; what is then shown, and pushed, is the whole note. The head is
// judged by the same rules as the whole note: no hidden text, ever (issue 15 §1).
//
// To see the head reliably, the Motics tab's own script keeps the page busy in long slices: each
// page read waits for a gap between them, so the whole read starts a slice after the head's. The
// slices are chained by messages, not timers (a background tab's timers are slowed to 1 s in
// Firefox, which left long gaps).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanSuite } from "./lib/suite.js";
import { searchAndChoose } from "./lib/flows.js";
import { EHRS } from "./lib/ehrs.js";
import { click } from "./lib/ui.js";

/** The page's own script: busy for a second at a time, with short gaps, until told to stop. */
const busy = (tab) => tab.evaluate(() => {
  globalThis.busyPage = true;
  const next = new MessageChannel();
  next.port1.onmessage = () => {
    if (!globalThis.busyPage) return;
    const end = performance.now() + 1000;
    while (performance.now() < end) { /* the page is busy */ }
    next.port2.postMessage(null);
  };
  next.port2.postMessage(null);
});
const idle = (tab) => tab.evaluate(() => { globalThis.busyPage = false; });

/** The popup on `url` with the page busy, once its head shows: the popup, the tab and what shows. */
async function openOnHead(ctx, url) {
  const tab = await ctx.s.openWebPage(url);
  // The note's last part (the page repeats a SOAP note under "Part 1", "Part 2", …).
  const last = await tab.$$eval("article h2", (hs) => hs.map((h) => h.textContent).filter((t) => /^Part \d+$/.test(t)).at(-1));
  await busy(tab);
  const popup = await ctx.s.openPopup(tab);
  ctx.keep(popup, tab);
  // What the popup shows the moment a preview is first in it (taken in the same check).
  const seen = await popup.waitForFunction(() => {
    const preview = document.getElementById("preview");
    if (preview.dataset.state !== "first" || preview.textContent.trim() === "") return false;
    return {
      text: preview.textContent,
      note: document.body.dataset.note ?? null,
      push: document.getElementById("push").disabled,
      copy: document.getElementById("copy-note").disabled,
      title: document.getElementById("note-details").hidden,
      shown: document.getElementById("details-section").hidden === false,
    };
  }, { timeout: 30_000, polling: 20 });
  return { tab, popup, last, head: await seen.jsonValue() };
}

/** Hidden-text decoys (tests/sandbox/src/motics/mod.rs HIDDEN_BODY): none may show. */
const noHiddenText = (text) => {
  for (const seen of [/Visible start/, /Visible middle/, /Visible end/]) assert.match(text, seen);
  assert.deepEqual(text.match(/HIDDEN-[a-z]+/g) ?? [], [], "text a person can't see was read");
};

cleanSuite("a long note shows its head first", (ctx) => {
  const opened = [];
  ctx.keep = (...pages) => opened.push(...pages);
  const closeAll = async () => { for (const p of opened.splice(0)) await p.close().catch(() => {}); };

  for (const ehr of EHRS) {
    test(`${ehr.name}: a 100 KB note's head shows at once, Push waits for the whole note, which is what is sent`, async () => {
      const { sandbox } = ctx;
      await ehr.connect(ctx.s, sandbox);
      try {
        const { tab, popup, last, head } = await openOnHead(ctx, `${sandbox.motics_url}/variants/size-100k`);
        assert.ok(head.shown, "the head's preview is on screen");
        assert.equal(head.note, null, "the note is not ready while only its head is in");
        assert.equal(head.push, true, `Push to ${ehr.name} waits for the whole note`);
        assert.equal(head.copy, true, "Copy note waits for the whole note");
        assert.equal(head.title, true, "the title and template wait for the whole note");
        assert.match(head.text, /Part 1/);
        assert.ok(!head.text.includes(last), `the head is not the whole note (${last} is read later)`);
        assert.doesNotMatch(head.text, /Pushed from/, "a head has no footer: it is never what is sent");
        await idle(tab);

        await popup.waitForSelector('body[data-note="ready"]', { timeout: 30_000 });
        await popup.waitForFunction(() => document.getElementById("preview").dataset.state === "whole", { timeout: 30_000 });
        const whole = await popup.$eval("#preview", (e) => e.textContent);
        assert.ok(whole.includes(last), `the whole note is shown, to ${last}`);
        assert.match(whole, /Pushed from Motics/);
        const patientId = await searchAndChoose(popup, ehr.patient);
        if (await popup.$("#mismatch:not([hidden])")) await popup.click("#mismatch-confirm");
        await popup.waitForSelector("#push:not([disabled])", { timeout: 30_000 });
        await click(popup, `Push to ${ehr.name}`);
        await popup.waitForSelector("#receipt:not([hidden])", { timeout: 60_000 });
        const notes = await ehr.notes(sandbox, patientId);
        assert.equal(notes.length, 1, "exactly one note");
        const sent = ehr.shown(notes[0]);
        assert.ok(sent.includes(last), `${ehr.name} got the whole note, to ${last}`);
        assert.match(sent, /Pushed from Motics/);
      } finally {
        await closeAll();
      }
    });
  }

  test("the head of a long note on a page with hidden text shows none of it", async () => {
    const { sandbox } = ctx;
    await EHRS[0].connect(ctx.s, sandbox);
    try {
      const { tab, popup, head } = await openOnHead(ctx, `${sandbox.motics_url}/variants/hidden-100k`);
      noHiddenText(head.text);
      await idle(tab);
      await popup.waitForFunction(() => document.getElementById("preview").dataset.state === "whole", { timeout: 30_000 });
      noHiddenText(await popup.$eval("#preview", (e) => e.textContent));
    } finally {
      await closeAll();
    }
  });
});
