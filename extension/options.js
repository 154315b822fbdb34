// The options page: API keys, defaults for notes, and About. A thin view over the background.
import { MSG, request } from "./lib/messages.js";
import { localise, errorText } from "./lib/i18n.js";

localise();

async function showAbout() {
  const status = document.getElementById("about-status");
  try {
    const info = await request(MSG.CORE_INFO);
    document.getElementById("about-version").textContent = info.version;
    document.getElementById("about-build").textContent = info.build;
    document.body.dataset.core = "ready";
  } catch (e) {
    status.textContent = errorText(e);
    status.classList.add("error");
    document.body.dataset.core = "failed";
  }
}

showAbout();
