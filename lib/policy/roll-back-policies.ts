import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { AppError, invalidState } from "../errors";
import { parseInput } from "../validation";
import { DEFAULT_POLICY_VERSION, getActivePolicies } from "./active-policies";
import { defaultPolicies } from "./default-policies";
import { savePolicies } from "./save-policies";

const input = z.strictObject({ version: z.number().int().min(DEFAULT_POLICY_VERSION, "No such version").max(2_147_483_647, "No such version") });

/**
 * Puts an earlier version's text back in force by saving it as a new version: history only
 * grows, and the roll back is validated, authorized and audited exactly as any save.
 */
export async function rollBackPolicies(actor: Actor, raw: z.input<typeof input>) {
  assertCan(actor, "admin:policies");
  const { version } = parseInput(input, raw);
  const db = getDb();
  const text =
    version === DEFAULT_POLICY_VERSION
      ? defaultPolicies
      : (await db.policyVersion.findUnique({ where: { version }, select: { text: true } }))?.text;
  if (text === undefined) throw new AppError("not_found", `There is no policy version ${version}`);
  const active = await getActivePolicies(db);
  if (active.version === version) throw invalidState(`Version ${version} is already in force`);
  if (active.set.text === text) throw invalidState(`Version ${active.version}, in force, already has the text of version ${version}`);
  return savePolicies({ actor, text, comment: `Roll back to version ${version}` }, { rollBackTo: version });
}
