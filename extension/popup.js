// The toolbar popup (also the push window and the Firefox test page, via ?tab=): a thin view over
// the background. It reads the note from the target tab, renders state and sends messages.
import { api } from "./lib/browser.js";
import { MSG, request } from "./lib/messages.js";
import { localise, t, errorText } from "./lib/i18n.js";
import { showConnection, wireReconnect } from "./popup/connection.js";

localise();

const $ = (id) => document.getElementById(id);
const openSettings = () => { api.runtime.openOptionsPage(); window.close(); };
$("open-options").addEventListener("click", openSettings);
$("setup-open-settings").addEventListener("click", openSettings);

async function start() {
  const status = $("core-status");
  try {
    const info = await request(MSG.CORE_INFO);
    $("about").textContent = t("aboutVersion", [info.version, info.build]);
    const connected = showConnection(await request(MSG.CLINIKO_STATUS));
    status.textContent = connected ? t("coreReady") : "";
    document.body.dataset.core = "ready";
  } catch (e) {
    status.textContent = errorText(e);
    status.classList.add("error");
    document.body.dataset.core = "failed";
  }
}

wireReconnect((status) => showConnection(status));
start();
