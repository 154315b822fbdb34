// Reads the Motics note from the page: injected on demand with
// `scripting.executeScript({func: readNote, args: [options]})` (architecture §4).
//
// The function body is SELF-CONTAINED: executeScript serialises only the function's source, so it
// may not reference anything outside it. No wasm, no network, no extension APIs, no secrets.
// It returns plain, structured-clonable data that mirrors `src/note/source.rs` exactly:
//
//   options = {mode: "page" | "selection", maxBytes, moticsOrigins: [origin…] (lib/motics.js),
//              headBytes?, json?}   (json: the reply comes back as its JSON text)
//   reply   = {ok: true, candidates: [NoteSource…], page: PageInfo}
//           | {ok: false, error: "too_large" | "no_note", bytes?, limit?, page: PageInfo}
//   NoteSource = {format: "dom" | "markdown" | "text", tree?, text?, partial?: true, meta: {title,
//                 author, created_at, session_id, patient_name, patient_dob, version, origin, site}}
//   DomNode = string | {t, a?: {href, start, type, checked, colspan, alt, list, marks}, c?: [DomNode]}
//
// Reading order: the note contract (`[data-motics-note]`, several → several candidates), else the
// largest visible editor or note region, or (mode "selection") the selected DOM fragment. Open
// shadow roots are walked; `script`, `style`, form controls and hidden elements are never read.
//
// What a person cannot see is never read (issue 15 §1): visibility is judged on the LIVE nodes
// (computed style, layout boxes, aria-hidden), once per element, also for a selection, which is
// walked in place rather than cloned (a detached copy has no computed style). Only a Motics
// origin may name the session, patient, author or time (§4): elsewhere `site` names the site.
//
// The head of a long note (`headBytes`, page mode): a DOM candidate whose page text is over four
// times `headBytes` is walked only until about `headBytes` of text is read, and comes back
// `partial: true`: the popup shows it at once, then reads the page again whole (bench/README.md,
// popup open). The head is judged by the same rules and chooses the same candidates as the whole
// read (which candidates there are never depends on how much of each is walked); a head is never
// sent anywhere but to the preview.

