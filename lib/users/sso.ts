import { getDb } from "../db";
import { roles as allRoles, type RoleName, type UserActor } from "../authz";
import { appendAudit } from "../audit";
import { AppError } from "../errors";

/** Parses `group=role,group=role` into a lookup. Unknown roles are a configuration error. */
export function parseRoleMap(spec: string): Map<string, RoleName[]> {
  const map = new Map<string, RoleName[]>();
  for (const pair of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf("=");
    if (eq <= 0) throw new Error(`AUTH_OIDC_ROLE_MAP: "${pair}" is not group=role`);
    const group = pair.slice(0, eq).trim();
    const role = pair.slice(eq + 1).trim() as RoleName;
    if (!allRoles.includes(role)) throw new Error(`AUTH_OIDC_ROLE_MAP: "${role}" is not a role (${allRoles.join(", ")})`);
    map.set(group, [...(map.get(group) ?? []), role]);
  }
  return map;
}

/** Roles granted by a user's SSO groups. The claim may be an array or a space/comma separated string. */
export function rolesFromGroups(groupsClaim: unknown, roleMap: Map<string, RoleName[]>): RoleName[] {
  const groups = Array.isArray(groupsClaim)
    ? groupsClaim.map(String)
    : typeof groupsClaim === "string"
      ? groupsClaim.split(/[\s,]+/).filter(Boolean)
      : [];
  const out = new Set<RoleName>();
  for (const g of groups) for (const r of roleMap.get(g) ?? []) out.add(r);
  return allRoles.filter((r) => out.has(r));
}

/** Creates or updates the user behind an SSO sign-in; roles follow the SSO groups at every sign-in. */
export async function syncSsoUser(input: { subject: string; email: string; name: string; roles: RoleName[] }): Promise<UserActor> {
  if (input.roles.length === 0) {
    throw new AppError("forbidden", "Your SSO account is in no group that Hourglass maps to a role");
  }
  const db = getDb();
  const email = input.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const existing = await tx.user.findFirst({ where: { OR: [{ ssoSubject: input.subject }, { email }] } });
    if (existing && !existing.active) throw new AppError("forbidden", "This account is disabled in Hourglass");
    const user = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data: { ssoSubject: input.subject, email, name: input.name, roles: input.roles, lastSignInAt: new Date() },
        })
      : await tx.user.create({
          data: { ssoSubject: input.subject, email, name: input.name, roles: input.roles, lastSignInAt: new Date() },
        });
    const actor: UserActor = { type: "user", id: user.id, email: user.email, name: user.name, roles: input.roles };
    const changed = !existing || existing.roles.join() !== input.roles.join();
    await appendAudit(tx, actor, {
      action: "user.signed_in",
      subjectType: "user",
      subjectId: user.id,
      data: { method: "sso", ...(changed ? { roles: input.roles, previousRoles: existing?.roles ?? [] } : {}) },
    });
    return actor;
  });
}
