import type { Tx } from "../db";
import { compilePolicies, type CompiledPolicySet } from "./engine";
import { defaultPolicies } from "./default-policies";

/** Version 1 is the shipped default set; saved sets are versions 2, 3, … */
export const DEFAULT_POLICY_VERSION = 1;

export type ActivePolicies = { version: number; set: CompiledPolicySet };

/** The policy set in force: the highest saved version, else the defaults. Compiled sets are cached by text. */
export async function getActivePolicies(tx: Pick<Tx, "policyVersion">): Promise<ActivePolicies> {
  const row = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true, text: true } });
  if (!row) return { version: DEFAULT_POLICY_VERSION, set: compilePolicies(defaultPolicies) };
  return { version: row.version, set: compilePolicies(row.text) };
}
