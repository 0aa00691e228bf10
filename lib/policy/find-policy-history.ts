import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { diffLines, diffStats, withContext, type DiffGap, type DiffLine } from "../text/line-diff";
import { DEFAULT_POLICY_VERSION, getActivePolicies } from "./active-policies";
import { defaultPolicies } from "./default-policies";

const SHOWN = 30;

export type PolicyHistoryEntry = {
  version: number;
  comment: string;
  createdAt: string | null;
  author: { name: string; email: string } | null;
  /** What this version changed against the one before it (none for the shipped defaults). */
  changes: { added: number; removed: number; lines: (DiffLine | DiffGap)[] } | null;
  inForce: boolean;
};

/**
 * Every policy version, newest first (the latest 30, then the shipped defaults), each with who
 * saved it and the lines it changed against the version before it.
 */
export async function findPolicyHistory({ actor }: { actor: Actor }): Promise<{ version: number; entries: PolicyHistoryEntry[]; older: number }> {
  assertCan(actor, "admin:policies");
  const db = getDb();
  const [active, rows, total] = await Promise.all([
    getActivePolicies(db),
    // One more than shown: the version the oldest shown one is compared with.
    db.policyVersion.findMany({ orderBy: { version: "desc" }, take: SHOWN + 1 }),
    db.policyVersion.count(),
  ]);
  const authorIds = [...new Set(rows.map((r) => r.createdById).filter((id): id is string => id !== null))];
  const authors = new Map((await db.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u]));
  const shown = rows.slice(0, SHOWN);
  const entries: PolicyHistoryEntry[] = shown.map((row, i) => {
    // The oldest saved version changed the shipped defaults.
    const diff = diffLines(rows[i + 1]?.text ?? defaultPolicies, row.text);
    const author = row.createdById ? authors.get(row.createdById) : undefined;
    return {
      version: row.version,
      comment: row.comment,
      createdAt: row.createdAt.toISOString(),
      author: author ? { name: author.name, email: author.email } : null,
      changes: { ...diffStats(diff), lines: withContext(diff) },
      inForce: row.version === active.version,
    };
  });
  const older = Math.max(0, total - SHOWN);
  if (older === 0) {
    entries.push({ version: DEFAULT_POLICY_VERSION, comment: "The shipped defaults", createdAt: null, author: null, changes: null, inForce: active.version === DEFAULT_POLICY_VERSION });
  }
  return { version: active.version, entries, older };
}
