import { z } from "zod";
import { getDb } from "../db";
import { assertCan, roles, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { parseInput } from "../validation";

const input = z.object({
  userId: z.string().uuid("Unknown user"),
  roles: z.array(z.enum(roles)).max(roles.length),
});

/** Replaces a user's local roles. Admins only; an admin cannot remove their own admin role. */
export async function setUserRoles({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:users");
  const { userId, roles: next } = parseInput(input, raw);
  const db = getDb();
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw notFound("User");
    if (actor.type === "user" && actor.id === userId && !next.includes("admin")) {
      throw new AppError("invalid_state", "You cannot remove your own admin role; ask another admin");
    }
    const unique = roles.filter((r) => next.includes(r));
    const updated = await tx.user.update({ where: { id: userId }, data: { roles: unique } });
    await appendAudit(tx, actor, {
      action: "user.roles_changed",
      subjectType: "user",
      subjectId: userId,
      data: { from: user.roles, to: unique },
    });
    return updated;
  });
}
