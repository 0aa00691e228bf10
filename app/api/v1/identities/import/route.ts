import type { Session } from "next-auth";
import { auth } from "@/lib/web/auth";
import { findUserActor } from "@/lib/users/get-user-actor";
import { authenticateBearer } from "@/lib/api-tokens/authenticate-bearer";
import { importIdentities, importRefused } from "@/lib/identities/import-identities";
import { MAX_IMPORT_BYTES } from "@/lib/identities/import-rows";
import { AppError, isAppError } from "@/lib/errors";
import { readLimited } from "@/lib/http/read-limited";

// POST /api/v1/identities/import[?dryRun=true][&upsert=true], body text/csv or application/json.
// An API token (Authorization: Bearer) or a signed-in user (the session cookie, for the import
// page). A cross-site form cannot send these content types, and the session cookie is SameSite=Lax.
// 201 with the report; 200 for a clean dry run; 400 with {error: {code, message, details: {errors}}}
// when any row has a problem (dry run or not: nothing is written); 413 too large; 415 other types.

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  try {
    const actor = await caller(req);
    const url = new URL(req.url);
    const dryRun = flag(url, "dryRun");
    const upsert = flag(url, "upsert");
    const format = formatOf(req.headers.get("content-type"));
    const content = await readText(req, MAX_IMPORT_BYTES);
    const report = await importIdentities({ actor, format, content, dryRun, upsert });
    if (!report.ok) throw importRefused(report);
    return Response.json(report, { status: dryRun ? 200 : 201, headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    if (isAppError(e) && e.expected) return Response.json({ error: e.toJSON() }, { status: e.status, headers: { "Cache-Control": "no-store" } });
    console.error("[api] identities/import", e);
    return Response.json({ error: { code: "internal", message: "Something went wrong on our side; it has been logged" } }, { status: 500 });
  }
}

async function caller(req: Request) {
  const bearer = req.headers.get("authorization");
  if (bearer) return (await authenticateBearer(bearer)).actor;
  // No session can be read (outside a request, a bad cookie): not signed in.
  let session: Session | null = null;
  try {
    session = await auth();
  } catch {}
  const actor = session?.user?.id ? await findUserActor(session.user.id) : null;
  if (!actor) throw new AppError("unauthenticated", "Sign in first, or send Authorization: Bearer <token>");
  return actor;
}

function flag(url: URL, key: string): boolean {
  const v = url.searchParams.get(key);
  if (v === null || v === "" || v === "false" || v === "0") return false;
  if (v === "true" || v === "1") return true;
  throw new AppError("validation_failed", `${key} must be true or false`, { fields: { [key]: "must be true or false" } });
}

function formatOf(contentType: string | null): "csv" | "json" {
  const [type, ...params] = (contentType ?? "").toLowerCase().split(";").map((s) => s.trim());
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8") throw new AppError("unsupported_media_type", "Send the file as UTF-8");
  if (type === "text/csv") return "csv";
  if (type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return "json";
  throw new AppError("unsupported_media_type", "Send the file as text/csv or application/json");
}

/** The body as UTF-8 text, refused as soon as it grows past the limit (never read whole into memory first). */
async function readText(req: Request, limit: number): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `An import takes at most ${limit / 1024 / 1024} MB; split the file`, { maxBytes: limit });
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const { bytes, truncated } = await readLimited(req.body, limit);
  if (truncated) throw tooLarge();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "The body is not valid UTF-8 text");
  }
}
