import { apiRoute } from "@/lib/web/api";
import { findAuditEvents } from "@/lib/audit-log/find-audit-events";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** NDJSON export, newest first, 1,000 events a page; the next page's cursor is in X-Next-Cursor. */
export const GET = apiRoute(async ({ auth, url }) => {
  const cursor = url.searchParams.get("cursor");
  if (cursor !== null && !/^\d{1,19}$/.test(cursor)) throw new AppError("validation_failed", "cursor must be a value returned in X-Next-Cursor");
  const page = await findAuditEvents({ actor: auth.actor, before: cursor ? BigInt(cursor) : undefined, take: 1000 });
  const body = page.rows.map((r) => JSON.stringify(r)).join("\n") + (page.rows.length ? "\n" : "");
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", ...(page.nextBefore ? { "X-Next-Cursor": page.nextBefore } : {}) } });
});
