"use server";

import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit";
import { createAuditCheckpoint } from "@/lib/audit-log/checkpoints";
import { objectAction } from "@/lib/web/action";

/** From the last verified checkpoint; `full` recomputes every event from the genesis. */
export const verifyAuditChainAction = objectAction(z.strictObject({ full: z.boolean().optional() }), (actor, { full }) => verifyAuditChain({ actor, full }));

export const createAuditCheckpointAction = objectAction(z.strictObject({}), (actor) => createAuditCheckpoint({ actor }));
