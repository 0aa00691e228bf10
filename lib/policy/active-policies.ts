import type { Tx } from "../db";
import { compilePolicies, type CompiledPolicySet } from "./engine";
import { defaultPolicies } from "./default-policies";

/** Version 1 is the shipped default set; saved sets are versions 2, 3, … */
export const DEFAULT_POLICY_VERSION = 1;

export type ActivePolicies = { version: number; set: CompiledPolicySet };

// Saved versions never change, so a compiled set is kept by version (number and creation instant,
// which also tells apart databases a process may see in turn); each request reads only which
// version is in force, not its text.
const byVersion = new Map<string, CompiledPolicySet>();

/** The policy set in force: the highest saved version, else the defaults. */
export async function getActivePolicies(tx: Pick<Tx, "policyVersion" | "$queryRaw">): Promise<ActivePolicies> {
  // Read on every request: a plain query, not a model query (a third of the client's cost).
  const [head] = await tx.$queryRaw<{ version: number; createdAt: Date }[]>`SELECT version, "createdAt" FROM "PolicyVersion" ORDER BY version DESC LIMIT 1`;
  if (!head) return { version: DEFAULT_POLICY_VERSION, set: compilePolicies(defaultPolicies) };
  const key = `${head.version}@${head.createdAt.getTime()}`;
  let set = byVersion.get(key);
  if (!set) {
    const row = await tx.policyVersion.findUniqueOrThrow({ where: { version: head.version }, select: { text: true } });
    set = compilePolicies(row.text);
    byVersion.set(key, set);
  }
  return { version: head.version, set };
}
