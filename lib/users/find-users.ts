import { getDb } from "../db";
import { assertCan, type Actor, type RoleName } from "../authz";

export type UserRow = { id: string; name: string; email: string; roles: RoleName[]; active: boolean; sso: boolean; invited: boolean; teams: string[]; lastSignInAt: string | null };

export async function findUsers({ actor }: { actor: Actor }): Promise<UserRow[]> {
  assertCan(actor, "admin:users");
  const users = await getDb().user.findMany({
    orderBy: { name: "asc" },
    include: { teams: { include: { team: { select: { name: true } } } } },
  });
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    roles: u.roles as RoleName[],
    active: u.active,
    sso: u.ssoSubject !== null,
    // Added by an invitation: no password, no single sign-on yet, never signed in.
    invited: u.ssoSubject === null && u.passwordHash === null && u.lastSignInAt === null,
    teams: u.teams.map((t) => t.team.name),
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
  }));
}
