// How a connection state reads, shared by the popup header and the options page.
import { t } from "./i18n.js";
import { LOCALE } from "./dates.js";
import { EHRS } from "./ehrs.js";

/** `{text, tone}` for an EHR's connection status (read flat, see `flat` in ehrs.js). */
export function describeConnection(s, ehr) {
  const name = EHRS[ehr]?.name ?? ehr;
  switch (s.state) {
    case "connected":
      return { text: connectedText(s, name), tone: s.needs_practitioner ? "problem" : "connected" };
    case "disabled":
      return { text: t("stateDisabled", [name]), tone: "problem" };
    case "needs_reconnect":
      return { text: t("stateNeedsReconnect", [name]), tone: "problem" };
    default:
      return { text: t("stateNotSetUp", [name]), tone: "" };
  }
}

/**
 * Who a connected key is: a key tied to a user names it and its clinic (Cliniko); a key that
 * covers a clinic's practitioners names the one notes are filed under (Nookal).
 */
function connectedText(s, name) {
  if (s.practitioners) {
    const locations = String(s.locations?.length ?? 0);
    if (s.needs_practitioner) return t("nookalConnectedChoose", [locations]);
    const chosen = s.practitioners.find((p) => p.id === s.practitioner_id);
    return t("nookalConnectedAs", [chosen?.name ?? "", locations]);
  }
  const role = s.practitioner_id ? t("rolePractitioner") : s.role || t("roleUnknown");
  const host = s.subdomain ? `${s.subdomain}.${s.shard}.cliniko.com` : s.shard ?? name;
  return t("connectedAs", [s.user_name, role, s.account_name, host]);
}

/** Today's date in the browser's locale (e.g. 31/01/2025 in en-AU), as titles show it. */
export function sampleDate(date = new Date()) {
  return new Intl.DateTimeFormat(LOCALE, { day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
}
