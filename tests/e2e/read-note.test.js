// Reading the Motics page and showing exactly what Cliniko will receive: every sandbox variant, the
// history page's choices, a selection's structure, and a hostile note that must stay inert.
import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox } from "./lib/sandbox.js";
import { BROWSERS, launch } from "./lib/browser.js";
import { connectCliniko, popupOn, texts } from "./lib/flows.js";
import { click } from "./lib/ui.js";

const ALLOWED = new Set(["P", "DIV", "BR", "UL", "OL", "LI", "BLOCKQUOTE", "H1", "H2", "B", "I", "U", "A"]);

for (const kind of BROWSERS) {
  describe(`read the note (${kind})`, () => {
    let sandbox, s;
    before(async () => {
      sandbox = await startSandbox();
      s = await launch(kind, sandbox);
      await connectCliniko(s, sandbox);
    });
    after(async () => {
      await s?.close();
      await sandbox?.stop();
    });

    async function previewOf(popup) {
      return popup.$eval("#preview", (el) => ({
        text: el.textContent,
        tags: [...el.querySelectorAll("*")].map((e) => e.tagName),
        links: [...el.querySelectorAll("a")].map((a) => a.getAttribute("href")),
      }));
    }

    test("a contract note shows title, author, created time, preview and downgrades", async () => {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1001`);
      const note = await tab.$eval("[data-motics-note]", (e) => ({ ...e.dataset }));
      assert.equal(await popup.$eval("body", (b) => b.dataset.note), "ready");
      assert.equal(await popup.$eval("#note-title-read", (e) => e.textContent), note.title);
      const facts = await popup.$eval("#note-facts", (e) => e.textContent);
      assert.ok(facts.includes(`by ${note.author}`), facts);
      // The created time is shown in the browser's locale (en-AU: day first).
      const created = new Date(note.createdAt);
      const day = String(created.getDate()).padStart(2, "0");
      assert.ok(facts.includes(`created ${day}/`), facts);
      const preview = await previewOf(popup);
      assert.ok(preview.tags.every((t) => ALLOWED.has(t)), `only Cliniko's tags: ${preview.tags}`);
      assert.ok(preview.tags.includes("UL") && preview.tags.includes("B"), "lists and bold survive");
      assert.ok(preview.text.includes("Pushed from Motics · ref "), "footer with the push reference");
      assert.ok(preview.text.includes(`Written by ${note.author}`), "footer with the author");
      // The table can't go to Cliniko as a table: the popup says so before pushing.
      const downgrades = await texts(popup, "#downgrade-list li");
      assert.ok(downgrades.some((d) => /table/i.test(d)), JSON.stringify(downgrades));
      await popup.close();
      await tab.close();
    });

    test("Copy note copies what the preview shows, as rich and plain text", async () => {
      if (kind === "chromium") {
        await s.browser.defaultBrowserContext().overridePermissions(s.base.replace(/\/$/, ""), ["clipboard-read", "clipboard-sanitized-write"]);
      }
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1001`);
      const shown = await popup.$eval("#preview", (e) => e.textContent);
      const ref = shown.match(/ref (\S+)/)?.[1];
      assert.ok(ref, shown);
      // The preview asks no HTML or text of the core: the popup asks for them once it shows.
      await popup.waitForSelector('body[data-copy="ready"]', { timeout: 10_000 });
      await popup.bringToFront();
      await click(popup, "Copy note");
      await popup.waitForFunction(() => /Copied/.test(document.getElementById("push-status").textContent) ||
        document.getElementById("push-error").textContent !== "", { timeout: 10_000 });
      assert.equal(await popup.$eval("#push-error", (e) => e.textContent), "");
      assert.match(await popup.$eval("#push-status", (e) => e.textContent), /Paste it into the patient's treatment note in Cliniko/);
      if (kind === "chromium") {
        // Firefox's automation can't read the clipboard back; Chromium's can, with the permission.
        const copied = await popup.evaluate(async () => {
          const [item] = await navigator.clipboard.read();
          const read = async (type) => (item.types.includes(type) ? (await item.getType(type)).text() : null);
          return { html: await read("text/html"), text: await read("text/plain") };
        });
        for (const form of [copied.html, copied.text]) {
          assert.ok(form?.includes(`ref ${ref}`), `the preview's reference in ${form?.slice(-200)}`);
        }
        assert.match(copied.html, /<ul>|<b>/, "formatting kept");
        assert.doesNotMatch(copied.text, /<[a-z]/, "plain text");
      }
      await popup.close();
      await tab.close();
    });

    test("the history page offers each note (and version) as a choice", async () => {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/history`);
      const count = await tab.$$eval("[data-motics-note]", (els) => els.length);
      assert.ok(count >= 5, `history has ${count} notes`);
      const choices = await texts(popup, "#note-picker-options label");
      assert.equal(choices.length, count);
      assert.ok(choices.some((c) => c.includes("version 2")), JSON.stringify(choices));
      // Picking another note re-renders the preview for that note.
      const before = (await previewOf(popup)).text;
      await popup.click("#note-picker-options label:nth-child(3) input");
      await popup.waitForFunction((b) => document.getElementById("preview").textContent !== b, {}, before);
      await popup.close();
      await tab.close();
    });

    for (const variant of ["prosemirror", "quill", "textarea", "article"]) {
      test(`the ${variant} page without the contract is read from its editor`, async () => {
        const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/variants/${variant}`);
        assert.equal(await popup.$eval("body", (b) => b.dataset.note), "ready");
        const preview = await previewOf(popup);
        assert.ok(preview.text.length > 100, `${variant}: ${preview.text.slice(0, 80)}`);
        assert.ok(preview.tags.every((t) => ALLOWED.has(t)));
        await popup.close();
        await tab.close();
      });
    }

    test("a recording in progress has no note yet and says so", async () => {
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/sessions/s-1005`);
      assert.equal(await popup.$eval("body", (b) => b.dataset.note), "no_note");
      assert.match(await popup.$eval("#note-status", (e) => e.textContent), /no note yet/i);
      assert.equal(await popup.$eval("#push", (b) => b.disabled), true);
      await popup.close();
      await tab.close();
    });

    test("a selection keeps its bold and list structure", async () => {
      const tab = await s.openWebPage(`${sandbox.motics_url}/variants/article`);
      await tab.evaluate(() => {
        const article = document.querySelector("article");
        const range = document.createRange();
        range.selectNodeContents(article);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      });
      // The popup code path that reads a selection (the context menu uses the same function).
      const page = await s.openExtensionPage("options.html");
      const prepared = await page.evaluate(async (url) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const { readNote } = await import("./read-note.js");
        const [tab] = await api.tabs.query({ url });
        const [frame] = await api.scripting.executeScript({ target: { tabId: tab.id }, func: readNote, args: [{ mode: "selection", maxBytes: 1000000 }] });
        const reply = frame.result;
        if (!reply.ok) return { reply };
        return api.runtime.sendMessage({ type: "note/prepare", source: reply.candidates[0] });
      }, tab.url());
      assert.equal(prepared.ok, true, JSON.stringify(prepared));
      const html = JSON.stringify(prepared.value.preview);
      assert.ok(html.includes('"t":"b"'), "bold kept");
      assert.ok(html.includes('"t":"ul"') || html.includes('"t":"ol"'), "list kept");
      await page.close();
      await tab.close();
    });

    test("a long note's head: the same notes and facts, its first part only, by the same rules; a short note is read whole", async () => {
      const reads = async (url) => {
        const tab = await s.openWebPage(url);
        const page = await s.openExtensionPage("options.html");
        const r = await page.evaluate(async (url) => {
          const api = globalThis.browser ?? globalThis.chrome;
          const { readNote } = await import("./read-note.js");
          const [tab] = await api.tabs.query({ url });
          const read = async (extra) => (await api.scripting.executeScript({ target: { tabId: tab.id }, func: readNote,
            args: [{ mode: "page", maxBytes: 1000000, moticsOrigins: [new URL(url).origin], ...extra }] }))[0].result;
          return { whole: await read({}), head: await read({ headBytes: 8000 }), json: await read({ json: true }) };
        }, tab.url());
        await page.close();
        await tab.close();
        return r;
      };
      const { whole, head, json } = await reads(`${sandbox.motics_url}/variants/size-100k`);
      assert.deepEqual(JSON.parse(json), whole, "the JSON form is the same reply");
      assert.equal(head.candidates.length, whole.candidates.length);
      const [h, w] = [head.candidates[0], whole.candidates[0]];
      assert.equal(h.partial, true);
      assert.equal(w.partial, undefined, "a whole read is never partial");
      assert.deepEqual(h.meta, w.meta);
      assert.deepEqual(head.page, whole.page);
      const [hs, ws] = [JSON.stringify(h.tree), JSON.stringify(w.tree)];
      assert.ok(hs.length > 8000 && hs.length < ws.length / 4, `a head of ~8 KB: ${hs.length} of ${ws.length}`);
      // Each of the head's top-level blocks is the whole read's, but for the last one, cut short.
      h.tree.slice(0, -1).forEach((node, i) => assert.deepEqual(node, w.tree[i]));
      const short = await reads(`${sandbox.motics_url}/variants/size-10k`);
      assert.deepEqual(short.head, short.whole, "a 10 KB note is read whole at once");
    });

    test("a hostile note stays inert: nothing runs, nothing unsafe is shown", async () => {
      const dialogs = [];
      const { tab, popup } = await popupOn(s, `${sandbox.motics_url}/variants/hostile`);
      popup.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
      const preview = await previewOf(popup);
      assert.ok(preview.tags.every((t) => ALLOWED.has(t)), `tags: ${preview.tags}`);
      assert.ok(preview.links.every((h) => /^(https?:|mailto:)/i.test(h)), `links: ${preview.links}`);
      assert.equal(await popup.$$eval("#preview script, #preview iframe, #preview svg, #preview form, #preview img", (e) => e.length), 0);
      const handlers = await popup.$$eval("#preview *", (els) => els.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith("on")));
      assert.deepEqual(handlers, [], "no event handler attributes");
      assert.equal(await tab.title() === "pwned", false, "the page's own scripts are blocked by its CSP");
      assert.deepEqual(dialogs, []);
      await popup.close();
      await tab.close();
    });

    test("no console errors and no uncaught exceptions", () => {
      assert.deepEqual(s.errors, []);
    });
  });
}
