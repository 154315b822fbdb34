// "Remove key" also offers to forget that EHR's push history (issue 15 §8): a checkbox in the
// confirmation, labelled with the EHR's name; receipts hold ids and links, never note text.
import { MSG, request } from "../lib/messages.js";
import { t } from "../lib/i18n.js";

const $ = (id) => document.getElementById(id);

/** Label the "also clear the push history" boxes (`<ehr>-remove-history`). */
export function labelHistoryOffers() {
  for (const [ehr, name] of [["cliniko", "Cliniko"], ["nookal", "Nookal"]]) {
    const label = $(`${ehr}-remove-history-label`);
    if (label) label.textContent = t("clearHistoryOffer", [name]);
  }
}

/** After the key is removed: clear `ehr`'s receipts if the clinician ticked the box. */
export async function clearHistoryIfAsked(ehr) {
  const box = $(`${ehr}-remove-history`);
  if (!box?.checked) return;
  await request(MSG.RECEIPTS_CLEAR, { ehr });
  box.checked = false;
}
