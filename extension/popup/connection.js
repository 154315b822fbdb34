// The popup header's connection state, and the inline "Reconnect Cliniko" flow after a 401.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { describeConnection } from "../lib/connection-text.js";

const $ = (id) => document.getElementById(id);

/** Show the state; resolves to true when the popup may go on to the push flow. */
export function showConnection(status) {
  const line = $("connection");
  const { text, tone } = describeConnection(status, "Cliniko");
  line.textContent = text;
  line.className = `small ${tone}`;
  document.body.dataset.cliniko = status.state;
  $("setup").hidden = !(status.state === "not_set_up" || status.state === "disabled");
  $("reconnect").hidden = status.state !== "needs_reconnect";
  if (status.state === "not_set_up") $("setup-text").textContent = t("popupNotSetUp");
  if (status.state === "disabled") $("setup-text").textContent = t("popupDisabled");
  return status.state === "connected";
}

/** Wire the reconnect form; `onReconnected(status)` runs after a successful reconnect. */
export function wireReconnect(onReconnected) {
  $("reconnect-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("reconnect-key");
    const error = $("reconnect-error");
    const button = $("reconnect-submit");
    error.textContent = "";
    if (!input.value.trim()) {
      error.textContent = t("keyRequired");
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const status = await request(MSG.CONNECTION_CONNECT, { ehr: "cliniko", key: input.value });
      input.value = "";
      onReconnected(status);
    } catch (e) {
      error.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  });
}
