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

/**
 * Creates or updates the user behind an SSO sign-in; roles follow the SSO groups at every sign-in.
 * The account is found by (issuer, subject). An existing user is linked by email only when the
 * provider says the email is verified and the user is bound to no other SSO account.
 */
export async function syncSsoUser(input: {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  roles: RoleName[];
}): Promise<UserActor> {
  const noRole = () => new AppError("forbidden", "Your SSO account is in no group that Hourglass maps to a role", { reason: "no_role" });
  const db = getDb();
  const email = input.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const bound =
      (await tx.user.findUnique({ where: { ssoIssuer_ssoSubject: { ssoIssuer: input.issuer, ssoSubject: input.subject } } })) ??
      (await tx.user.findFirst({ where: { ssoIssuer: null, ssoSubject: input.subject } }));
    const existing = bound ?? (email ? await tx.user.findUnique({ where: { email } }) : null);
    if (existing && !existing.active) throw new AppError("forbidden", "This account is disabled in Hourglass", { reason: "disabled" });
    if (existing && !bound && (!input.emailVerified || existing.ssoSubject !== null)) {
      throw new AppError("forbidden", "This SSO account cannot be linked to the Hourglass user with its email", { reason: "link_refused" });
    }
    // An invited user (added by an admin, never signed in, no password) keeps the roles of the
    // invitation at this first sign-in, with those of their groups; later sign-ins follow the groups.
    const invited = existing && !bound && existing.passwordHash === null && existing.lastSignInAt === null;
    const roles = invited ? allRoles.filter((r) => input.roles.includes(r) || (existing.roles as RoleName[]).includes(r)) : input.roles;
    if (roles.length === 0) throw noRole();
    // A bound user keeps their email if the provider's now names another user's.
    const emailTaken = bound && email !== bound.email ? await tx.user.findUnique({ where: { email } }) : null;
    const data = {
      ssoIssuer: input.issuer,
      ssoSubject: input.subject,
      ...(emailTaken || !email ? {} : { email }),
      name: input.name,
      roles,
      lastSignInAt: new Date(),
    };
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data })
      : await tx.user.create({ data: { ...data, email } });
    const actor: UserActor = { type: "user", id: user.id, email: user.email, name: user.name, roles };
    if (existing && !bound) {
      await appendAudit(tx, actor, {
        action: "user.sso_linked",
        subjectType: "user",
        subjectId: user.id,
        data: { issuer: input.issuer, subject: input.subject, by: "verified_email" },
      });
    }
    const changed = !existing || existing.roles.join() !== roles.join();
    await appendAudit(tx, actor, {
      action: "user.signed_in",
      subjectType: "user",
      subjectId: user.id,
      data: { method: "sso", ...(changed ? { roles, previousRoles: existing?.roles ?? [] } : {}) },
    });
    return actor;
  });
}
