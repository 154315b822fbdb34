// The Appointments list and linked notes (issue 14), end to end against the sandbox's diaries, one
// body per behaviour run for every EHR, in both browsers: a session recorded at 10:32 puts the 10:30
// appointment first and highlighted but not chosen; choose + Push is two clicks and sends exactly one
// note linked to that appointment; cancelled appointments never show; same-name patients are told
// apart by time and date of birth; a diary that fails (500) says so in one line with Retry while
// search and push still work. The sandbox's clinics (like its browsers) run on UTC.
import { test } from "node:test";
import assert from "node:assert/strict";
import { artifact, cleanSuite } from "./lib/suite.js";
import { axe } from "./lib/axe.js";
import { casesSettled, searchAndChoose } from "./lib/flows.js";
import { EHRS, live } from "./lib/ehrs.js";
import { byName, click, fill } from "./lib/ui.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Today's `hh:mm` in unix ms (UTC, the sandbox's clinic day). */
function todayAt(h, m) {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
}
/** "2:00 pm" / "14:00" (the browser's locale) → "14:00". */
function hhmm(shown) {
  const m = /(\d{1,2}):(\d{2})\s*([ap])?/i.exec(shown.replace(/\s/g, " "));
  if (!m) return shown;
  const h = (Number(m[1]) % (m[3] ? 12 : 24)) + (m[3]?.toLowerCase() === "p" ? 12 : 0);
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}
/** The rows the popup lists: key, classes, pressed, and the words shown. */
const rowsOf = (popup) => popup.$$eval("#appointments-list button.appt", (bs) => bs.map((b) => ({
  key: b.dataset.key, best: b.classList.contains("best"), pressed: b.getAttribute("aria-pressed") === "true",
  time: b.querySelector(".appt-time").textContent, name: b.querySelector(".patient-name").textContent,
  text: b.textContent.replace(/\s+/g, " ").trim(), disabled: b.disabled,
})));

