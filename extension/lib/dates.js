// Dates in the browser's locale (the product rule): date-of-birth, ages and timestamps.

/**
 * The browser's language as the user set it. Passed explicitly because the Intl default can differ
 * from it (headless Chromium reports navigator.language "en-AU" but formats en-US by default).
 */
export const LOCALE = globalThis.navigator?.language || undefined;

/** "31/01/2025" (en-AU) for an ISO date "2025-01-31"; treats it as a calendar date, not UTC midnight. */
export function formatDate(isoDate) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate ?? "");
  if (!m) return isoDate ?? "";
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(LOCALE, { day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
}

/** "31/01/2025, 10:02 am" (en-AU) for an ISO 8601 timestamp, in local time; full year, no ambiguity. */
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso ?? "";
  return new Intl.DateTimeFormat(LOCALE, {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "numeric", minute: "2-digit",
  }).format(d);
}

/**
 * The browser's offset from UTC in minutes east at the note's session time (now without one):
 * the core files a note under the session's local time (push/start `utc_offset_min`).
 */
export function utcOffsetMin(source) {
  const at = new Date(source?.meta?.created_at ?? Date.now());
  return -(Number.isNaN(at.getTime()) ? new Date() : at).getTimezoneOffset();
}

/** Whole years between an ISO birth date and today (local calendar). */
export function ageOn(isoDate, today = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate ?? "");
  if (!m) return null;
  let age = today.getFullYear() - Number(m[1]);
  const before = today.getMonth() + 1 < Number(m[2]) || (today.getMonth() + 1 === Number(m[2]) && today.getDate() < Number(m[3]));
  if (before) age -= 1;
  return age >= 0 && age < 150 ? age : null;
}

/** Whether the browser's locale writes dates month-first (en-US) — the search box reads dates that way then. */
export function monthFirst() {
  const parts = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "numeric", year: "numeric" })
    .formatToParts(new Date(2001, 10, 22));
  const order = parts.filter((p) => p.type === "day" || p.type === "month").map((p) => p.type);
  return order[0] === "month";
}

/** Today's local date as YYYY-MM-DD. */
export function todayIso(today = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${today.getFullYear()}-${p(today.getMonth() + 1)}-${p(today.getDate())}`;
}
