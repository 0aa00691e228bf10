import { Prisma } from "../generated/prisma/client";
import { getDb, type Tx } from "../db";
import { systemActor } from "../authz";
import { appendAudit } from "../audit";
import { AppError } from "../errors";

/**
 * Password sign-in attempt limits, per account and per client address, in a window; past the limit
 * the key is locked for the lockout, whatever the password. The counters live in PostgreSQL, so every
 * replica enforces the same limit.
 */
export const signInLimits = {
  account: { attempts: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  address: { attempts: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const;

type Scope = keyof typeof signInLimits;

function throttleKeys(email: string, address: string | null): { scope: Scope; key: string }[] {
  const keys: { scope: Scope; key: string }[] = [{ scope: "account", key: `account:${email}` }];
  if (address) keys.push({ scope: "address", key: `address:${address}` });
  return keys;
}

/**
 * Counts one attempt against the account and the address before the password is checked (so a burst
 * of parallel attempts is bounded too), and throws `rate_limited`, audited, once either is past its
 * limit. A correct password then clears the account's count (`clearAccountAttempts`).
 */
export async function countSignInAttempt(email: string, address: string | null, now = new Date()): Promise<void> {
  const db = getDb();
  const over = await db.$transaction(async (tx) => {
    const out: { scope: Scope; lockedUntil: Date }[] = [];
    for (const { scope, key } of throttleKeys(email, address)) {
      const l = signInLimits[scope];
      const windowFrom = new Date(now.getTime() - l.windowMs);
      const lockUntil = new Date(now.getTime() + l.lockMs);
      const stale = Prisma.sql`"SignInThrottle"."windowStart" < ${windowFrom}`;
      const attempts = Prisma.sql`CASE WHEN ${stale} THEN 1 ELSE "SignInThrottle"."failures" + 1 END`;
      const [row] = await tx.$queryRaw<{ lockedUntil: Date | null }[]>`
        INSERT INTO "SignInThrottle" ("key", "failures", "windowStart", "lockedUntil")
        VALUES (${key}, 1, ${now}, NULL)
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = ${attempts},
          "windowStart" = CASE WHEN ${stale} THEN ${now} ELSE "SignInThrottle"."windowStart" END,
          "lockedUntil" = CASE
            WHEN "SignInThrottle"."lockedUntil" > ${now} THEN "SignInThrottle"."lockedUntil"
            WHEN ${attempts} > ${l.attempts} THEN ${lockUntil}
            ELSE NULL END
        RETURNING "lockedUntil"`;
      if (row.lockedUntil && row.lockedUntil > now) out.push({ scope, lockedUntil: row.lockedUntil });
    }
    return out;
  });
  if (over.length === 0) return;
  const until = new Date(Math.max(...over.map((o) => o.lockedUntil.getTime())));
  // Its own transaction: the refusal is recorded although the sign-in goes no further.
  await db.$transaction((tx) =>
    appendAudit(tx, systemActor("sign-in"), {
      action: "user.sign_in_throttled",
      subjectType: "user",
      data: { email, address, scopes: over.map((o) => o.scope), lockedUntil: until.toISOString() },
    }),
  );
  throw new AppError("rate_limited", "Too many failed sign-ins. Try again later.", { retryAfter: until.toISOString() });
}

/**
 * A correct password clears the account's count and takes its own attempt back from the address's,
 * so the address limit counts failures: an office behind one address signs in all day, a password
 * spray from it is still stopped. A lock already set stays.
 */
export async function clearAccountAttempts(tx: Tx, email: string, address: string | null): Promise<void> {
  await tx.signInThrottle.deleteMany({ where: { key: `account:${email}` } });
  if (address) {
    await tx.$executeRaw`UPDATE "SignInThrottle" SET "failures" = GREATEST("failures" - 1, 0)
      WHERE "key" = ${`address:${address}`} AND ("lockedUntil" IS NULL OR "lockedUntil" <= now())`;
  }
}
