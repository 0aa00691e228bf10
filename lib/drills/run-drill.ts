import { z } from "zod";
import { issuerRef } from "./issuer-ref";
import type { Db } from "../db";
import { getDb } from "../db";
import { appendAudit } from "../audit";
import { assertCan, actorId, type Actor } from "../authz";
import { AppError, notFound } from "../errors";
import { parseInput, isUuid } from "../validation";
import { Prisma } from "../generated/prisma/client";
import { performDrill, type AfterStep, type DrillOutcome } from "./perform-drill";
import { DRILL_LEASE_MS } from "./schedule";

const input = z.strictObject({ issuer: issuerRef });

/**
 * Runs a revocation drill on one issuer now (admin), and waits for its outcome. Refused while a
 * drill of that issuer runs anywhere in the cluster (its claim on the issuer row).
 */
export async function runDrill(actor: Actor, raw: z.input<typeof input>, opts: { db?: Db; afterStep?: AfterStep } = {}): Promise<DrillOutcome> {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  const db = opts.db ?? getDb();
  const { issuer, runId } = await db.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Issuer" SET "drillLeaseUntil" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${DRILL_LEASE_MS / 1000}::float8)
      WHERE ${isUuid(v.issuer) ? Prisma.sql`id = ${v.issuer}::uuid` : Prisma.sql`name = ${v.issuer}`} AND enabled
        AND ("drillLeaseUntil" IS NULL OR "drillLeaseUntil" <= (now() AT TIME ZONE 'UTC'))
      RETURNING id::text`;
    if (!claimed[0]) {
      const exists = await tx.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
      if (!exists) throw notFound(`Issuer ${JSON.stringify(v.issuer)}`);
      if (!exists.enabled) throw new AppError("invalid_state", `Issuer ${exists.name} is disabled`);
      throw new AppError("conflict", `A drill of issuer ${exists.name} is already running`);
    }
    const issuer = await tx.issuer.findUniqueOrThrow({ where: { id: claimed[0].id } });
    const run = await tx.drillRun.create({ data: { issuerId: issuer.id, trigger: "manual", requestedById: actorId(actor) } });
    await appendAudit(tx, actor, { action: "drill.requested", subjectType: "issuer", subjectId: issuer.id, data: { drill: run.id, issuer: issuer.name } });
    return { issuer, runId: run.id };
  });
  return performDrill(db, { runId, issuer, actor, afterStep: opts.afterStep });
}
