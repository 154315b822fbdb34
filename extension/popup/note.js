// The note part of the popup: the page is read by popup/read.js; let the clinician pick a note when
// the page has several, and show exactly what the EHR will receive, with the list of
// things that had to change. The note text stays in memory: it is never written to storage.
import { MSG, request } from "../lib/messages.js";
import { t } from "../lib/i18n.js";
import { formatDateTime } from "../lib/dates.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);

/** The message for a failed read, naming what to do. */
export function readFailureText(reply) {
  switch (reply.error) {
    case "too_large":
      // KB as the core counts them (err_note_too_large from the core says the same).
      return t("err_note_too_large", [String(Math.ceil((reply.bytes ?? 0) / 1000)), String(Math.floor((reply.limit ?? 0) / 1000))]);
    case "unreadable":
      return t("noteUnreadable");
    case "capture_gone":
      return t("captureGone");
    default:
      return reply.page?.session_id ? t("noteNotReady") : t("err_no_note_found");
  }
}

/** A label for a note candidate: title, version and created time. */
export function candidateLabel(c, index) {
  const m = c.meta ?? {};
  const parts = [m.title || t("untitledNote", [String(index + 1)])];
  if (m.version) parts.push(t("noteVersion", [m.version]));
  if (m.created_at) parts.push(formatDateTime(m.created_at));
  return parts.join(" · ");
}

/** Render the candidate picker; `onPick(index)` runs on change. Hidden when there is only one. */
export function showPicker(candidates, chosen, onPick) {
  const box = $("note-picker");
  box.hidden = candidates.length < 2;
  $("note-picker-options").replaceChildren(...candidates.map((c, i) => {
    const radio = el("input", { type: "radio", name: "note-choice", value: String(i), checked: i === chosen });
    radio.addEventListener("change", () => onPick(i));
    return el("label", {}, radio, " ", candidateLabel(c, i));
  }));
}

/**
 * Ask the core to parse and render the chosen source (with `copy`, also the Cliniko HTML and plain
 * text Copy note puts on the clipboard); resolves to the prepared note (with its
 * source). `patientName` is the chosen patient's (fills `{patient}`; never the page's). A note from
 * another site has no creation time the page may name (issue 15 §4).
 */
export async function prepare(source, { ehr = "cliniko", pushRef = null, dateDisplay = null, patientName = null, copy = false } = {}) {
  const created_display = source.meta?.created_at && !source.meta?.site ? formatDateTime(source.meta.created_at) : null;
  const prepared = await request(MSG.NOTE_PREPARE, {
    source, ehr, created_display, date_display: dateDisplay, push_ref: pushRef, patient_name: patientName, copy,
    // A long note's head: only its preview (no footer, title or template advice; never pushed).
    head: Boolean(source.partial),
  });
  return { ...prepared, created_display, source };
}

/**
 * Build preview DOM from the core's safe tree (no innerHTML: only allowed tags, text nodes), into
 * one fragment: a 100 KB note is thousands of nodes, inserted into the page at once.
 */
export function previewNodes(nodes) {
  const ALLOWED = new Set(["p", "div", "br", "ul", "ol", "li", "blockquote", "h1", "h2", "b", "i", "u", "a"]);
  const build = (node, parent) => {
    if (typeof node === "string") {
      parent.appendChild(document.createTextNode(node));
      return;
    }
    const tag = ALLOWED.has(node.t) ? node.t : "span";
    const el = document.createElement(tag);
    if (tag === "a" && typeof node.href === "string" && /^(https?:|mailto:)/i.test(node.href)) {
      el.href = node.href;
      el.target = "_blank";
      el.rel = "noopener noreferrer";
    }
    for (const child of node.c ?? []) build(child, el);
    parent.appendChild(el);
  };
  const fragment = document.createDocumentFragment();
  for (const node of nodes) build(node, fragment);
  return fragment;
}

/** Author, created time and version, as the note's summary line says them. */
function factsOf(m) {
  const facts = [];
  if (m.author) facts.push(t("noteAuthor", [m.author]));
  if (m.created_at) facts.push(t("noteCreated", [formatDateTime(m.created_at)]));
  if (m.version) facts.push(t("noteVersion", [m.version]));
  return facts.join(" · ");
}

/**
 * The note's title and author as the page gave them, at once: the preview follows from
 * `note/prepare`, which then shows them again as the core read them (read-note.js already drops
 * what a page that is not Motics may not name, as the core does).
 */
export function showHeading(source) {
  const m = source?.meta ?? {};
  if (!m.title) return;
  $("note-title-read").textContent = m.title;
  $("note-facts").textContent = factsOf(m);
  $("note-summary").hidden = false;
}

/** Blocks shown before the first paint: more than a popup's screenful of a note. */
const FIRST_BLOCKS = 40;
let shown = 0;
/** The next frame painted (a page in a background tab gets no frames: then a short timer). */
const nextPaint = () => new Promise((resolve) => {
  const timer = setTimeout(resolve, 100);
  requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
});

/**
 * The head of a long note, prepared at once (`prepare` of a `partial` source): its title, author and
 * first screenful, `#preview[data-state="first"]`, while the page is read whole. No downgrade list:
 * the whole note's preparation replaces all of it before anything can be pushed or copied.
 */
export function showHead(prepared) {
  $("note-title-read").textContent = prepared.note_title || t("untitledNote", ["1"]);
  $("note-facts").textContent = factsOf(prepared.meta ?? {});
  $("note-summary").hidden = false;
  $("downgrades").hidden = true;
  const box = $("preview");
  ++shown; // a longer preview still being added is not this one
  box.dataset.state = "first";
  box.replaceChildren(previewNodes((prepared.preview ?? []).slice(0, FIRST_BLOCKS)));
}

/**
 * Show the prepared note: metadata, preview and the downgrade list. A long preview shows its first
 * screenful at once and the rest after that is painted (laying out a 100 KB note's thousands of
 * blocks took ~400 ms before anything showed; bench/README.md, popup open). Resolves once the whole
 * preview is in the page (`#preview[data-state="whole"]`).
 */
export async function showPrepared(prepared) {
  const m = prepared.meta ?? {};
  $("note-title-read").textContent = prepared.note_title || t("untitledNote", ["1"]);
  $("note-facts").textContent = factsOf(m);
  const report = prepared.report ?? [];
  $("downgrades").hidden = report.length === 0;
  $("downgrade-list").replaceChildren(...report.map((d) => el("li", {}, d.message ?? d.detail ?? d.kind)));
  const nodes = prepared.preview ?? [];
  const box = $("preview");
  const mine = ++shown;
  box.dataset.state = nodes.length > FIRST_BLOCKS ? "first" : "whole";
  box.replaceChildren(previewNodes(nodes.slice(0, FIRST_BLOCKS)));
  if (nodes.length <= FIRST_BLOCKS) return;
  await nextPaint();
  if (mine !== shown) return; // another note (or EHR) is shown now
  box.append(previewNodes(nodes.slice(FIRST_BLOCKS)));
  box.dataset.state = "whole";
}

