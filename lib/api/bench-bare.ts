import { randomUUID } from "node:crypto";
import { generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { getDb } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";

// bench:api's floor for the machine API: the least an issued credential costs on this server —
// one insert, one ES256 signature, one audit append — with none of the product's checks (no
// token, no policy, no rate limit). Served by app/api/bench/bare only when the server was
// started with HOURGLASS_BENCH_BARE_ROUTE=1, which only bench:api does.

let fixture: Promise<{ key: CryptoKey; identityId: string; entitlementId: string }> | undefined;

async function load() {
  const db = getDb();
  const [identity, entitlement, { privateKey }] = await Promise.all([
    db.identity.findFirst({ orderBy: { name: "asc" }, select: { id: true } }),
    db.entitlement.findFirst({ orderBy: { name: "asc" }, select: { id: true } }),
    generateKeyPair("ES256"),
  ]);
  if (!identity || !entitlement) throw new Error("the bare route needs one identity and one entitlement");
  return { key: privateKey, identityId: identity.id, entitlementId: entitlement.id };
}

export async function bareIssue(): Promise<{ id: string; credential: { type: "jwt"; token: string } }> {
  const f = await (fixture ??= load().catch((e) => ((fixture = undefined), Promise.reject(e))));
  const id = randomUUID();
  const now = new Date();
  await getDb().$transaction(async (tx) => {
    await tx.accessRequest.create({
      data: { id, identityId: f.identityId, entitlementId: f.entitlementId, durationSec: 600, justification: "bare route", status: "approved", approvalsRequired: 0, environment: "dev", riskTier: "low", identityKind: "service_account", createdAt: now, decidedAt: now, expiresAt: new Date(now.getTime() + 3600_000) },
    });
    await appendAudit(tx, systemActor("test"), { action: "bench.bare", subjectType: "access_request", subjectId: id });
  });
  const nowSec = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ scope: "bench" }).setProtectedHeader({ alg: "ES256", typ: "JWT" }).setSubject(id).setJti(id).setIssuedAt(nowSec).setExpirationTime(nowSec + 600).sign(f.key);
  return { id, credential: { type: "jwt", token } };
}
