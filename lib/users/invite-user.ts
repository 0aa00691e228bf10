import { z } from "zod";
import { getDb } from "../db";
import { assertCan, roles, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError } from "../errors";
import { parseInput } from "../validation";

const input = z.strictObject({
  email: z.string().trim().toLowerCase().max(254, "At most 254 characters").pipe(z.email("Enter an email address, like pat@example.com")),
  name: z.string().trim().max(200, "At most 200 characters").optional(),
  roles: z.array(z.enum(roles)).min(1, "Give the new user at least one role").max(roles.length),
});

const taken = (email: string) => new AppError("conflict", `${email} is already a user of Hourglass`, { fields: { email: "Already a user" } });

/**
 * Adds a person by email with the roles an admin chose, before they ever sign in. They have no
 * password: their first single sign-on with that (verified) email links to this user and keeps
 * these roles (see syncSsoUser).
 */
export async function inviteUser(actor: Actor, raw: z.input<typeof input>) {
  assertCan(actor, "admin:users");
  const v = parseInput(input, raw);
  const unique = roles.filter((r) => v.roles.includes(r));
  const name = v.name || v.email.slice(0, v.email.indexOf("@"));
  try {
    return await getDb().$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: v.email }, select: { id: true } })) throw taken(v.email);
      const user = await tx.user.create({ data: { email: v.email, name, roles: unique }, select: { id: true, email: true, name: true, roles: true } });
      await appendAudit(tx, actor, { action: "user.invited", subjectType: "user", subjectId: user.id, data: { email: user.email, name, roles: unique } });
      return user;
    });
  } catch (e) {
    // Two admins inviting the same email at once: the unique index decides, in the same words.
    if ((e as { code?: unknown })?.code === "P2002") throw taken(v.email);
    throw e;
  }
}
