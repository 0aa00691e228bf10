import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import type { RoleName, UserActor } from "../authz";
import { hashPassword } from "../users/authenticate-user";
import type { Environment, IdentityKind, RiskTier } from "../generated/prisma/client";

// Small builders for integration tests: each call makes new, uniquely named rows.

const suffix = () => randomBytes(4).toString("hex");

export async function createUser(roles: RoleName[], opts: { password?: string; email?: string; active?: boolean } = {}): Promise<UserActor> {
  const email = opts.email ?? `user-${suffix()}@test.local`;
  const user = await getDb().user.create({
    data: {
      email,
      name: `Test ${roles.join("+") || "nobody"} ${suffix()}`,
      roles,
      active: opts.active ?? true,
      passwordHash: opts.password ? await hashPassword(opts.password) : null,
    },
  });
  return { type: "user", id: user.id, email: user.email, name: user.name, roles };
}

export async function createIdentity(opts: { environment?: Environment; kind?: IdentityKind; ownerUserId?: string } = {}) {
  return getDb().identity.create({
    data: {
      name: `svc-test-${suffix()}`,
      kind: opts.kind ?? "service_account",
      environment: opts.environment ?? "dev",
      system: "test",
      ownerUserId: opts.ownerUserId,
    },
  });
}

export async function createIssuerAndEntitlement(opts: { environment?: Environment; riskTier?: RiskTier; requestTtlSec?: number } = {}) {
  const db = getDb();
  const issuer = await db.issuer.create({ data: { name: `issuer-${suffix()}`, type: "token", config: { audience: "https://api.test.local" } } });
  const entitlement = await db.entitlement.create({
    data: {
      name: `ent-${suffix()}`,
      issuerId: issuer.id,
      target: { scope: "orders:read" },
      environment: opts.environment ?? "dev",
      riskTier: opts.riskTier ?? "low",
      maxDurationSec: 3600,
      defaultDurationSec: 900,
      requestTtlSec: opts.requestTtlSec ?? 86400,
    },
  });
  return { issuer, entitlement };
}

export async function createPendingRequest(opts: { requesterUserId: string; expiresAt?: Date }) {
  const db = getDb();
  const identity = await createIdentity();
  const { entitlement } = await createIssuerAndEntitlement();
  return db.accessRequest.create({
    data: {
      identityId: identity.id,
      entitlementId: entitlement.id,
      requesterUserId: opts.requesterUserId,
      durationSec: 900,
      justification: "integration test",
      environment: entitlement.environment,
      riskTier: entitlement.riskTier,
      identityKind: identity.kind,
      expiresAt: opts.expiresAt ?? new Date(Date.now() + 86400_000),
    },
  });
}
