import bcrypt from "bcryptjs";
import { getDb } from "../db";
import type { RoleName, UserActor } from "../authz";
import { appendAudit } from "../audit";
import { clearAccountAttempts, countSignInAttempt } from "./sign-in-throttle";

// A fixed hash compared against when the email is unknown, so a wrong email and a wrong password take the same time.
const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8Z1QJ7xHYPvSe7OvO6hQyH6zvDj0uW";

/**
 * Checks an email + password for the local sign-in. Returns the actor, or null for any mismatch.
 * Throws `rate_limited` while the account or the client address has too many recent failures.
 */
export async function authenticateUser(input: { email: string; password: string; address?: string | null }): Promise<UserActor | null> {
  const db = getDb();
  const email = input.email.trim().toLowerCase();
  const address = input.address ?? null;
  await countSignInAttempt(email, address);
  const user = await db.user.findUnique({ where: { email } });
  const ok = await bcrypt.compare(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok || !user.active) return null;
  const actor: UserActor = { type: "user", id: user.id, email: user.email, name: user.name, roles: user.roles as RoleName[] };
  await db.$transaction(async (tx) => {
    await clearAccountAttempts(tx, email, address);
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await appendAudit(tx, actor, { action: "user.signed_in", subjectType: "user", subjectId: user.id, data: { method: "password" } });
  });
  return actor;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}
