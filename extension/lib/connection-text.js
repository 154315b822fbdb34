// How a connection state reads, shared by the popup header and the options page.
import { t } from "./i18n.js";
import { LOCALE } from "./dates.js";

/** `{text, tone}` for an EHR's connection status as the background reports it. */
export function describeConnection(status, ehr) {
  const c = status.connection;
  switch (status.state) {
    case "connected": {
      const role = c.practitioner_id ? t("rolePractitioner") : c.role || t("roleUnknown");
      const host = c.subdomain ? `${c.subdomain}.${c.shard}.cliniko.com` : c.shard;
      return { text: t("connectedAs", [c.user_name, role, c.account_name, host]), tone: "connected" };
    }
    case "disabled":
      return { text: t("stateDisabled", [ehr]), tone: "problem" };
    case "needs_reconnect":
      return { text: t("stateNeedsReconnect", [ehr]), tone: "problem" };
    default:
      return { text: t("stateNotSetUp", [ehr]), tone: "" };
  }
}

/** Today's date in the browser's locale (e.g. 31/01/2025 in en-AU), as titles show it. */
export function sampleDate(date = new Date()) {
  return new Intl.DateTimeFormat(LOCALE, { day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
}