cleanSuite("appointments", (ctx) => {
  async function listed(popup, states = ["ready"]) {
    await popup.waitForFunction((st) => st.includes(document.getElementById("appointments").dataset.state), { timeout: 30_000 }, states);
    return rowsOf(popup);
  }
  async function pushed(ehr, popup) {
    await popup.waitForSelector("#push:not([disabled])", { timeout: 30_000 });
    await click(popup, `Push to ${ehr.name}`);
    await popup.waitForSelector("#receipt:not([hidden]), #confirm-box:not([hidden])", { timeout: 60_000 }).catch(async (e) => {
      const at = await popup.evaluate(() => ["push-status", "push-error", "jobs"].map((id) => document.getElementById(id).textContent.trim()));
      throw new Error(`${e.message}: ${JSON.stringify(at)}`);
    });
    assert.equal(await popup.$("#confirm-box:not([hidden])"), null, "no duplicate question for a fresh appointment");
  }
  async function waitForNotes(ehr, patientId, count, timeout = 60_000) {
    const end = Date.now() + timeout;
    for (;;) {
      const notes = live(await ehr.notes(ctx.sandbox, patientId));
      if (notes.length >= count || Date.now() > end) return notes;
      await sleep(500);
    }
  }

  test("Settings: which appointments the popup lists (whole day or only near the session, hours either side)", async () => {
    const { s } = ctx;
    const page = await s.openExtensionPage("options.html");
    try {
      await page.waitForSelector('body[data-core="ready"]', { timeout: 20_000 });
      assert.equal(await page.$eval("#diary-whole-day", (e) => e.checked), true, "default: the whole day");
      assert.equal(await page.$eval("#diary-hours", (e) => e.value), "3", "default: ±3 h first");
      await click(page, "Only those near the session");
      await fill(page, "Near the session: hours either side", "2");
      await click(page, "Save defaults");
      await page.waitForFunction(() => document.getElementById("defaults-status").textContent.trim() !== "", { timeout: 20_000 });
      const saved = await page.evaluate(() => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: "settings/get" }));
      assert.deepEqual(saved.value.diary_window, { whole_day: false, hours: 2 });
    } finally {
      await page.close();
    }
  });

  for (const ehr of EHRS) {
    test(`${ehr.name}: a session at 10:32 → the 10:30 appointment first, highlighted, not chosen; choose + Push → one note linked to it`, async () => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=10:32`);
      const rows = await listed(popup);
      assert.ok(rows.length > 1, "the day's diary is listed");
      await artifact(popup, `appointments-list-${ehr.id}-${ctx.kind}`);
      assert.deepEqual(await axe(popup), [], "no axe violations with the list shown");
      const [first] = rows;
      assert.ok(first.best && !first.pressed, `the first row is the highlighted best match, not chosen: ${first.text}`);
      assert.equal(rows.filter((r) => r.best).length, 1);
      assert.equal(hhmm(first.time), "10:30");
      assert.equal(await popup.$eval("#patient-card", (e) => e.hidden), true, "nothing is chosen before the click");
      assert.equal(await popup.$eval("#push", (b) => b.disabled), true);
      const appt = await ehr.appointment(sandbox, first.key);
      assert.equal(appt.starts_ms, todayAt(10, 30));
      assert.equal(appt.cancelled, false, "the cancelled 10:30 appointment is not the one suggested");
      if (ehr.noteStatus) assert.match(first.text, /no note yet/);
      // Cancelled (and deleted) appointments never show: every listed row is a live appointment.
      for (const row of rows) assert.equal((await ehr.appointment(sandbox, row.key)).cancelled, false, `listed: ${row.text}`);
      assert.ok(rows.every((r) => r.key !== undefined) && new Set(rows.map((r) => r.key)).size === rows.length);

      // Click 1: choose. The same patient card search fills, and the link under "What will be sent".
      await popup.click("#appointments-list button.appt.best");
      await popup.waitForSelector("#patient-card:not([hidden])");
      const cardId = await popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
      assert.equal(cardId, appt.patient_id, "the card is the appointment's patient");
      const linked = await popup.$eval("#appointment-link", (e) => e.textContent.trim());
      assert.match(linked, /^Linked to the 10:30.* appointment/);
      await artifact(popup, `appointments-chosen-${ehr.id}-${ctx.kind}`);
      assert.deepEqual(await axe(popup), [], "no axe violations with the appointment chosen");
      const before = ehr.noteStatus ? appt.note_status : null;
      // Click 2: Push.
      await casesSettled(popup);
      await pushed(ehr, popup);
      assert.equal(await popup.$eval("#receipt-appointment", (e) => e.textContent.trim()), linked, "the receipt says which appointment");
      await artifact(popup, `appointments-receipt-${ehr.id}-${ctx.kind}`);
      const notes = await waitForNotes(ehr, appt.patient_id, 1);
      assert.equal(notes.length, 1, "exactly one note");
      assert.equal(ehr.link(notes[0]), first.key.split(":")[1], "the note is linked to the chosen appointment");
      const creates = (await sandbox.admin.requests({ path_prefix: ehr.create.path })).filter((r) => !ehr.create.method || r.method === ehr.create.method);
      assert.equal(creates.length, 1);
      assert.ok(creates[0].body.includes(first.key.split(":")[1]), "the request log shows the link field");
      if (ehr.noteStatus) {
        const after = (await ehr.appointment(sandbox, first.key)).note_status;
        assert.notEqual(after, before, "the appointment's note status changed");
      }
    });

    test(`${ehr.name}: same-name patients on the day are told apart by time and date of birth`, async () => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=10:32`);
      const rows = await listed(popup);
      // The same name: a preferred name ("Jim") shown beside it doesn't make it another.
      const byName = new Map();
      for (const r of rows) {
        const name = r.name.replace(/\s*\(“[^”]*”\)/, "");
        byName.set(name, [...(byName.get(name) ?? []), r]);
      }
      const twins = [...byName.values()].find((g) => g.length > 1 && new Set(g.map((r) => r.text.match(/born \S+/)?.[0])).size > 1);
      assert.ok(twins, `two patients with one name: ${rows.map((r) => r.text).join(" | ")}`);
      assert.notEqual(twins[0].time, twins[1].time);
      for (const r of twins) assert.match(r.text, /born \d{2}\/\d{2}\/\d{4}/);
    });

    test(`${ehr.name}: a group class attendee is listed and linked as an attendee`, async (t) => {
      if (!ehr.groups) return t.skip(`${ehr.name}'s API gives no group classes (see the sandbox's diary notes)`);
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=13:05`);
      const rows = await listed(popup);
      const attendees = rows.filter((r) => r.key.startsWith("group_attendee:"));
      assert.equal(attendees.length, 3, "each of the class's three attendees is a row");
      await popup.click(`#appointments-list button[data-key="${attendees[0].key}"]`);
      await popup.waitForSelector("#patient-card:not([hidden])");
      const patientId = await popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, ""));
      await casesSettled(popup);
      await pushed(ehr, popup);
      const [note] = await waitForNotes(ehr, patientId, 1);
      assert.equal(note.attendee_id, attendees[0].key.split(":")[1], "linked by attendee_id");
    });

    test(`${ehr.name}: Match by appointment pairs the four notes that fit exactly one appointment, leaves one for search, sends nothing before Push all`, async (t) => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      // 11:10 falls in a double-booked slot: two appointments fit, so it is not paired.
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=08:45,09:45,11:10,14:15,23:40`);
      if (await popup.$eval("#queue-match", (b) => b.hidden)) return t.skip(`the history queue is not offered for ${ehr.name} on this branch`);
      await click(popup, "Match by appointment");
      await popup.waitForSelector("body[data-matched]", { timeout: 30_000 });
      const lines = await popup.$$eval("#queue-list li", (ls) => ls.map((l) => l.textContent));
      assert.equal(lines.length, 4, lines.join("\n"));
      const times = lines.map((l) => hhmm(/Linked to the (.+?) appointment/.exec(l)?.[1] ?? ""));
      assert.deepEqual(times.sort(), ["08:30", "09:30", "14:00", "23:30"], lines.join("\n"));
      assert.match(await popup.$eval("#queue-match-status", (e) => e.textContent), /1 left to choose by search/);
      // The note left is the one the picker now shows, for search.
      assert.match(await popup.$eval("#note-picker-options input:checked", (e) => e.parentElement.textContent), /11:10/);
      assert.equal((await sandbox.admin.requests({ path_prefix: ehr.create.path })).length, 0, "nothing sent before Push all");
      await click(popup, "Push all (4)");
      await popup.waitForSelector('body[data-queue="finished"]', { timeout: 120_000 });
      const linked = (await ehr.allNotes(sandbox)).filter((n) => ehr.link(n));
      assert.equal(linked.length, 4, "four notes, each linked to its appointment");
      assert.equal(new Set(linked.map((n) => ehr.link(n))).size, 4);
    });

    test(`${ehr.name}: a key that isn't one practitioner's picks whose diary to list, remembered`, async (t) => {
      if (!ehr.receptionistKey) return t.skip(`a ${ehr.name} key always files under the practitioner chosen in Settings, whose diary is listed`);
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox, ehr.receptionistKey(sandbox));
      let popup = await ctx.open(`${sandbox.motics_url}/today?at=10:32`);
      await listed(popup, ["needs_practitioner"]);
      assert.match(await popup.$eval("#appointments-status", (e) => e.textContent), /choose whose appointments/);
      const options = await popup.$$eval("#appointments-practitioner-select option", (os) => os.map((o) => ({ value: o.value, text: o.textContent })).filter((o) => o.value));
      assert.ok(options.length > 1, "the practitioners to choose from");
      await byName(popup, "Practitioner");
      await popup.select("#appointments-practitioner-select", options[0].value);
      assert.ok((await listed(popup)).length > 0, `${options[0].text}'s diary is listed`);
      await popup.close();
      // The next popup remembers the choice.
      popup = await ctx.open(`${sandbox.motics_url}/today?at=10:32`);
      assert.ok((await listed(popup)).length > 0);
      assert.equal(await popup.$eval("#appointments-practitioner-select", (e) => e.value), options[0].value);
    });

    test(`${ehr.name}: a patient found by search is offered "Link to the … appointment", ticked when it is their only one`, async () => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=14:05`);
      const rows = await listed(popup);
      const at14 = rows.find((r) => r.best);
      assert.equal(hhmm(at14.time), "14:00");
      // Found by search instead of chosen from the list.
      await searchAndChoose(popup, at14.name.replace(/\s*\(“[^”]*”\)/, ""));
      const box = await popup.waitForSelector("#appointment-link input[type=checkbox]", { timeout: 20_000 });
      assert.equal(await box.evaluate((e) => e.checked), true, "ticked: the one appointment in the window");
      assert.match(await popup.$eval("#appointment-link", (e) => e.textContent), /Link to the .* appointment/);
      await pushed(ehr, popup);
      const [note] = await waitForNotes(ehr, await popup.$eval("#patient-card-id", (e) => e.textContent.replace(/\D/g, "")), 1);
      assert.equal(ehr.link(note), at14.key.split(":")[1]);
    });

    test(`${ehr.name}: an appointment that already has a note asks first ("This appointment already has a note")`, async (t) => {
      if (!ehr.noteStatus) return t.skip(`${ehr.name}'s API reports no note status per appointment`);
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=12:05`);
      const rows = await listed(popup);
      const done = rows.find((r) => /has a note/.test(r.text));
      assert.ok(done && !done.best, "the appointment with a note is listed, never the best match");
      await popup.click(`#appointments-list button[data-key="${done.key}"]`);
      await popup.waitForSelector("#patient-card:not([hidden])");
      await casesSettled(popup);
      await popup.waitForSelector("#push:not([disabled])", { timeout: 30_000 });
      await click(popup, `Push to ${ehr.name}`);
      await popup.waitForSelector("#confirm-box:not([hidden])", { timeout: 30_000 });
      assert.match(await popup.$eval("#confirm-text", (e) => e.textContent), new RegExp(`This appointment already has a note in ${ehr.name}`));
      await click(popup, "Don't push");
      assert.equal((await sandbox.admin.requests({ path_prefix: ehr.create.path })).length, 0, "nothing sent");
    });

    test(`${ehr.name}: while recording, the next appointments are offered to pre-select the patient`, async () => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      const recording = `${sandbox.motics_url}/sessions/s-1005`;
      let popup = await ctx.open(recording);
      const rows = await listed(popup);
      assert.match(await popup.$eval("#appointments-heading", (e) => e.textContent), /Next appointments/);
      for (const r of rows) assert.ok(!r.best, "nothing was recorded yet: no best match");
      if (!rows.length) {
        // Late in the sandbox's day nothing is left to come: the list says so, search still works.
        assert.match(await popup.$eval("#appointments-status", (e) => e.textContent), /No appointments/);
        return;
      }
      await popup.click(`#appointments-list button[data-key="${rows[0].key}"]`);
      await popup.waitForSelector("#patient-card:not([hidden])");
      const chosen = await popup.$eval("#patient-card-id", (e) => e.textContent);
      await new Promise((r) => setTimeout(r, 500)); // the pre-selection is stored as the card fills
      await popup.close();
      popup = await ctx.open(recording);
      await popup.waitForSelector("#patient-card:not([hidden]) #patient-card-preselected:not([hidden])", { timeout: 20_000 });
      assert.equal(await popup.$eval("#patient-card-id", (e) => e.textContent), chosen, "pre-selected");
    });

    test(`${ehr.name}: the diary failing (500) says so in one line with Retry; search and push still work`, async () => {
      const { s, sandbox } = ctx;
      await ehr.connect(s, sandbox);
      await sandbox.admin.fault({ path: ehr.diaryPath, count: 50, kind: "status", status: 500 });
      const popup = await ctx.open(`${sandbox.motics_url}/today?at=10:32`);
      await listed(popup, ["error"]);
      const line = await popup.$eval("#appointments-error-text", (e) => e.textContent.trim());
      assert.ok(line.length > 0 && line.includes(ehr.name), `one line naming the cause: ${line}`);
      await searchAndChoose(popup, ehr.patient);
      await pushed(ehr, popup);
      // Retry, the diary back: the list shows.
      await sandbox.admin.clearFaults();
      await popup.click("#patient-change");
      await fill(popup, "Search patients", ""); // an empty search box brings the list back
      await click(popup, "Retry loading the appointments");
      assert.ok((await listed(popup)).length > 0);
    });
  }
});
