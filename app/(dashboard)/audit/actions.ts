"use server";

import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit";
import { getDb } from "@/lib/db";
import { objectAction } from "@/lib/web/action";

export const verifyAuditChainAction = objectAction(z.strictObject({}), (actor) => verifyAuditChain({ db: getDb(), actor }));
