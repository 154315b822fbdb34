// The EHRs the view knows, as data: what differs between them is a row here (name, host access,
// where keys are made, help steps, the choices a key needs), never a second copy of a view.
import { request } from "./messages.js";
import { t } from "./i18n.js";

/** Each EHR's row; the key is the id the core uses (`ehr` in every message). */
export const EHRS = Object.freeze({
  cliniko: {
    id: "cliniko", name: "Cliniko", origins: ["https://*.cliniko.com/*"], keyWhere: "clinikoKeyWhere",
    help: ["clinikoHelp1", "clinikoHelp2", "clinikoHelp3", "clinikoHelp4", "clinikoHelp5"], helpNote: "clinikoHelpNoKeys",
    choices: [],
    // The popup's extras for this EHR: title, draft/final and template.
    popup: { details: true },
  },
  nookal: {
    id: "nookal", name: "Nookal", origins: ["https://api.nookal.com/*"], keyWhere: "nookalKeyWhere",
    help: ["nookalHelp1", "nookalHelp2", "nookalHelp3", "nookalHelp4"], helpNote: "nookalHelpPlan",
    // Nookal files every note under a practitioner (a v2 key is not tied to one) and may default
    // a location: the two pickers on its card.
    choices: [
      { id: "practitioner", label: "nookalPractitionerLabel", hint: "nookalPractitionerHint", required: true,
        placeholder: "nookalChoosePractitioner", list: "practitioners", chosen: "practitioner_id", op: "set-practitioner" },
      { id: "location", label: "nookalLocationLabel", none: "nookalNoDefaultLocation", covered: "nookalLocationsCovered",
        list: "locations", chosen: "location_id", op: "set-location" },
    ],
    // Nookal files a note under one of the patient's cases: the popup's case chooser.
    popup: { cases: true },
  },
});

/** The EHR ids, in the order the views show them. */
export const EHR_IDS = Object.keys(EHRS);

/** `t(id)` with the EHR's name as the first placeholder ($EHR$), then `params`. */
export function te(id, ehr, ...params) {
  return t(id, [EHRS[ehr]?.name ?? ehr, ...params.map(String)]);
}

/**
 * One connection operation (`status`, `connect`, `verify`, `set-enabled`, `remove`,
 * `set-practitioner`, `set-location`) for `ehr`: `connection/<op>` with the EHR as a field.
 */
export async function connection(op, ehr, fields = {}) {
  return flat(await request(`connection/${op}`, { ehr, ...fields }));
}

/**
 * A connection status read flat: the uniform fields (`user_name`, `practitioners`, `masked_key`…)
 * over the EHR's own stored summary (`connection`: Cliniko's role, shard and subdomain).
 */
function flat(status) {
  return { ...(status?.connection ?? {}), ...status };
}
