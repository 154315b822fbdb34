// The popup's action bar (issue 14): once a patient is chosen, at the bottom of the popup's box,
// always on screen while the preview scrolls beneath, it names who the push goes to next to "Push to
// <EHR>" (popup.css makes it sticky; this file only writes its words and says when).
import { t } from "../lib/i18n.js";
import { formatDate } from "../lib/dates.js";
import { fullName } from "./patient.js";

const $ = (id) => document.getElementById(id);

/** Name the chosen patient (with the date of birth, which tells same-name patients apart), or ask for one. */
export function showActionPatient(patient) {
  // Sticky from the moment there is someone to push to (popup.css).
  document.body.dataset.actionBar = patient ? "sticky" : "inline";
  const line = $("action-patient");
  line.classList.toggle("none", !patient);
  line.textContent = !patient ? t("actionNoPatient")
    : patient.date_of_birth ? t("actionPatientBorn", [fullName(patient), formatDate(patient.date_of_birth)])
      : t("actionPatient", [fullName(patient)]);
}
