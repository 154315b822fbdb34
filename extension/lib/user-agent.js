// The User-Agent Cliniko requires, set by a declarativeNetRequest rule on the extension's OWN
// requests only (issue 15 §9). The rule (rules/user-agent.json, written by tools/manifest.py with
// the build's contact) is installed as a session rule with `tabIds: [-1]`: requests that come from
// no tab, i.e. the background's. Chrome accepts `tabIds` only in session rules, Firefox in both;
// a web page's own requests to the Cliniko API (from a tab) keep the browser's User-Agent.
import { api } from "./browser.js";

/**
 * Install the rule unless this browser session already has it; a failure is reported, since
 * Cliniko may refuse requests without it. Session rules outlive a stopped worker but not a browser
 * restart or an extension update (both clear them), so a rule found here is this version's: a
 * restarted worker skips reading the rule file and replacing the rule (issue 18: cold start).
 */
export async function installUserAgentRule() {
  try {
    const present = await api.declarativeNetRequest.getSessionRules();
    if (present.some(setsUserAgent)) return;
    const rules = await (await fetch(api.runtime.getURL("rules/user-agent.json"))).json();
    const own = rules.map((r) => ({ ...r, condition: { ...r.condition, tabIds: [-1] } }));
    await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: own.map((r) => r.id), addRules: own });
  } catch (e) {
    console.error(`Motics Push couldn't set its User-Agent rule: ${e?.message ?? e}`);
  }
}

/** A session rule of ours that sets the User-Agent on the background's requests. */
function setsUserAgent(rule) {
  return rule.condition?.tabIds?.includes(-1) &&
    rule.action?.requestHeaders?.some((h) => h.header.toLowerCase() === "user-agent" && h.operation === "set");
}
