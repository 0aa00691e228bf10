import { AppError } from "./errors";

// One role → permission table, used by every domain function, the navigation and the API.

export const roles = ["admin", "security", "approver", "owner", "auditor", "requester"] as const;
export type RoleName = (typeof roles)[number];

export const permissions = [
  "request:create",
  "request:read_all",
  "request:approve",
  "request:break_glass",
  "break_glass:review",
  "grant:read_all",
  "grant:revoke",
  "grant:force_resolve",
  "identity:read",
  "identity:write",
  "identity:quarantine",
  "exception:propose",
  "exception:read",
  "exception:review",
  "attestation:attest",
  "attestation:manage",
  "metrics:read",
  "audit:read",
  "admin:issuers",
  "admin:entitlements",
  "admin:policies",
  "admin:users",
  "admin:tokens",
] as const;
export type Permission = (typeof permissions)[number];

const readOnlyOversight: Permission[] = [
  "request:read_all",
  "grant:read_all",
  "identity:read",
  "exception:read",
  "metrics:read",
  "audit:read",
];

export const rolePermissions: Record<RoleName, readonly Permission[]> = {
  admin: permissions,
  security: [
    ...readOnlyOversight,
    "request:approve",
    "break_glass:review",
    "grant:revoke",
    "identity:quarantine",
    "exception:review",
    "attestation:manage",
  ],
  approver: ["request:read_all", "request:approve", "grant:read_all", "identity:read", "metrics:read"],
  owner: ["request:create", "request:break_glass", "identity:read", "exception:propose", "exception:read", "attestation:attest"],
  auditor: [...readOnlyOversight],
  requester: ["request:create", "identity:read"],
};

/**
 * What an identity's API token (or workload JWT) may carry: machine scopes only, so a leaked CI
 * token is never an admin. Reading, revoking and reporting use of its own grants follow from
 * owning them (the grant's identity or requester), not from a scope.
 */
export const machinePermissions: readonly Permission[] = ["request:create"];

/** A person. Through an API token, `scopes` narrows what their roles allow (the intersection). */
export type UserActor = { type: "user"; id: string; email: string; name: string; roles: RoleName[]; scopes?: Permission[] };
/** An identity calling the API; `attestation` says how it proved what it is. */
export type IdentityActor = { type: "identity"; id: string; name: string; scopes: Permission[]; attestation?: "api_token" | "oidc" };
export type SystemActor = { type: "system"; name: "worker" | "seed" | "bootstrap" | "test" | "sign-in" };
export type Actor = UserActor | IdentityActor | SystemActor;

export const systemActor = (name: SystemActor["name"] = "worker"): SystemActor => ({ type: "system", name });

export function permissionsOf(actor: Actor): ReadonlySet<Permission> {
  switch (actor.type) {
    case "system":
      return new Set(permissions);
    case "identity":
      return new Set(actor.scopes.filter((p) => machinePermissions.includes(p)));
    case "user": {
      const held = new Set(actor.roles.flatMap((r) => rolePermissions[r] ?? []));
      return actor.scopes ? new Set(actor.scopes.filter((p) => held.has(p))) : held;
    }
  }
}

export function can(actor: Actor, permission: Permission): boolean {
  return permissionsOf(actor).has(permission);
}

export function canAny(actor: Actor, wanted: readonly Permission[]): boolean {
  const held = permissionsOf(actor);
  return wanted.some((p) => held.has(p));
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new AppError("forbidden", `You do not have permission to do this (needs ${permission})`);
  }
}

export function actorLabel(actor: Actor): string {
  switch (actor.type) {
    case "user":
      return actor.email;
    case "identity":
      return `identity:${actor.name}`;
    case "system":
      return `system:${actor.name}`;
  }
}

export function actorId(actor: Actor): string | null {
  return actor.type === "system" ? null : actor.id;
}

// The dashboard's areas and what opens each. The navigation and every page use this table.
export const areas = [
  { key: "overview", label: "Overview", href: "/", needs: [] as Permission[] },
  { key: "requests", label: "Requests", href: "/requests", needs: ["request:create", "request:read_all"] as Permission[] },
  { key: "approvals", label: "Approvals", href: "/approvals", needs: ["request:approve"] as Permission[] },
  { key: "grants", label: "Grants", href: "/grants", needs: ["grant:read_all", "request:create"] as Permission[] },
  { key: "identities", label: "Identities", href: "/identities", needs: ["identity:read"] as Permission[] },
  { key: "exceptions", label: "Exceptions", href: "/exceptions", needs: ["exception:read"] as Permission[] },
  { key: "attestations", label: "Attestations", href: "/attestations", needs: ["attestation:attest", "attestation:manage"] as Permission[] },
  { key: "metrics", label: "Metrics", href: "/metrics", needs: ["metrics:read"] as Permission[] },
  { key: "audit", label: "Audit", href: "/audit", needs: ["audit:read"] as Permission[] },
  {
    key: "admin",
    label: "Admin",
    href: "/admin",
    needs: ["admin:issuers", "admin:entitlements", "admin:policies", "admin:users", "admin:tokens"] as Permission[],
  },
] as const;
export type AreaKey = (typeof areas)[number]["key"];

export function canOpenArea(actor: Actor, key: AreaKey): boolean {
  const area = areas.find((a) => a.key === key);
  if (!area) return false;
  return area.needs.length === 0 || canAny(actor, area.needs);
}

export function visibleAreas(actor: Actor) {
  return areas.filter((a) => canOpenArea(actor, a.key));
}
