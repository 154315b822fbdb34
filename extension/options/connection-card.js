// One connection card on the options page, rendered once per EHR from the `connection-card`
// template: status, key field (show/hide), Save / Verify / Remove (asks first, and offers to clear
// that EHR's push history), the on/off switch,
// the host-permission prompt, help, and the choices an EHR's key needs (declared in lib/ehrs.js).
// The background verifies keys, stores them and never sends them back (the page sees a masked hint).
import { api } from "../lib/browser.js";
import { t, errorText } from "../lib/i18n.js";
import { EHRS, te, connection } from "../lib/ehrs.js";
import { describeConnection } from "../lib/connection-text.js";
import { el } from "../lib/dom.js";
import { MSG, request } from "../lib/messages.js";

/** The message for a failure on this page (the key field is where the fix happens). */
function cardErrorText(e, ehr) {
  if (e?.kind === "unauthorized") return te("ehrKeyRefused", ehr, t(EHRS[ehr].keyWhere));
  // An HTML page or an unreadable reply where JSON was documented: the API moved or changed.
  if (e?.kind === "unexpected_body" || (e?.kind === "unexpected_status" && e.params?.[1] === "404")) {
    return te("ehrApiChanged", ehr);
  }
  return errorText(e);
}

export class ConnectionCard {
  /** Render `ehr`'s card from `template` into `mount`; `onConnected(status)` runs after a key is saved. */
  constructor(ehr, template, mount, { onConnected } = {}) {
    this.ehr = ehr;
    this.spec = EHRS[ehr];
    this.onConnected = onConnected;
    const root = template.content.firstElementChild.cloneNode(true);
    this.parts = {};
    for (const node of root.querySelectorAll("[data-part]")) {
      node.id = `${ehr}-${node.dataset.part}`;
      this.parts[node.dataset.part] = node;
    }
    root.id = ehr;
    root.setAttribute("aria-labelledby", this.parts.heading.id);
    this.words(root);
    this.buildChoices();
    mount.replaceWith(root);
    this.wire();
  }

