import type { Session } from "next-auth";
import { auth } from "./auth";
import { findUserActor } from "../users/get-user-actor";
import { authenticateBearer } from "../api-tokens/authenticate-bearer";
import { MAX_IMPORT_BYTES } from "../identities/import-rows";
import { AppError } from "../errors";
import type { Actor } from "../authz";
import { readLimited } from "../http/read-limited";

// What an identity import request carries, read off HTTP: who sends it (an API token, or the
// signed-in user of the import page), the file as UTF-8 text within the size limit, its format
// from the content type, and the dryRun / upsert flags.

export type ImportRequest = { format: "csv" | "json"; content: string; dryRun: boolean; upsert: boolean };

/** The caller: `Authorization: Bearer` when sent, else the session cookie. */
export async function importCaller(req: Request): Promise<Actor> {
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

export async function readImportRequest(req: Request): Promise<ImportRequest> {
  const url = new URL(req.url);
  const dryRun = flag(url, "dryRun");
  const upsert = flag(url, "upsert");
  const format = formatOf(req.headers.get("content-type"));
  return { format, content: await readText(req, MAX_IMPORT_BYTES), dryRun, upsert };
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
