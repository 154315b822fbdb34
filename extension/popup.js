// The toolbar popup: a thin view over the background. It renders state and sends messages.
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";

localise();

document.getElementById("open-options").addEventListener("click", () => {
  api.runtime.openOptionsPage();
  window.close();
});

async function showAbout() {
  const status = document.getElementById("core-status");
  try {
    const info = await request(MSG.CORE_INFO);
    document.getElementById("about").textContent = t("aboutVersion", [info.version, info.build]);
    status.textContent = t("coreReady");
    document.body.dataset.core = "ready";
  } catch (e) {
    status.textContent = errorText(e);
    status.classList.add("error");
    document.body.dataset.core = "failed";
  }
}

showAbout();