  /** Every word on the card names its EHR ($EHR$ placeholders); the help is the EHR's own. */
  words(root) {
    const { parts: p, ehr, spec } = this;
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of root.querySelectorAll("[data-ehr-text]")) node.textContent = te(node.dataset.ehrText, ehr);
    for (const node of root.querySelectorAll("[data-ehr-label]")) node.setAttribute("aria-label", te(node.dataset.ehrLabel, ehr));
    p.heading.textContent = spec.name;
    p["key-label"].htmlFor = p.key.id;
    p.key.setAttribute("aria-describedby", `${p["key-hint"].id} ${p.error.id}`);
    p.help.replaceChildren(...spec.help.map((id) => el("li", {}, t(id))));
    p["help-note"].textContent = t(spec.helpNote);
    this.setKeyVisible(false);
  }

  /** The EHR's pickers (e.g. Nookal's practitioner and default location), from its row's `choices`. */
  buildChoices() {
    this.selects = this.spec.choices.map((c) => {
      const id = `${this.ehr}-${c.id}`;
      const select = el("select", { id, required: Boolean(c.required) });
      const hint = el("p", { id: `${id}-hint`, class: "small muted" }, c.hint ? t(c.hint) : "");
      select.setAttribute("aria-describedby", hint.id);
      select.addEventListener("change", () => this.busy(select, async () => {
        this.show(await connection(c.op, this.ehr, { [`${c.id}_id`]: select.value || null }));
        this.parts["choice-status"].textContent = t("ehrChoiceSaved");
      }));
      this.parts.choices.append(el("label", { htmlFor: id }, t(c.label)), select, hint);
      return { choice: c, select, hint };
    });
  }

  wire() {
    const { parts: p, ehr } = this;
    p.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!p.key.value.trim()) {
        p.error.textContent = te("ehrKeyRequired", ehr);
        p.key.focus();
        return;
      }
      this.busy(p.save, async () => {
        // Verified before it is saved: an invalid key is never stored silently.
        const status = await connection("connect", ehr, { key: p.key.value });
        p.key.value = "";
        this.setKeyVisible(false);
        this.show(status);
        this.onConnected?.(status);
        const missing = this.selects.find(({ choice, select }) => choice.required && !select.value);
        if (missing) missing.select.focus();
      });
    });
    p.verify.addEventListener("click", () => this.busy(p.verify, async () => this.show(await connection("verify", ehr))));
    p.enabled.addEventListener("change", () =>
      this.busy(p.enabled, async () => this.show(await connection("set-enabled", ehr, { enabled: p.enabled.checked }))));
    p.remove.addEventListener("click", () => { p["remove-confirm"].hidden = false; p["remove-no"].focus(); });
    p["remove-no"].addEventListener("click", () => { p["remove-confirm"].hidden = true; p.remove.focus(); });
    p["remove-yes"].addEventListener("click", () => this.busy(p["remove-yes"], async () => {
      this.show(await connection("remove", ehr));
      // The confirmation offers to forget this EHR's push history too (issue 15 §8): receipts
      // hold ids and links, never note text; the other EHR's stay.
      if (p["remove-history"].checked) {
        await request(MSG.RECEIPTS_CLEAR, { ehr });
        p["remove-history"].checked = false;
      }
      p["remove-confirm"].hidden = true;
      p.key.focus();
    }));
    p["key-toggle"].addEventListener("click", () => this.setKeyVisible(p.key.type === "password"));
    // Firefox MV3 host permissions are the user's to grant or revoke (Chrome users can restrict
    // site access too). The request must come from a click on an extension page.
    p.allow.addEventListener("click", async () => {
      await api.permissions.request({ origins: this.spec.origins });
      await this.checkPermission();
    });
    api.permissions.onAdded?.addListener(() => this.checkPermission());
    api.permissions.onRemoved?.addListener(() => this.checkPermission());
  }

  setKeyVisible(visible) {
    const { key, "key-toggle": toggle } = this.parts;
    key.type = visible ? "text" : "password";
    toggle.setAttribute("aria-pressed", String(visible));
    toggle.textContent = t(visible ? "hideKey" : "showKey");
    toggle.setAttribute("aria-label", te(visible ? "hideKeyFor" : "showKeyFor", this.ehr));
  }

  async checkPermission() {
    this.parts.permission.hidden = await api.permissions.contains({ origins: this.spec.origins });
  }

  async refresh() {
    try {
      this.show(await connection("status", this.ehr));
    } catch (e) {
      this.parts.error.textContent = cardErrorText(e, this.ehr);
    }
  }

  /** Run `work` with `control` busy; a failure is shown and the state re-read (a 401 changes it). */
  async busy(control, work) {
    const { error, "choice-status": choiceStatus } = this.parts;
    error.textContent = "";
    choiceStatus.textContent = "";
    control.disabled = true;
    // Only a button shows "Working…" (a select's text is its options; a switch has none).
    const isButton = control.tagName === "BUTTON";
    const label = control.textContent;
    if (isButton) control.textContent = t("working");
    try {
      await work();
    } catch (e) {
      error.textContent = cardErrorText(e, this.ehr);
      await this.refresh();
    } finally {
      control.disabled = false;
      if (isButton) control.textContent = label;
    }
  }

  show(status) {
    const { parts: p, ehr } = this;
    const { text, tone } = describeConnection(status, ehr);
    p.status.textContent = text;
    p.status.className = `status-line ${tone}`;
    const setUp = status.state !== "not_set_up";
    p.enabled.checked = status.state !== "disabled";
    p.enabled.disabled = !setUp;
    p.remove.hidden = !setUp;
    p.verify.hidden = !setUp;
    p["key-hint"].textContent = status.masked_key ? t("savedKeyHint", [status.masked_key]) : te("ehrKeyHintEmpty", ehr);
    const warning = connectionWarning(status);
    p.warning.hidden = !warning;
    p.warning.textContent = warning;
    p.choices.hidden = !setUp || !this.selects.length;
    for (const { choice, select, hint } of this.selects) this.showChoice(status, choice, select, hint);
    document.body.dataset[ehr] = status.state;
  }

  showChoice(status, choice, select, hint) {
    const list = status[choice.list] ?? [];
    const chosen = status[choice.chosen] ?? "";
    const first = new Option(t(choice.placeholder ?? choice.none), "");
    first.disabled = Boolean(choice.required);
    select.replaceChildren(first, ...list.map((o) => new Option(o.name, o.id)));
    select.value = chosen;
    if (choice.required) {
      select.setAttribute("aria-invalid", String(!chosen));
      document.body.dataset[`${this.ehr}${choice.id[0].toUpperCase()}${choice.id.slice(1)}`] = chosen ? "chosen" : "missing";
    } else if (choice.covered) {
      // A key covers some of these only (Nookal keys are location-scoped): say which, so a missing one is noticed.
      hint.textContent = t(choice.covered, [list.map((o) => o.name).join(", ") || "—"]);
    }
  }
}

/** What the clinician must do before pushing with this connection, or "". */
function connectionWarning(s) {
  if (s.state !== "connected") return "";
  if (s.needs_practitioner) return t("nookalNeedsPractitioner");
  if (s.user_name && !s.practitioner_id) return t("notPractitionerWarning", [s.user_name]);
  return "";
}
