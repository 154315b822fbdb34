// The one message protocol between pages and the background (the Rust twin is src/app/mod.rs).
// Every reply is {ok: true, value} or {ok: false, error: {kind, params, transient}}.
import { api, extensionOrigin } from "./browser.js";

export const MSG = Object.freeze({
  CORE_INFO: "core/info",
  CLINIKO_STATUS: "cliniko/status",
  CLINIKO_CONNECT: "cliniko/connect",
  CLINIKO_VERIFY: "cliniko/verify",
  CLINIKO_RECONNECT: "cliniko/reconnect",
  CLINIKO_SET_ENABLED: "cliniko/set-enabled",
  CLINIKO_REMOVE: "cliniko/remove",
  CLINIKO_TEMPLATES: "cliniko/templates",
  TEMPLATES_LEARNED: "templates/learned",
  TEMPLATES_FORGET: "templates/forget",
  SETTINGS_GET: "settings/get",
  SETTINGS_SET: "settings/set",
  NOTE_PREPARE: "note/prepare",
  PATIENTS_SEARCH: "patients/search",
  PATIENTS_SCAN_PHONE: "patients/scan-phone",
  PATIENTS_MATCH: "patients/match",
  PRESELECT_GET: "preselect/get",
  PRESELECT_SET: "preselect/set",
  PRESELECT_CLEAR: "preselect/clear",
  PUSH_PREFLIGHT: "push/preflight",
  PUSH_START: "push/start",
  PUSH_QUEUE: "push/queue",
  JOBS_GET: "jobs/get",
  JOBS_TICK: "jobs/tick",
  JOBS_LIST: "jobs/list",
  JOBS_RETRY: "jobs/retry",
  JOBS_DISCARD: "jobs/discard",
  RECEIPTS_LIST: "receipts/list",
  RECEIPTS_CLEAR: "receipts/clear",
  NOOKAL_STATUS: "nookal/status",
  NOOKAL_CONNECT: "nookal/connect",
  NOOKAL_VERIFY: "nookal/verify",
  NOOKAL_SET_ENABLED: "nookal/set-enabled",
  NOOKAL_REMOVE: "nookal/remove",
  NOOKAL_SET_PRACTITIONER: "nookal/set-practitioner",
  NOOKAL_SET_LOCATION: "nookal/set-location",
  NOOKAL_SEARCH: "nookal/search",
  NOOKAL_CASES: "nookal/cases",
  NOOKAL_ADD_CASE: "nookal/add-case",
  NOOKAL_PUSH: "nookal/push",
  NOOKAL_FIND_NOTE: "nookal/find-note",
  DESTINATION_GET: "destination/get",
  DESTINATION_SET: "destination/set",
});

/**
 * Whether a message comes from one of our own extension pages (popup, options, push window).
 * Web pages and scripts injected into them are never privileged: they may only return data
 * through executeScript results, never ask the background for anything (see architecture §6 of
 * the MV3 reference: assume a compromised renderer can forge content-script messages).
 */
export function isFromExtensionPage(sender) {
  return sender?.id === api.runtime.id && typeof sender.url === "string" &&
    sender.url.startsWith(extensionOrigin);
}

/** Send a request to the background and unwrap the reply; throws a CoreError on {ok: false}. */
export async function request(type, fields = {}) {
  let reply;
  try {
    reply = await api.runtime.sendMessage({ type, ...fields });
  } catch (e) {
    throw new CoreError({ kind: "background_unavailable", params: [String(e?.message ?? e)] });
  }
  if (!reply || typeof reply !== "object") {
    throw new CoreError({ kind: "background_unavailable", params: ["no reply"] });
  }
  if (!reply.ok) throw new CoreError(reply.error);
  return reply.value;
}

/** An error reply from the core, carrying the message id suffix and its placeholders. */
export class CoreError extends Error {
  constructor(error) {
    super(error?.kind ?? "internal");
    this.kind = error?.kind ?? "internal";
    this.params = Array.isArray(error?.params) ? error.params.map(String) : [];
    this.transient = Boolean(error?.transient);
  }
}
