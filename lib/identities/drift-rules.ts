import { z } from "zod";

// Shared by the drift functions: which entitlement a discovered privilege corresponds to, and the
// shape of the values that name a finding.

/** Hourglass's own login roles are grants, managed by the grant lifecycle, never drift. */
export const HOURGLASS_ROLE_PREFIX = "hg_";

/** The privilege an entitlement's target grants, in the words discovery uses (a PostgreSQL group role). */
export function privilegeOfTarget(target: unknown): string | null {
  if (!target || typeof target !== "object") return null;
  const t = target as { role?: unknown; group?: unknown };
  const v = t.role ?? t.group;
  return typeof v === "string" ? v : null;
}

export const driftPrincipal = z
  .string({ error: "principal is required" })
  .trim()
  .min(1, "principal is required")
  .max(200, "principal is at most 200 characters")
  .refine((p) => !p.startsWith(HOURGLASS_ROLE_PREFIX), `${HOURGLASS_ROLE_PREFIX}... roles are Hourglass grants, not drift: revoke them from their grant`);

export const driftPrivilege = z.string({ error: "privilege is required" }).trim().min(1, "privilege is required").max(200, "privilege is at most 200 characters");

export const issuerIdInput = z.string().uuid("Unknown issuer");

/** An identity named by its id or its unique name. */
export const identityRef = z.string({ error: "identity is required" }).trim().min(1, "Choose an identity").max(200);
