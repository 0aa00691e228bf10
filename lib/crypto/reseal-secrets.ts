import { getDb, type Db } from "../db";
import { can, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden } from "../errors";
import { currentSealKeyId, seal, sealedKeyId, unseal } from "./seal";

// After a new seal key is put first in the ring, everything sealed with an older key is sealed
// again with it, so the old key can leave the ring. Each value is replaced only if it did not
// change meanwhile (a credential taken, an issuer edited): nothing newer is overwritten.

export type ResealResult = { keyId: string; issuers: number; signingKeys: number; credentials: number };

export async function resealSecrets(actor: Actor, opts: { db?: Db } = {}): Promise<ResealResult> {
  if (!can(actor, "admin:issuers")) throw forbidden("Only an admin can re-seal secrets");
  const db = opts.db ?? getDb();
  const keyId = currentSealKeyId();
  const stale = (v: string | null): v is string => v !== null && sealedKeyId(v) !== keyId;
  return db.$transaction(
    async (tx) => {
      let issuers = 0;
      for (const row of await tx.issuer.findMany({ where: { secretSealed: { not: null } }, select: { id: true, secretSealed: true } })) {
        if (!stale(row.secretSealed)) continue;
        issuers += (await tx.issuer.updateMany({ where: { id: row.id, secretSealed: row.secretSealed }, data: { secretSealed: seal(unseal(row.secretSealed)) } })).count;
      }
      let signingKeys = 0;
      for (const row of await tx.signingKey.findMany({ select: { kid: true, privateJwkSealed: true } })) {
        if (!stale(row.privateJwkSealed)) continue;
        signingKeys += (await tx.signingKey.updateMany({ where: { kid: row.kid, privateJwkSealed: row.privateJwkSealed }, data: { privateJwkSealed: seal(unseal(row.privateJwkSealed)) } })).count;
      }
      let credentials = 0;
      for (const row of await tx.grant.findMany({ where: { credentialSealed: { not: null } }, select: { id: true, credentialSealed: true } })) {
        if (!stale(row.credentialSealed)) continue;
        credentials += (await tx.grant.updateMany({ where: { id: row.id, credentialSealed: row.credentialSealed }, data: { credentialSealed: seal(unseal(row.credentialSealed)) } })).count;
      }
      const result = { keyId, issuers, signingKeys, credentials };
      await appendAudit(tx, actor, { action: "secrets.resealed", subjectType: "seal_key", subjectId: keyId, data: result });
      return result;
    },
    { timeout: 120_000 },
  );
}
