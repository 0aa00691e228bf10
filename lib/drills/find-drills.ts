import { z } from "zod";
import { issuerRef } from "./issuer-ref";
import type { Db } from "../db";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { notFound } from "../errors";
import { parseInput, isUuid } from "../validation";
import type { DrillStep } from "./perform-drill";

export type DrillView = {
  id: string;
  issuer: { id: string; name: string; type: string };
  trigger: string;
  /** null while running. */
  ok: boolean | null;
  steps: DrillStep[];
  timeToRevokeMs: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

type Row = { id: string; trigger: string; ok: boolean | null; steps: unknown; timeToRevokeMs: number | null; error: string | null; startedAt: Date; finishedAt: Date | null; issuer: { id: string; name: string; type: string } };

function view(r: Row): DrillView {
  return {
    id: r.id,
    issuer: { id: r.issuer.id, name: r.issuer.name, type: r.issuer.type },
    trigger: r.trigger,
    ok: r.ok,
    steps: (Array.isArray(r.steps) ? r.steps : []) as DrillStep[],
    timeToRevokeMs: r.timeToRevokeMs,
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

const input = z.strictObject({ issuer: issuerRef, limit: z.coerce.number().int().min(1).max(200).default(50) });

/** An issuer's drills, newest first, with its schedule (admin). */
export async function findDrills(actor: Actor, raw: z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  const db = getDb();
  const issuer = await db.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
  if (!issuer) throw notFound(`Issuer ${JSON.stringify(v.issuer)}`);
  const rows = await db.drillRun.findMany({ where: { issuerId: issuer.id }, orderBy: { startedAt: "desc" }, take: v.limit, include: { issuer: { select: { id: true, name: true, type: true } } } });
  return {
    issuer: { id: issuer.id, name: issuer.name, type: issuer.type },
    schedule: { intervalSec: issuer.drillIntervalSec, nextAt: issuer.drillIntervalSec > 0 ? (issuer.drillNextAt ?? new Date(issuer.createdAt.getTime() + issuer.drillIntervalSec * 1000)).toISOString() : null },
    drills: rows.map(view),
  };
}

/**
 * The last finished drill of each enabled issuer (none for an issuer never drilled), for the
 * Overview, the health endpoint and the Prometheus series. Callers check their own permission.
 */
export async function lastDrills(db: Db = getDb()): Promise<DrillView[]> {
  const rows = await db.$queryRaw<(Omit<Row, "issuer"> & { issuerId: string; issuerName: string; issuerType: string })[]>`
    SELECT DISTINCT ON (d."issuerId") d.id::text, d.trigger, d.ok, d.steps, d."timeToRevokeMs", d.error, d."startedAt", d."finishedAt",
           i.id::text AS "issuerId", i.name AS "issuerName", i.type::text AS "issuerType"
    FROM "DrillRun" d JOIN "Issuer" i ON i.id = d."issuerId"
    WHERE d."finishedAt" IS NOT NULL AND i.enabled
    ORDER BY d."issuerId", d."finishedAt" DESC`;
  return rows.map((r) => view({ ...r, issuer: { id: r.issuerId, name: r.issuerName, type: r.issuerType } })).sort((a, b) => a.issuer.name.localeCompare(b.issuer.name));
}
