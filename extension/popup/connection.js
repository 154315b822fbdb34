// The popup header's connection state, the setup prompt, and "Reconnect <EHR>" for every EHR
// whose key stopped working (a 401 parks its pushes until a new key is pasted here or in Settings).
import { api } from "../lib/browser.js";
import { t, errorText } from "../lib/i18n.js";
import { EHRS, EHR_IDS, te, connection } from "../lib/ehrs.js";
import { describeConnection } from "../lib/connection-text.js";
import { el } from "../lib/dom.js";

const $ = (id) => document.getElementById(id);

/** Every EHR's status (flat), keyed by id; an EHR whose status can't be read counts as not set up. */
export async function loadStatuses() {
  const all = await Promise.all(EHR_IDS.map((ehr) => connection("status", ehr).catch(() => ({ state: "not_set_up" }))));
  return Object.fromEntries(EHR_IDS.map((ehr, i) => [ehr, { ...all[i], ehr }]));
}

/** Whether `status` lets a push go out (connected, and nothing left to choose). */
const usableStatus = (status) => status.state === "connected" && !status.needs_practitioner;

/**
 * Whether the browser lets the extension reach an EHR. Firefox MV3 host permissions are the
 * user's to grant or revoke (Chrome users can restrict site access too); without it every request
 * would fail as a network error, so say what to do instead: Settings has "Allow access to …".
 */
async function hostAccess(ehr) {
  return api.permissions.contains({ origins: EHRS[ehr].origins }).catch(() => true);
}

/**
 * Show the header, the setup prompt and the reconnect forms; resolves to the usable EHRs (in the
 * views' order). `onReconnected(ehr, status)` runs after a key is replaced here.
 */
export async function showConnections(statuses, { onReconnected }) {
  for (const [ehr, s] of Object.entries(statuses)) document.body.dataset[ehr] = s.state;
  const usable = [];
  let blocked = null;
  for (const ehr of EHR_IDS) {
    if (!usableStatus(statuses[ehr])) continue;
    if (await hostAccess(ehr)) usable.push(ehr);
    else blocked ??= ehr;
  }
  // The header speaks of the EHR in use, else of the first one that needs attention.
  const shown = usable[0] ?? EHR_IDS.find((e) => statuses[e].state !== "not_set_up") ?? EHR_IDS[0];
  const { text, tone } = describeConnection(statuses[shown], shown);
  $("connection").textContent = text;
  $("connection").className = `small ${tone}`;
  const setup = !usable.length && setupText(statuses[shown], shown, blocked);
  $("setup").hidden = !setup;
  $("setup-text").textContent = setup || "";
  if (blocked && !usable.length) document.body.dataset.access = "missing";
  $("reconnect").replaceChildren(...EHR_IDS.filter((e) => statuses[e].state === "needs_reconnect")
    .map((ehr) => reconnectForm(ehr, onReconnected)));
  return usable;
}

function setupText(status, ehr, blocked) {
  if (blocked) return te("popupNoHostAccess", blocked);
  if (status.state === "not_set_up") return te("ehrPopupNotSetUp", ehr);
  if (status.state === "disabled") return te("ehrPopupDisabled", ehr);
  return "";
}

/** "Reconnect <EHR>": paste a new key; parked pushes of that EHR go out again at once. */
function reconnectForm(ehr, onReconnected) {
  const id = (part) => `reconnect-${ehr}-${part}`;
  const input = el("input", { type: "password", id: id("key"), autocomplete: "off", spellcheck: false });
  const error = el("p", { id: id("error"), class: "error", role: "alert" });
  input.setAttribute("aria-describedby", error.id);
  const button = el("button", { type: "submit", class: "primary" }, te("reconnectEhr", ehr));
  const form = el("form", { noValidate: true });
  form.append(el("label", { htmlFor: input.id }, te("ehrKeyLabel", ehr)), input, error, button);
  const heading = el("h2", { id: id("heading") }, te("reconnectEhr", ehr));
  const section = el("section", { class: "reconnect", "data-ehr": ehr, "aria-labelledby": heading.id },
    heading, el("p", {}, te("ehrReconnectExplain", ehr, t(EHRS[ehr].keyWhere))), form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!input.value.trim()) {
      error.textContent = te("ehrKeyRequired", ehr);
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const status = await connection("connect", ehr, { key: input.value });
      input.value = "";
      section.remove();
      onReconnected(ehr, status);
    } catch (e) {
      error.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  });
  return section;
}
