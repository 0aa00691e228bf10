"use server";

import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit";
import { createAuditCheckpoint } from "@/lib/audit-log/checkpoints";
import { getDb } from "@/lib/db";
import { objectAction } from "@/lib/web/action";

export const verifyAuditChainAction = objectAction(z.strictObject({}), (actor) => verifyAuditChain({ db: getDb(), actor }));

export const createAuditCheckpointAction = objectAction(z.strictObject({}), (actor) => createAuditCheckpoint({ db: getDb(), actor }));
