// Which tab the popup works on. The toolbar popup uses the active tab of its window; the push window
// and the Firefox test harness pass `?tab=<id>` explicitly. Both go through this one function.
import { api } from "./browser.js";

export async function targetTab() {
  const param = new URLSearchParams(location.search).get("tab");
  if (param && /^\d+$/.test(param)) return api.tabs.get(Number(param));
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}
