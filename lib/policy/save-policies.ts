import { createHash } from "node:crypto";
import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { parseInput } from "../validation";
import { compilePolicies } from "./engine";
import { DEFAULT_POLICY_VERSION, getActivePolicies } from "./active-policies";
import { wakeWorkers } from "../worker/wake";

const input = z.object({
  text: z.string().min(1, "The policy set is empty").max(200_000, "At most 200,000 characters"),
  comment: z.string().trim().min(3, "Say what changed and why").max(2000),
});

/**
 * Saves a new version of the policy set after it validated against the schema. Grants active
 * under the old version are re-checked by the worker (continuous authorization). A roll back
 * (rollBackTo, set by rollBackPolicies only) takes this same path and is audited as one.
 */
export async function savePolicies({ actor, ...raw }: { actor: Actor } & z.input<typeof input>, opts: { rollBackTo?: number } = {}) {
  assertCan(actor, "admin:policies");
  const { text, comment } = parseInput(input, raw);
  const compiled = compilePolicies(text);
  return getDb().$transaction(async (tx) => {
    // One writer at a time, so versions are dense and ordered.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x706f6c69}::bigint)`;
    const before = await getActivePolicies(tx);
    const version = before.version + 1;
    await tx.policyVersion.create({ data: { version, text, comment, createdById: actor.type === "user" ? actor.id : null } });
    const added = compiled.ids.filter((id) => !before.set.ids.includes(id));
    const removed = before.set.ids.filter((id) => !compiled.ids.includes(id));
    const sha256 = createHash("sha256").update(text).digest("hex");
    await appendAudit(tx, actor, {
      action: opts.rollBackTo === undefined ? "policy.changed" : "policy.rolled_back",
      subjectType: "policy",
      subjectId: String(version),
      data: { from: before.version, to: version, ...(opts.rollBackTo === undefined ? {} : { restored: opts.rollBackTo }), comment, added, removed, sha256 },
    });
    await wakeWorkers(tx, "policy.changed");
    return { version, added, removed, fromDefault: before.version === DEFAULT_POLICY_VERSION && !(await tx.policyVersion.count({ where: { version: { lt: version } } })) };
  });
}

/** The policy set in force and its history (newest first). */
export async function findPolicyVersions({ actor }: { actor: Actor }) {
  assertCan(actor, "admin:policies");
  const db = getDb();
  const [active, versions] = await Promise.all([
    getActivePolicies(db),
    db.policyVersion.findMany({ orderBy: { version: "desc" }, take: 50, select: { version: true, comment: true, createdAt: true, createdById: true } }),
  ]);
  return { version: active.version, text: active.set.text, ids: active.set.ids, versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })) };
}
