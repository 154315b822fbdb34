#!/usr/bin/env python3
"""Writes dist/chrome/manifest.json and dist/firefox/manifest.json from the Chrome-canonical
manifest.json, plus the declarativeNetRequest User-Agent rule with the build's contact email.

Firefox differences (see README "Manifests"): MV3 there has no background service worker, only an
event page (`background.scripts` + `type: module`); AMO needs `browser_specific_settings.gecko.id`
and, since 2025-11, `data_collection_permissions`; `minimum_chrome_version` means nothing to it.
"""
import argparse
import json
from pathlib import Path

GECKO_ID = "motics-push@motics.ai"
# What the extension sends off the device: note text and patient details (health information,
# personally identifying information) read from the Motics page (website content).
DATA_COLLECTION = ["healthInfo", "personallyIdentifyingInfo", "websiteContent"]


def user_agent_rule(contact):
    # Cliniko requires `User-Agent: <app> (<contact email>)`; Chrome drops a UA set in fetch()
    # (crbug 40450316), so a DNR rule sets it. The regex limits it to Cliniko API hosts, so the
    # clinician's own Cliniko web app tabs keep their browser's User-Agent, and the background
    # installs it as a session rule with `tabIds: [-1]` (requests from no tab: the extension's
    # own), which static rules can't carry in Chrome, so a web page's requests to the Cliniko API
    # keep theirs too (issue 15 §9; extension/lib/user-agent.js).
    return [{
        "id": 1,
        "priority": 1,
        "action": {"type": "modifyHeaders", "requestHeaders": [
            {"header": "User-Agent", "operation": "set", "value": f"Motics Push ({contact})"}]},
        "condition": {"regexFilter": r"^https://api\.[a-z]{2}[0-9]{1,2}\.cliniko\.com/",
                      "resourceTypes": ["xmlhttprequest", "other"]},
    }]


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--contact", required=True)
    ap.add_argument("--chrome", required=True)
    ap.add_argument("--firefox", required=True)
    args = ap.parse_args()
    if "@" not in args.contact:
        raise SystemExit("MOTICS_CONTACT_EMAIL must be an email address")

    base = json.loads(Path("manifest.json").read_text(encoding="utf-8"))
    base["version"] = args.version

    chrome = dict(base)
    write_json(Path(args.chrome) / "manifest.json", chrome)

    firefox = dict(base)
    firefox["background"] = {"scripts": ["background.js"], "type": "module"}
    firefox.pop("minimum_chrome_version", None)
    firefox["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            # 140: data_collection_permissions and the current ESR line.
            "strict_min_version": "140.0",
            "data_collection_permissions": {"required": DATA_COLLECTION},
        },
        "gecko_android": {"strict_min_version": "142.0"},
    }
    write_json(Path(args.firefox) / "manifest.json", firefox)

    for d in (args.chrome, args.firefox):
        write_json(Path(d) / "rules" / "user-agent.json", user_agent_rule(args.contact))


if __name__ == "__main__":
    main()
