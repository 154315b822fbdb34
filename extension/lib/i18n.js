// Fills every [data-i18n] element's text (and [data-i18n-label] aria-labels, [data-i18n-placeholder])
// from _locales, so every user-visible string lives in messages.json.
import { api } from "./browser.js";

export function t(id, params = []) {
  return api.i18n.getMessage(id, params) || id;
}

export function localise(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  document.documentElement.lang = api.i18n.getUILanguage?.() || "en";
}

/** The user-facing text for a CoreError or any thrown value: `err_<kind>` with its placeholders. */
export function errorText(err) {
  const kind = err?.kind ?? "internal";
  const params = err?.params ?? [String(err?.message ?? err)];
  const text = api.i18n.getMessage(`err_${kind}`, params);
  return text || t("err_internal", [kind]);
}
