import { z } from "zod";
import { issuerRef } from "./issuer-ref";
import { getDb } from "../db";
import { appendAudit } from "../audit";
import { assertCan, type Actor } from "../authz";
import { notFound } from "../errors";
import { parseInput, isUuid } from "../validation";

const input = z.strictObject({
  issuer: issuerRef,
  /** Minutes between scheduled drills; 0 turns the schedule off (drills on demand only). */
  intervalMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60).refine((m) => m === 0 || m >= 5, "intervalMinutes: 0 (off) or at least 5"),
});

/** Sets how often an issuer is drilled (admin); the next drill is due one interval from now. */
export async function setDrillSchedule(actor: Actor, raw: z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const issuer = await tx.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
    if (!issuer) throw notFound(`Issuer ${JSON.stringify(v.issuer)}`);
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT (now() AT TIME ZONE 'UTC') AS now`;
    const intervalSec = v.intervalMinutes * 60;
    const nextAt = intervalSec > 0 ? new Date(now.getTime() + intervalSec * 1000) : null;
    await tx.issuer.update({ where: { id: issuer.id }, data: { drillIntervalSec: intervalSec, drillNextAt: nextAt } });
    await appendAudit(tx, actor, { action: "issuer.drill_schedule_set", subjectType: "issuer", subjectId: issuer.id, data: { intervalSec } });
    return { intervalSec, nextAt: nextAt?.toISOString() ?? null };
  });
}
