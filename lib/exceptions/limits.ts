// Limits of risk-accepted standing access. Pure (no database), so forms can show them too.

export const exceptionRiskRatings = ["low", "medium", "high", "critical"] as const;
export type ExceptionRiskRating = (typeof exceptionRiskRatings)[number];

/** The longest an exception may run, in days from the moment it is proposed, by its risk rating. */
export const maxExceptionDays: Record<ExceptionRiskRating, number> = {
  low: 180,
  medium: 90,
  high: 30,
  critical: 14,
};

/** "Expiring soon" looks this far ahead. */
export const EXPIRING_SOON_DAYS = 14;

/** Reminders before the end, longest first; each is sent once per exception. */
export const exceptionReminderDays = [7, 1] as const;

const DAY_MS = 86_400_000;

export function maxExceptionEnd(rating: ExceptionRiskRating, from: Date): Date {
  return new Date(from.getTime() + maxExceptionDays[rating] * DAY_MS);
}

/** A rating may not be lower than the entitlement's own risk tier, or the duration limit means nothing. */
export function ratingAtLeast(rating: ExceptionRiskRating, floor: ExceptionRiskRating): boolean {
  return exceptionRiskRatings.indexOf(rating) >= exceptionRiskRatings.indexOf(floor);
}

/** The next periodic review of an accepted exception after `now`, or null when none falls before its end. */
export function nextReviewAt(acceptedAt: Date, cadenceDays: number, expiresAt: Date, now: Date): Date | null {
  if (cadenceDays < 1) return null;
  const period = cadenceDays * DAY_MS;
  const elapsed = Math.max(0, now.getTime() - acceptedAt.getTime());
  const next = new Date(acceptedAt.getTime() + (Math.floor(elapsed / period) + 1) * period);
  return next < expiresAt ? next : null;
}