export function readNote(options) {
  const mode = options && options.mode === "selection" ? "selection" : "page";
  const limit = options && Number(options.maxBytes) > 0 ? Number(options.maxBytes) : 1000000;
  const headBytes = mode === "page" && Number(options?.headBytes) > 0 ? Number(options.headBytes) : 0;
  const MAX_DEPTH = 48; // the Rust parser reads deeper elements as text anyway (from_dom_tree.rs)
  const SKIP = new Set([
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
    "embed", "svg", "math", "canvas", "audio", "video", "picture", "source", "track", "button",
    "select", "option", "datalist", "textarea", "dialog",
  ]);
  const origins = Array.isArray(options?.moticsOrigins) ? options.moticsOrigins : [];
  const trusted = origins.includes(location.origin);
  const encoder = new TextEncoder();
  const TOO_LARGE = { tooLarge: true };
  let bytes = 0;
  // The walk of one candidate stops adding nodes once `bytes` reaches `headEnd` (a head read);
  // `cut` then says that something was left out.
  let headEnd = Infinity;
  let cut = false;

  const ASCII = /^[\x00-\x7f]*$/;
  const count = (s) => {
    bytes += ASCII.test(s) ? s.length : encoder.encode(s).length; // no copy for plain text
    if (bytes > limit) throw TOO_LARGE;
    return s;
  };
  const clean = (s) => {
    if (s == null) return null;
    const t = String(s).replace(/\s+/g, " ").trim();
    return t === "" ? null : t;
  };

  // Hidden: the `hidden` attribute, aria-hidden, not rendered, transparent, clipped away, or
  // placed off the page. The walk never enters a hidden element (a hidden ancestor hides all), so
  // each element is judged once, on its own computed style; a layout box is read only where the
  // style says it may hide (overflow clipped, absolutely placed). A 100 KB note has a few thousand
  // elements: what is read per element is what the popup waits for (bench/README.md, popup open).
  const styles = new Map();
  const styleOf = (el) => {
    let cs = styles.get(el);
    if (!cs) styles.set(el, (cs = getComputedStyle(el)));
    return cs;
  };
  const hiddenCache = new Map();
  const isHidden = (el) => {
    let h = hiddenCache.get(el);
    if (h === undefined) hiddenCache.set(el, (h = judgeHidden(el)));
    return h;
  };
  const judgeHidden = (el) => {
    if (el.hidden || el.getAttribute("aria-hidden") === "true") return true;
    if (!el.isConnected) return true; // never read what is not on the page
    const cs = styleOf(el);
    const display = cs.display;
    if (display === "none" || cs.visibility !== "visible" || Number(cs.opacity) === 0) return true;
    if (display === "contents") return false; // no box of its own
    const clip = cs.clip;
    if (clip !== "auto" && clip.replace(/\s|,/g, "") === "rect(0px0px0px0px)") return true;
    const clipPath = cs.clipPath;
    if (clipPath !== "none" && /^inset\(50%/.test(clipPath)) return true;
    const clipped = cs.overflowX !== "visible" || cs.overflowY !== "visible";
    const position = cs.position;
    const placed = position === "absolute" || position === "fixed";
    if (!clipped && !placed) return false;
    const r = el.getBoundingClientRect();
    if (clipped && r.width <= 1 && r.height <= 1) return true;
    // Pushed off the page's left or top edge, where no scrolling reaches.
    return placed && (r.right + window.scrollX <= 0 || r.bottom + window.scrollY <= 0);
  };
  // Text is unreadable when its element's font size is zero or its colour is fully transparent:
  // judged once per element, however many text nodes it holds.
  const textCache = new Map();
  const textHidden = (el) => {
    if (!el || el.nodeType !== 1 || !el.isConnected) return false;
    let h = textCache.get(el);
    if (h === undefined) {
      const cs = styleOf(el);
      h = parseFloat(cs.fontSize) === 0 || /^rgba\(.*,\s*0\)$|^transparent$/.test(cs.color);
      textCache.set(el, h);
    }
    return h;
  };
  // The parent, stepping out of a shadow root to its host.
  const up = (n) => {
    const p = n.parentNode;
    return p && p.nodeType === 11 && p.host ? p.host : p;
  };
  const isVisible = (el) => {
    for (let n = el; n && n.nodeType === 1; n = up(n)) if (isHidden(n)) return false;
    return el.getClientRects().length > 0;
  };

  // The document and every open shadow root in it, in document order (each root before the roots
  // inside it): found once, since finding them visits every element of the page.
  let roots = null;
  const rootsOf = (root, out) => {
    out.push(root);
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) rootsOf(el.shadowRoot, out);
    return out;
  };
  // All matches of `sel`, through open shadow roots.
  const deepAll = (sel) => (roots ??= rootsOf(document, [])).flatMap((r) => [...r.querySelectorAll(sel)]);
  const deepFirst = (sel) => deepAll(sel)[0] || null;
  // `contains` across shadow boundaries.
  const within = (outer, inner) => {
    for (let n = inner; n; n = up(n)) if (n === outer) return true;
    return false;
  };

  const marksFromStyle = (el) => {
    if (!el.hasAttribute("style")) return null; // no inline style: nothing to read
    const st = el.style;
    if (!st) return null;
    const m = [];
    const w = st.fontWeight;
    if (w === "bold" || w === "bolder" || Number(w) >= 600) m.push("b");
    if (st.fontStyle === "italic" || st.fontStyle === "oblique") m.push("i");
    const deco = `${st.textDecorationLine || ""} ${st.textDecoration || ""}`;
    if (deco.includes("underline")) m.push("u");
    if (deco.includes("line-through")) m.push("s");
    return m.length ? m.join(" ") : null;
  };

  // Only the attributes the parser uses (source.rs DomAttrs).
  const attrsOf = (el, t) => {
    const a = {};
    if (t === "a" && el.getAttribute("href") != null) a.href = el.href; // resolved, absolute
    if (t === "ol" && el.getAttribute("start") != null) a.start = el.getAttribute("start");
    if (t === "input") {
      a.type = (el.getAttribute("type") || "").toLowerCase();
      a.checked = !!el.checked;
    }
    if (t === "li") {
      const dc = el.getAttribute("data-checked");
      if (dc === "true" || dc === "false") a.checked = dc === "true";
      const dl = el.getAttribute("data-list");
      if (dl) a.list = dl;
    }
    if ((t === "td" || t === "th") && el.getAttribute("colspan")) a.colspan = el.getAttribute("colspan");
    if (t === "img" && el.getAttribute("alt") != null) a.alt = count(el.getAttribute("alt"));
    const marks = marksFromStyle(el);
    if (marks) a.marks = marks;
    return a;
  };

  // Text under a node, for elements past MAX_DEPTH (iterative: any depth).
  const flatText = (root) => {
    let s = "";
    const stack = [root];
    while (stack.length) {
      const n = stack.pop();
      if (n.nodeType === 3) { if (!textHidden(n.parentElement)) s += n.data; }
      else if (n.nodeType === 1 && !SKIP.has(n.localName) && !isHidden(n)) {
        const kids = n.shadowRoot ? n.shadowRoot.childNodes : n.childNodes;
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
      }
    }
    return count(s);
  };

  // A node's rendered children: its open shadow root's, and a slot's assigned nodes.
  const childrenOf = (el) => {
    if (el.shadowRoot) return el.shadowRoot.childNodes;
    if (el.localName === "slot" && el.assignedNodes) {
      const assigned = el.assignedNodes({ flatten: true });
      if (assigned.length) return assigned;
    }
    return el.childNodes;
  };

  const walk = (node, depth) => {
    if (node.nodeType === 3) return node.data === "" || textHidden(node.parentElement) ? null : count(node.data);
    if (node.nodeType !== 1 && node.nodeType !== 11) return null;
    if (node.nodeType === 11) return walkChildren(node.childNodes, depth);
    const t = node.localName;
    if (t === "input") {
      const type = (node.getAttribute("type") || "").toLowerCase();
      return type === "checkbox" ? { t, a: attrsOf(node, t) } : null;
    }
    if (SKIP.has(t) || isHidden(node)) return null;
    if (depth >= MAX_DEPTH) return flatText(node);
    const el = { t };
    const a = attrsOf(node, t);
    if (Object.keys(a).length) el.a = a;
    const c = walkChildren(childrenOf(node), depth + 1);
    if (c.length) el.c = c;
    return el;
  };
  const walkChildren = (nodes, depth) => {
    const out = [];
    for (const n of nodes) {
      if (bytes >= headEnd) {
        cut = true;
        break;
      }
      const r = walk(n, depth);
      if (r == null) continue;
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    }
    return out;
  };

  const visibleText = (el) =>
    el.localName === "textarea" ? el.value : (el.innerText || el.textContent || "");

  // What the page shows about the session and patient (works on a recording page with no note).
  const attrOrText = (el, name) => (el ? clean(el.getAttribute(name)) || clean(el.textContent) : null);
  const sessionEl = deepFirst("[data-motics-session]");
  // The patient's name as the page shows it: the contract attribute, else a header element that
  // labels itself as the patient's name (test ids, classes and ids used by web apps).
  const patientEl = deepFirst("[data-patient-name]") ||
    deepFirst("[data-testid='patient-name'], [data-test='patient-name'], .patient-name, #patient-name, [itemprop='patient']");
  const dobEl = deepFirst("[data-patient-dob]");
  const page = {
    session_id: sessionEl ? clean(sessionEl.getAttribute("data-motics-session")) : null,
    patient_name: attrOrText(patientEl, "data-patient-name"),
    patient_dob: attrOrText(dobEl, "data-patient-dob"),
    url: String(location.href),
    title: clean(document.title),
    site: trusted ? null : location.hostname,
  };
  const contracts = deepAll("[data-motics-note]").filter(isVisible);
  if (!page.session_id && contracts[0]) page.session_id = clean(contracts[0].getAttribute("data-session-id"));
  // Another site may copy Motics' markup: it names nothing (the core drops the same, note/mod.rs).
  if (!trusted) Object.assign(page, { session_id: null, patient_name: null, patient_dob: null });
  const untrust = (meta) => (trusted ? meta : {
    ...meta, author: null, created_at: null, session_id: null, patient_name: null, patient_dob: null,
    version: null, site: location.hostname,
  });

  // Metadata the page shows around a region (editor / selection): nearest labelled elements.
  const shownMeta = (origin) => {
    const authorEl = deepFirst("[data-author]");
    const timeEl = deepFirst("time[datetime]");
    const h1 = deepAll("h1").find(isVisible);
    return {
      title: h1 ? clean(h1.textContent) : page.title,
      author: attrOrText(authorEl, "data-author"),
      created_at: timeEl ? clean(timeEl.getAttribute("datetime")) : null,
      session_id: page.session_id,
      patient_name: page.patient_name,
      patient_dob: page.patient_dob,
      version: null,
      origin,
    };
  };

  const fromContract = (el) => {
    const get = (n) => clean(el.getAttribute(n));
    const meta = {
      title: get("data-title"),
      author: get("data-author"),
      created_at: get("data-created-at"),
      session_id: get("data-session-id") || page.session_id,
      patient_name: get("data-patient-name") || page.patient_name,
      patient_dob: get("data-patient-dob") || page.patient_dob,
      version: get("data-version"),
      origin: "contract",
    };
    if ((el.getAttribute("data-format") || "html").toLowerCase() === "markdown") {
      return { format: "markdown", text: count(el.textContent || ""), meta };
    }
    return walkedSource(el, meta);
  };

  // A DOM candidate: the whole of it, or (a head read of a long one) its first `headBytes` of text.
  const walkedSource = (el, meta) => {
    const long = headBytes > 0 && (el.textContent || "").length > 4 * headBytes;
    headEnd = long ? bytes + headBytes : Infinity;
    cut = false;
    const tree = walkChildren(childrenOf(el), 0);
    headEnd = Infinity;
    return cut ? { format: "dom", tree, partial: true, meta } : { format: "dom", tree, meta };
  };

  const EDITORS = ".ProseMirror, .ql-editor, [contenteditable=''], [contenteditable='true'], [role='textbox'], textarea";
  const REGIONS = "article, main";
  const fromRegion = () => {
    const all = [...deepAll(EDITORS), ...deepAll(REGIONS)]
      .filter((el) => isVisible(el) && visibleText(el).trim() !== "");
    // A region that contains another candidate (main around the editor) yields to it.
    const inner = all.filter((el) => !all.some((o) => o !== el && within(el, o)));
    inner.sort((x, y) => visibleText(y).length - visibleText(x).length);
    const el = inner[0];
    if (!el) return null;
    if (el.localName === "textarea") {
      return { format: "text", text: count(el.value), meta: shownMeta("editor") };
    }
    return walkedSource(el, shownMeta("editor"));
  };

  // What the range covers under `node`, as the walk would read it: elements wholly inside are
  // walked normally; the ones the range cuts are entered; boundary text is cut at the offsets.
  const walkRange = (range, node) => {
    if (node.nodeType === 3) {
      if (textHidden(node.parentElement)) return [];
      const from = node === range.startContainer ? range.startOffset : 0;
      const to = node === range.endContainer ? range.endOffset : node.data.length;
      const s = node.data.slice(from, to);
      return s === "" ? [] : [count(s)];
    }
    const inside = (n) => {
      const r = document.createRange();
      r.selectNode(n);
      return range.compareBoundaryPoints(Range.START_TO_START, r) <= 0 &&
        range.compareBoundaryPoints(Range.END_TO_END, r) >= 0;
    };
    const out = [];
    for (const child of node.childNodes) {
      if (!range.intersectsNode(child)) continue;
      if (child.nodeType === 3) {
        out.push(...walkRange(range, child));
      } else if (child.nodeType === 1) {
        if (inside(child)) {
          const r = walk(child, 0);
          if (r != null) out.push(r);
          continue;
        }
        const t = child.localName;
        if (SKIP.has(t) || isHidden(child)) continue;
        // A partly selected element keeps its tag, so a list or table keeps its structure.
        const c = walkRange(range, child);
        if (!c.length) continue;
        const el = { t, c };
        const a = attrsOf(child, t);
        if (Object.keys(a).length) el.a = a;
        out.push(el);
      }
    }
    return out;
  };

  const fromSelection = () => {
    const active = document.activeElement;
    if (active && active.localName === "textarea" && active.selectionEnd > active.selectionStart) {
      const text = active.value.slice(active.selectionStart, active.selectionEnd);
      return { format: "text", text: count(text), meta: shownMeta("selection") };
    }
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
    const tree = [];
    for (let i = 0; i < sel.rangeCount; i++) {
      const range = sel.getRangeAt(i);
      const top = range.commonAncestorContainer;
      const topEl = top.nodeType === 1 ? top : top.parentElement;
      // The selection is walked in place, so every element is judged as the page shows it.
      if (topEl && !isVisible(topEl)) continue;
      tree.push(...walkRange(range, top));
    }
    return tree.length ? { format: "dom", tree, meta: shownMeta("selection") } : null;
  };

  const hasText = (src) => {
    if (src.text != null) return src.text.trim() !== "";
    const stack = [...(src.tree || [])];
    while (stack.length) {
      const n = stack.pop();
      if (typeof n === "string") {
        if (n.trim() !== "") return true;
      } else if (n.c) stack.push(...n.c);
      else if (n.t === "img") return true;
    }
    return false;
  };

  // As one JSON string, the reply crosses from the page to the extension as one value, not a tree
  // of thousands of small objects (bench/README.md, popup open).
  const reply = (r) => (options?.json ? JSON.stringify(r) : r);
  try {
    let candidates = [];
    if (mode === "selection") {
      const s = fromSelection();
      if (s) candidates.push(s);
    } else {
      candidates = contracts.map(fromContract);
      // A page that marks its session with the contract but has no note element yet (a recording
      // in progress) has no note: reading its header and buttons as one would push the page chrome.
      if (!candidates.some(hasText) && !sessionEl) {
        const r = fromRegion();
        candidates = r ? [r] : [];
      }
    }
    candidates = candidates.filter(hasText).map((c) => ({ ...c, meta: untrust(c.meta) }));
    if (!candidates.length) return reply({ ok: false, error: "no_note", page });
    return reply({ ok: true, candidates, page });
  } catch (e) {
    if (e === TOO_LARGE) return reply({ ok: false, error: "too_large", bytes, limit, page });
    throw e;
  }
}
