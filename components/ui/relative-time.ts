// How far a moment is from now, as a person says it. Pure, so it is tested and shared.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Within this distance a moment reads relative ("3 hours ago"); beyond it, as a date. */
export const RELATIVE_WITHIN_MS = 14 * DAY;

/** "in a moment", "just now", "in 5 minutes", "3 hours ago", "yesterday", "in 6 days"; null beyond two weeks. */
export function relativeTime(atMs: number, nowMs: number): string | null {
  const diff = atMs - nowMs;
  const abs = Math.abs(diff);
  if (abs > RELATIVE_WITHIN_MS) return null;
  if (abs < 45_000) return diff >= 0 ? "in a moment" : "just now";
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (abs >= DAY) return rtf.format(Math.round(diff / DAY), "day");
  if (abs >= HOUR) return rtf.format(Math.round(diff / HOUR), "hour");
  return rtf.format(Math.round(diff / MINUTE), "minute");
}
