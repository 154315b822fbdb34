// "Push to": which EHR this push goes to, asked only when several are usable, remembered for the
// Motics session (`destination/*`, storage.session).
import { MSG, request } from "../lib/messages.js";
import { t } from "../lib/i18n.js";
import { EHRS } from "../lib/ehrs.js";
import { el } from "../lib/dom.js";

/**
 * A radio group of the `usable` EHRs inside `container`. Resolves to the chosen EHR (the saved
 * choice, else the first); `onChange(ehr)` runs on every later change.
 */
export async function mountDestination(container, { usable, scope, onChange }) {
  const saved = await request(MSG.DESTINATION_GET, { scope }).catch(() => null);
  const chosen = usable.includes(saved) ? saved : usable[0];
  const group = el("fieldset", { class: "destination" }, el("legend", {}, t("destinationLegend")));
  for (const ehr of usable) {
    const radio = el("input", { type: "radio", name: "destination", value: ehr, checked: ehr === chosen });
    radio.addEventListener("change", async () => {
      if (!radio.checked) return;
      await request(MSG.DESTINATION_SET, { scope, ehr }).catch(() => {});
      onChange?.(ehr);
    });
    group.append(el("label", { class: "inline" }, radio, " ", EHRS[ehr].name));
  }
  container.replaceChildren(group);
  container.hidden = false;
  return chosen;
}
