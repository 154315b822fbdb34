// "Match by appointment" for the history queue (issue 14): each note not yet queued is paired with
// the appointment at its session's time, only where the core finds exactly one that fits; each pair
// goes into the queue for review (its line shows the appointment's time, and Remove), the rest stay
// for search. Nothing is sent before "Push all". The pairing rule is the core's (`appointments/match`).
import { MSG, request } from "../lib/messages.js";
import { t, errorText } from "../lib/i18n.js";
import { utcOffsetMin } from "../lib/dates.js";
import { sessionMs, linkedText } from "./appointments.js";

const $ = (id) => document.getElementById(id);

/**
 * Pair the notes `candidates` not yet `queued(i)`. `propose(i, row)` builds and queues one pair
 * (resolves false when it can't, e.g. the note names another patient); returns how many paired.
 */
export async function matchByAppointment({ ehr, candidates, queued, propose }) {
  const status = $("queue-match-status");
  status.className = "small muted";
  status.textContent = t("apptMatching");
  const open = candidates.map((c, i) => ({ c, i })).filter(({ i }) => !queued(i));
  let reply;
  try {
    reply = await request(MSG.APPOINTMENTS_MATCH, {
      ehr, sessions: open.map(({ c, i }) => ({ key: String(i), session_ms: sessionMs(c), utc_offset_min: utcOffsetMin(c) })),
    });
  } catch (e) {
    status.className = "small error";
    status.textContent = errorText(e);
    return 0;
  }
  let paired = 0;
  for (const pair of reply.pairs ?? []) {
    if (pair.row?.patient && await propose(Number(pair.key), pair.row)) paired += 1;
  }
  status.textContent = t("apptMatched", [String(paired), String(open.length - paired)]);
  document.body.dataset.matched = String(paired);
  return paired;
}

/** The queue line's note for a pair: "Linked to the 10:30 appointment (Initial consult)". */
export const pairNote = (row) => linkedText(row);
