import { z } from "zod";
import { apiRoute } from "@/lib/web/api";
import { findAuditEvents } from "@/lib/audit-log/find-audit-events";
import { parseInput } from "@/lib/validation";
import { parseSeqCursor } from "@/lib/listing";

export const dynamic = "force-dynamic";

const query = z
  .object({
    cursor: z
      .string()
      .transform((v, ctx) => parseSeqCursor(v) ?? (ctx.addIssue({ code: "custom", message: "cursor must be a value returned in X-Next-Cursor" }), z.NEVER))
      .optional(),
    action: z.string().max(80).optional(),
    actor: z.string().max(200).optional(),
    identity: z.uuid().optional(),
    subjectType: z.string().max(40).optional(),
    subjectId: z.string().max(80).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** NDJSON export, newest first, 1,000 events a page, filtered like the Audit page; the next page's cursor is in X-Next-Cursor. */
export const GET = apiRoute(async ({ auth, url }) => {
  const q = parseInput(query, Object.fromEntries(url.searchParams));
  const page = await findAuditEvents({
    actor: auth.actor,
    before: q.cursor,
    take: 1000,
    filters: { action: q.action, actor: q.actor, identityId: q.identity, subjectType: q.subjectType, subjectId: q.subjectId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
  });
  const body = page.rows.map((r) => JSON.stringify(r)).join("\n") + (page.rows.length ? "\n" : "");
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", ...(page.nextBefore ? { "X-Next-Cursor": page.nextBefore } : {}) } });
});
