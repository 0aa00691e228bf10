import { createHash } from "node:crypto";
import { holdsNul } from "../validation";
import { AppError, isAppError } from "../errors";
import { readLimited } from "../http/read-limited";
import { authenticateBearer, type BearerActor } from "../api-tokens/authenticate-bearer";
import { takeToken } from "./rate-limit";
import { holdReservation, replayOrReserve, storeResponse, releaseReservation } from "../api-tokens/idempotency";

// The machine API's one wrapper: bearer auth, per-token rate limit, bounded JSON bodies,
// Idempotency-Key, and every error as {"error": {"code", "message"}} with a 4xx — a 500 only
// for our own faults, never for bad input.

export const MAX_BODY_BYTES = 64 * 1024;

type Ctx = { params: Promise<Record<string, string>> };
type Handler = (args: { req: Request; auth: BearerActor; body: unknown; params: Record<string, string>; url: URL }) => Promise<Response | unknown>;

export function jsonError(e: AppError, headers: Record<string, string> = {}): Response {
  return Response.json({ error: e.toJSON() }, { status: e.status, headers });
}

/**
 * An error as the API answers it: what the caller can act on (any 4xx, an issuer that is down) with
 * its code and message; anything else is our fault, logged, and a bare 500.
 */
export function errorResponse(e: unknown, headers: Record<string, string> = {}): Response {
  if (isAppError(e) && e.expected) return jsonError(e, headers);
  console.error("[api]", e);
  return Response.json({ error: { code: "internal", message: "Something went wrong on our side; it has been logged" } }, { status: 500, headers });
}

async function readJson(req: Request): Promise<unknown> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The body may be at most ${MAX_BODY_BYTES} bytes`);
  const { bytes, truncated } = await readLimited(req.body, MAX_BODY_BYTES);
  if (truncated) throw new AppError("payload_too_large", `The body may be at most ${MAX_BODY_BYTES} bytes`);
  const text = bytes.toString("utf8");
  if (text.trim() === "") return {};
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new AppError("unsupported_media_type", "Send the body as application/json");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON", { reason: "malformed_json" });
  }
  if (holdsNul(body)) throw nulRefused("The body");
  return body;
}

/** PostgreSQL text cannot hold NUL, and no name or reason needs one: refused at the door, for every route. */
function nulRefused(where: string): AppError {
  return new AppError("validation_failed", `${where} may not contain NUL characters`);
}

function refuseNulInQuery(url: URL): void {
  for (const [k, v] of url.searchParams) if (k.includes("\u0000") || v.includes("\u0000")) throw nulRefused(`The query parameter ${JSON.stringify(k.replaceAll("\u0000", ""))}`);
}

export function apiRoute(handler: Handler, opts: { idempotent?: boolean } = {}) {
  return async (req: Request, ctx?: Ctx): Promise<Response> => {
    let reservation: Awaited<ReturnType<typeof replayOrReserve>> | undefined;
    let stopHolding: (() => void) | undefined;
    try {
      const auth = await authenticateBearer(req.headers.get("authorization"));
      const wait = await takeToken(auth.tokenId);
      if (wait > 0) {
        return jsonError(new AppError("rate_limited", "Too many requests for this token; retry later"), { "Retry-After": String(Math.ceil(wait / 1000)) });
      }
      const url = new URL(req.url);
      refuseNulInQuery(url);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readJson(req);
      const params = (await ctx?.params) ?? {};
      const key = req.headers.get("idempotency-key");
      if (opts.idempotent && key) {
        const bodyHash = createHash("sha256").update(`${req.method} ${url.pathname}\n${JSON.stringify(body ?? null)}`).digest("hex");
        reservation = await replayOrReserve({ tokenId: auth.tokenId, key, bodyHash });
        if (reservation.replay) return Response.json(reservation.replay.body, { status: reservation.replay.status, headers: { "Idempotent-Replayed": "true" } });
        // Renewed while the handler runs; if this process dies, the key is taken over once the lease ends.
        if (reservation.reserved) stopHolding = holdReservation(reservation.reserved);
      }
      const result = await handler({ req, auth, body, params, url });
      const response = result instanceof Response ? result : Response.json(result);
      if (reservation?.reserved) {
        await storeResponse(reservation.reserved, response.status, await response.clone().json().catch(() => null));
        reservation = undefined;
      }
      return response;
    } catch (e) {
      if (reservation?.reserved) await releaseReservation(reservation.reserved).catch(() => undefined);
      return errorResponse(e);
    } finally {
      stopHolding?.();
    }
  };
}

/** Reads a path parameter that must be a UUID; anything else is a 404 (it names nothing). */
export function idParam(params: Record<string, string>, name = "id"): string {
  const v = params[name] ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw new AppError("not_found", `No object with id ${JSON.stringify(v.slice(0, 60))}`);
  return v;
}

/** The body as an object: arrays, strings and numbers are refused with a clear message. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new AppError("validation_failed", "The body must be a JSON object");
  return body as Record<string, unknown>;
}
