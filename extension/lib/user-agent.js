// The User-Agent Cliniko requires, set by a declarativeNetRequest rule on the extension's OWN
// requests only (issue 15 §9). The rule (rules/user-agent.json, written by tools/manifest.py with
// the build's contact) is installed as a session rule with `tabIds: [-1]`: requests that come from
// no tab, i.e. the background's. Chrome accepts `tabIds` only in session rules, Firefox in both;
// a web page's own requests to the Cliniko API (from a tab) keep the browser's User-Agent.
import { api } from "./browser.js";

/** Install (or refresh) the rule; a failure is reported, since Cliniko may refuse requests without it. */
export async function installUserAgentRule() {
  try {
    const rules = await (await fetch(api.runtime.getURL("rules/user-agent.json"))).json();
    const own = rules.map((r) => ({ ...r, condition: { ...r.condition, tabIds: [-1] } }));
    await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: own.map((r) => r.id), addRules: own });
  } catch (e) {
    console.error(`Motics Push couldn't set its User-Agent rule: ${e?.message ?? e}`);
  }
}
