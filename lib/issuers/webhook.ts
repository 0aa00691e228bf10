import { z } from "zod";
import { signWebhookRequest } from "../crypto/hmac";
import { readLimited } from "../http/read-limited";
import { outboundUrlProblem } from "../http/outbound-url";
import { IssuerError, type GrantRef, type IssuerFactory, type IssueResult } from "./types";

// The signed webhook issuer: grant, revoke and verify are HMAC-signed JSON POSTs to an endpoint the
// customer runs. Contract for the endpoint (also for its documentation):
// - Body `{event: "grant"|"revoke"|"verify"|"health", grantId, identity, entitlement, expiresAt,
//   reference?, publicKey?}`; headers `X-Hourglass-Timestamp` (Unix seconds),
//   `X-Hourglass-Nonce`, `X-Hourglass-Content-SHA256`, `Idempotency-Key: <grantId>:<event>`
//   (the same on every retry of one call) and `X-Hourglass-Signature: v1=<hex HMAC-SHA256>` over
//   timestamp, nonce, method, path, idempotency key and body digest (lib/crypto/hmac.ts).
//   The endpoint rejects a stale timestamp and a nonce it has already accepted (a replay).
// - The URL is https://, or http:// to loopback only (checked when configured, and each time a
//   driver is built from the stored row, so a row written otherwise is refused at call time).
// - grant → 2xx `{reference?, credential?, expiresAt?}`; revoke → 2xx, or 404/410 when already
//   gone; verify → 2xx `{revoked: boolean}`; health → 2xx.
// - 5xx, 408, 425, 429, timeouts and network errors are retried; other 4xx are final. Redirects
//   are not followed (a signed POST must not be replayed elsewhere).

export const webhookIssuerConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "url must be an https:// URL" }).superRefine((url, ctx) => {
    const problem = outboundUrlProblem(url, "url");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  timeoutMs: z.number().int().min(50).max(60_000).default(5000),
});
export type WebhookIssuerConfig = z.infer<typeof webhookIssuerConfigSchema>;

export const webhookIssuerSecretSchema = z.object({
  hmacSecret: z.string().min(16, "hmacSecret must be at least 16 characters"),
});

const grantResponseSchema = z.object({
  reference: z.string().min(1).max(500).nullish(),
  credential: z.unknown().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});
const verifyResponseSchema = z.object({ revoked: z.boolean() });

const MAX_RESPONSE_BYTES = 1024 * 1024;
const EXCERPT_CHARS = 200;

type WebhookEvent = "grant" | "revoke" | "verify" | "health";

