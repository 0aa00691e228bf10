import { getDb } from "../db";
import type { RoleName, UserActor } from "../authz";

/** The signed-in user as an actor, read fresh so a role change or deactivation applies at once. */
export async function findUserActor(userId: string): Promise<UserActor | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const user = await getDb().user.findUnique({ where: { id: userId } });
  if (!user || !user.active) return null;
  return { type: "user", id: user.id, email: user.email, name: user.name, roles: user.roles as RoleName[] };
}
