import { readFileSync } from "node:fs";
import type { components, paths } from "./api-types";
import { CliError, EXIT } from "./errors";

// The HTTP client for the machine API. Paths, bodies and answers are typed from the OpenAPI
// document (api-types.ts, generated from it by `npm run cli:build`), so a change to the API's
// shapes fails the type check here rather than in a pipeline.

export type AccessRequest = components["schemas"]["AccessRequest"];
export type Grant = components["schemas"]["Grant"];
export type Credential = NonNullable<Grant["credential"]>;

type Method = "get" | "post" | "patch";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The paths that have an operation for this method. */
export type PathOf<M extends Method> = { [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P }[keyof paths];

type JsonContent<R> = R extends { content: { "application/json": infer T } } ? T : unknown;
/** The body of the success answer (200, else 201). */
type Answer<O> = O extends { responses: infer R } ? (200 extends keyof R ? JsonContent<R[200]> : 201 extends keyof R ? JsonContent<R[201]> : unknown) : unknown;
/** The JSON body the operation takes; an operation without one is sent `{}` or nothing. */
type RequestBody<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : Record<string, never> | undefined;
type PathParams<O> = O extends { parameters: { path: infer T } } ? T : undefined;

export type CallOptions<O> = {
  body?: RequestBody<O>;
  idempotencyKey?: string;
  /** Tries in all: GETs and keyed POSTs are retried on network faults, 5xx, 429 and a key in progress. */
  attempts?: number;
} & (PathParams<O> extends undefined ? { params?: undefined } : { params: PathParams<O> });

export type Answered<T> = { status: number; body: T; replayed: boolean };

export type Api = <M extends Method, P extends PathOf<M>>(method: M, path: P, options?: CallOptions<Operation<P, M>>) => Promise<Answered<Answer<Operation<P, M>>>>;

type ErrorBody = { error?: { code?: unknown; message?: unknown; details?: CliError["details"] } } | null;

/** The package's version, for --version and the User-Agent. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return String(pkg.version ?? "unknown");
  } catch {
    return "unknown";
  }
}

/** `/api/v1/grants/{id}` with `{id: "…"}` → `/api/v1/grants/…`. */
export function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}

export function makeClient(opts: { url: string; token: string; fetchImpl: typeof fetch; sleep: (ms: number) => Promise<void>; userAgent: string }): Api {
  const { url, token, fetchImpl, sleep, userAgent } = opts;
  /**
   * One API call. GETs and keyed POSTs are retried on network faults, 5xx, 429 and an
   * idempotency key still in progress; any other error becomes a CliError(code, message, 5).
   */
  return async function api(method, template, options = {} as never) {
    const { body, idempotencyKey, attempts = 1, params } = options as { body?: unknown; idempotencyKey?: string; attempts?: number; params?: Record<string, string> };
    const verb = method.toUpperCase();
    const path = fillPath(template, params);
    let lastError: CliError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await fetchImpl(`${url}${path}`, {
          method: verb,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            "user-agent": userAgent,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        const err = e as { cause?: { code?: string; message?: string }; message?: string } | undefined;
        const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
        lastError = new CliError("unreachable", `cannot reach ${url} (${cause})`, EXIT.api);
        lastError.sent = true; // the server may have acted on it
        if (attempt < attempts) await sleep(Math.min(500 * 2 ** (attempt - 1), 5000));
        continue;
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (res.ok) return { status: res.status, body: json as never, replayed: res.headers.get("idempotent-replayed") === "true" };
      const error = (json as ErrorBody)?.error;
      const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
      const message = typeof error?.message === "string" ? error.message : `${verb} ${path} answered ${res.status} ${res.statusText}`.trim();
      lastError = new CliError(code, message, EXIT.api);
      lastError.status = res.status;
      lastError.details = error?.details;
      const retriable = res.status >= 500 || res.status === 429 || error?.details?.reason === "idempotency_in_progress";
      if (!retriable || attempt >= attempts) break;
      const retryAfter = Number(res.headers.get("retry-after"));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : Math.min(500 * 2 ** (attempt - 1), 5000));
    }
    throw lastError;
  };
}
