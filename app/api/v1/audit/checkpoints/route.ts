import { apiRoute } from "@/lib/web/api";
import { createAuditCheckpoint, getAuditCheckpointStatus } from "@/lib/audit-log/checkpoints";

export const dynamic = "force-dynamic";

/** Whether checkpoints are on, and the newest one with its verification state. */
export const GET = apiRoute(({ auth }) => getAuditCheckpointStatus({ actor: auth.actor }));

/** Signs a checkpoint of the chain's head now. */
export const POST = apiRoute(async ({ auth }) => Response.json({ checkpoint: await createAuditCheckpoint({ actor: auth.actor }) }, { status: 201 }));
