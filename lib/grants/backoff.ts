// Retry schedule for issuer calls: exponential with jitter, capped, then a terminal state.

export const REVOKE_MAX_ATTEMPTS = 12;
export const ISSUE_MAX_ATTEMPTS = 5;
/** An irrevocable grant is still retried, once a day, until it succeeds or an admin resolves it. */
export const IRREVOCABLE_RETRY_MS = 24 * 3600_000;

/**
 * Delay before retry number `attempt` (1-based): 0.5 s, 1 s, 2 s, … capped at 60 s, ±25 % jitter so
 * a burst of failures does not retry in lockstep. `random` is injectable for tests.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(500 * 2 ** Math.max(0, attempt - 1), 60_000);
  return Math.round(base * (0.75 + random() * 0.5));
}
