"use server";

import { verifyAuditChain, type AuditVerification } from "@/lib/audit";
import { getDb } from "@/lib/db";
import { runAction, type ActionResult } from "@/lib/web/action";

export async function verifyAuditChainAction(): Promise<ActionResult<AuditVerification>> {
  return runAction((actor) => verifyAuditChain({ db: getDb(), actor }));
}
