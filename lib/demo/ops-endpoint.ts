import http from "node:http";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createWebhookVerifier } from "../crypto/hmac";

// A receiver of the signed webhook issuer's calls (the contract is in lib/issuers/webhook.ts): the
// demo's "ops system" (warehouse ERP roles, support desk seats), which the launcher runs beside an
// embedded demo, and the endpoint the integration tests grant and revoke through. It checks each
// call's signature (over timestamp, nonce, method, path, idempotency key and body), refuses a
// timestamp more than five minutes off and a signed request it has already accepted (a replay),
// and keeps which grants are live, so `verify` tells the truth.
const MAX_BODY_BYTES = 64 * 1024;

export type OpsCall = { event: string; grantId: string; idempotencyKey: string; body: Record<string, unknown> };

export type OpsEndpointOptions = {
  secret: string;
  /** Live grants; kept by the caller (in memory, or a file through `onChange`). */
  live: Set<string>;
  onChange?: () => void;
  /** Where the API key handed out for each grant is noted, when the caller wants to check it. */
  credentials?: Map<string, string>;
  /** Sees every verified call; returning a status answers with it instead (tests: failures). */
  intercept?: (call: OpsCall) => number | undefined;
};

export function opsEndpointHandler(opts: OpsEndpointOptions): http.RequestListener {
  const verifier = createWebhookVerifier(opts.secret);
  return (req, res) => {
    const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.method !== "POST") return void json(405, { error: "POST only" });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return json(413, { error: "body too large" });
      const raw = Buffer.concat(chunks).toString("utf8");
      const verdict = verifier.verify({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: raw });
      if (!verdict.ok) return json(401, { error: verdict.reason === "replayed" ? "replayed signature" : "bad or stale signature" });
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return json(400, { error: "body is not JSON" });
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return json(400, { error: "body must be a JSON object" });
      const body = parsed as Record<string, unknown>;
      const call: OpsCall = { event: String(body.event), grantId: String(body.grantId ?? ""), idempotencyKey: String(req.headers["idempotency-key"] ?? ""), body };
      const forced = opts.intercept?.(call);
      if (forced) return json(forced, forced >= 500 ? { error: "temporarily broken" } : {});
      switch (call.event) {
        case "grant":
          if (!call.grantId) return json(400, { error: "grantId is required" });
        {
          opts.live.add(call.grantId);
          opts.onChange?.();
          const apiKey = `ops_${randomBytes(18).toString("base64url")}`;
          opts.credentials?.set(call.grantId, apiKey);
          return json(200, { reference: `ops-${call.grantId}`, credential: { apiKey } });
        }
        case "revoke":
          if (!opts.live.delete(call.grantId)) return json(404, { gone: true });
          opts.onChange?.();
          return json(200, { revoked: true });
        case "verify":
          return json(200, { revoked: !opts.live.has(call.grantId) });
        case "health":
          return json(200, { ok: true, live: opts.live.size });
        default:
          return json(400, { error: `unknown event ${JSON.stringify(call.event).slice(0, 40)}` });
      }
    });
  };
}

export type RunningOpsEndpoint = { url: string; close: () => Promise<void> };

/** Serves the endpoint on loopback; with `stateFile`, live grants survive a restart. */
export async function startOpsEndpoint(opts: Omit<OpsEndpointOptions, "live" | "onChange"> & { port?: number; live?: Set<string>; stateFile?: string }): Promise<RunningOpsEndpoint> {
  const live = opts.live ?? new Set<string>(opts.stateFile && existsSync(opts.stateFile) ? (JSON.parse(readFileSync(opts.stateFile, "utf8")) as { live: string[] }).live : []);
  const save = opts.stateFile
    ? () => {
        // Written whole and renamed, so a crash never leaves half a file.
        writeFileSync(`${opts.stateFile}.tmp`, JSON.stringify({ live: [...live] }));
        renameSync(`${opts.stateFile}.tmp`, opts.stateFile!);
      }
    : undefined;
  const server = http.createServer(opsEndpointHandler({ ...opts, live, onChange: save }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hourglass`, close: () => new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections();
  }) };
}
