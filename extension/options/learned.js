// Settings → Defaults: the template choices Automatic learned (which template the clinician picked
// for notes with particular sections), and the button that forgets them. Only a count is shown:
// the core keeps template ids and a hash of the headings, nothing a person could read back.
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";

const $ = (id) => document.getElementById(id);

async function showCount() {
  const status = $("template-choices-status");
  try {
    const n = await request(MSG.TEMPLATES_LEARNED);
    status.textContent = n ? t("templateChoicesLearned", [String(n)]) : t("templateChoicesNone");
    $("forget-template-choices").disabled = !n;
  } catch (e) {
    status.textContent = errorText(e);
  }
}

$("forget-template-choices").addEventListener("click", async () => {
  try {
    await request(MSG.TEMPLATES_FORGET);
  } catch (e) {
    $("template-choices-status").textContent = errorText(e);
    return;
  }
  await showCount();
});

showCount();