function describeIssues(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${what}${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`).join("; ");
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function networkMessage(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const code = cause && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

export const createWebhookIssuer: IssuerFactory = ({ config, secret }) => {
  const cfgParsed = webhookIssuerConfigSchema.safeParse(config ?? {});
  if (!cfgParsed.success) throw new IssuerError(`Invalid webhook issuer configuration: ${describeIssues(cfgParsed.error, "config")}`, "permanent");
  const secretParsed = webhookIssuerSecretSchema.safeParse(secret ?? {});
  if (!secretParsed.success) throw new IssuerError(`Invalid webhook issuer secret: ${describeIssues(secretParsed.error, "secret")}`, "permanent");
  const { url, timeoutMs } = cfgParsed.data;
  const { hmacSecret } = secretParsed.data;
  const host = new URL(url).host;

  /** POSTs one signed event. Returns the status and body; throws IssuerError for transport failures. */
  async function post(event: WebhookEvent, payload: Record<string, unknown>, grantId?: string): Promise<{ status: number; text: string; truncated: boolean }> {
    const body = JSON.stringify({ event, ...payload });
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "User-Agent": "Hourglass-Webhook/1",
      ...signWebhookRequest(hmacSecret, { method: "POST", url, body, idempotencyKey: grantId ? `${grantId}:${event}` : undefined }),
    };
    try {
      const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      const { bytes, truncated } = await readLimited(res.body, MAX_RESPONSE_BYTES);
      return { status: res.status, text: bytes.toString("utf8"), truncated };
    } catch (e) {
      if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
        throw new IssuerError(`Webhook ${event} to ${host} timed out after ${timeoutMs} ms`, "transient", { cause: e });
      }
      throw new IssuerError(`Webhook ${event} to ${host} failed: ${networkMessage(e)}`, "transient", { cause: e });
    }
  }

  function statusError(event: WebhookEvent, status: number, text: string): IssuerError {
    const transient = status >= 500 || status === 408 || status === 425 || status === 429;
    const what = status >= 300 && status < 400 ? "redirected (redirects are not followed)" : `answered ${status}`;
    const detail = excerpt(text);
    return new IssuerError(`Webhook ${event} to ${host} ${what}${detail ? `: ${detail}` : ""}`, transient ? "transient" : "permanent");
  }

  /** The 2xx body as JSON (undefined when empty). */
  function parseBody(event: WebhookEvent, res: { status: number; text: string; truncated: boolean }): unknown {
    if (res.truncated) throw new IssuerError(`Webhook ${event} to ${host} answered ${res.status} with a body over ${MAX_RESPONSE_BYTES} bytes`, "permanent");
    if (res.text.trim() === "") return undefined;
    try {
      return JSON.parse(res.text);
    } catch {
      throw new IssuerError(`Webhook ${event} to ${host} answered ${res.status} with a body that is not JSON: ${excerpt(res.text)}`, "permanent");
    }
  }

  const ok = (status: number) => status >= 200 && status < 300;

  function refPayload(ref: GrantRef): Record<string, unknown> {
    // GrantRef carries no identity or entitlement: grant() keeps them in meta for revoke and verify.
    return {
      grantId: ref.grantId,
      identity: ref.meta?.identity ?? null,
      entitlement: ref.meta?.entitlement ?? null,
      expiresAt: ref.expiresAt.toISOString(),
      reference: ref.reference,
    };
  }

  return {
    type: "webhook",

    // The endpoint's own reference is recorded when the issue is; until then the revoke names the
    // grant, whose id every call carries.
    referenceFor: (grantId) => grantId,

    async grant(input): Promise<IssueResult> {
      const identity = { id: input.identity.id, name: input.identity.name, kind: input.identity.kind, environment: input.identity.environment };
      const entitlement = { id: input.entitlement.id, name: input.entitlement.name, target: input.entitlement.target ?? null };
      const res = await post(
        "grant",
        {
          grantId: input.grantId,
          identity,
          entitlement,
          expiresAt: input.expiresAt.toISOString(),
          ...(input.publicKey ? { publicKey: input.publicKey } : {}),
        },
        input.grantId,
      );
      if (!ok(res.status)) throw statusError("grant", res.status, res.text);
      const parsed = grantResponseSchema.safeParse(parseBody("grant", res) ?? {});
      if (!parsed.success) {
        throw new IssuerError(`Webhook grant to ${host} answered ${res.status} with an unexpected body: ${describeIssues(parsed.error, "response")}`, "permanent");
      }
      const { reference, credential, expiresAt } = parsed.data;
      return {
        reference: reference ?? input.grantId,
        ...(credential === undefined ? {} : { credential: { type: "webhook" as const, data: credential } }),
        expiresAt: expiresAt ? new Date(expiresAt) : input.expiresAt,
        meta: { identity, entitlement },
      };
    },

    async revoke(ref) {
      const res = await post("revoke", refPayload(ref), ref.grantId);
      if (ok(res.status) || res.status === 404 || res.status === 410) return;
      throw statusError("revoke", res.status, res.text);
    },

    async verifyRevoked(ref) {
      const res = await post("verify", refPayload(ref), ref.grantId);
      if (!ok(res.status)) throw statusError("verify", res.status, res.text);
      const parsed = verifyResponseSchema.safeParse(parseBody("verify", res));
      if (!parsed.success) {
        throw new IssuerError(`Webhook verify to ${host} answered ${res.status} without a boolean "revoked"`, "permanent");
      }
      return parsed.data.revoked;
    },

    async health() {
      try {
        const res = await post("health", {});
        if (ok(res.status)) return { ok: true };
        return { ok: false, detail: statusError("health", res.status, res.text).message };
      } catch (e) {
        return { ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
  };
};
