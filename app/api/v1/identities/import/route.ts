import { importIdentities, importRefused } from "@/lib/identities/import-identities";
import { errorResponse } from "@/lib/web/api";
import { importCaller, readImportRequest } from "@/lib/web/import-request";

// POST /api/v1/identities/import[?dryRun=true][&upsert=true], body text/csv or application/json.
// An API token (Authorization: Bearer) or a signed-in user (the session cookie, for the import
// page). A cross-site form cannot send these content types, and the session cookie is SameSite=Lax.
// 201 with the report; 200 for a clean dry run; 400 with {error: {code, message, details: {errors}}}
// when any row has a problem (dry run or not: nothing is written); 413 too large; 415 other types.

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

export async function POST(req: Request): Promise<Response> {
  try {
    const actor = await importCaller(req);
    const { format, content, dryRun, upsert } = await readImportRequest(req);
    const report = await importIdentities({ actor, format, content, dryRun, upsert });
    if (!report.ok) throw importRefused(report);
    return Response.json(report, { status: report.dryRun ? 200 : 201, headers: noStore });
  } catch (e) {
    return errorResponse(e, noStore);
  }
}
