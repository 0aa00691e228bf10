"use server";

import { revalidatePath } from "next/cache";
import { savePolicies } from "@/lib/policy/save-policies";
import { simulatePolicies, type Simulation } from "@/lib/policy/simulate";
import { runAction, type ActionResult } from "@/lib/web/action";

export type SimulateInput = Parameters<typeof simulatePolicies>[0] extends infer T ? Omit<T, "actor"> : never;

export async function simulatePoliciesAction(input: SimulateInput): Promise<ActionResult<Simulation>> {
  return runAction((actor) => simulatePolicies({ actor, ...input }));
}

export async function savePoliciesAction(input: { text: string; comment: string }): Promise<ActionResult<{ version: number; added: string[]; removed: string[] }>> {
  const result = await runAction((actor) => savePolicies({ actor, ...input }));
  if (result.ok) revalidatePath("/admin/policies");
  return result;
}
