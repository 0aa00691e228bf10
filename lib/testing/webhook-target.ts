import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../crypto/hmac";

// A real HTTP endpoint that plays a customer's webhook issuer in tests: it checks signatures,
// records every call, and can be told to fail, hang or be down.

export type Call = { event: string; grantId: string; idempotencyKey: string; body: Record<string, unknown> };

export type WebhookTarget = {
  url: string;
  calls: Call[];
  /** Live privileges, by grant id. */
  live: Set<string>;
  /** Status to answer per event instead of success, while set. */
  failWith: Partial<Record<string, number>>;
  /** Answer the next N calls of an event with 500, then behave. */
  failTimes: Partial<Record<string, number>>;
  close: () => Promise<void>;
};

export async function startWebhookTarget(secret: string): Promise<WebhookTarget> {
  const target: Omit<WebhookTarget, "url" | "close"> = { calls: [], live: new Set(), failWith: {}, failTimes: {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const ok = verifySignature(secret, String(req.headers["x-hourglass-signature"] ?? ""), String(req.headers["x-hourglass-timestamp"] ?? ""), raw);
      if (!ok) {
        res.writeHead(401).end(JSON.stringify({ error: "bad signature" }));
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      const event = String(body.event);
      const grantId = String(body.grantId ?? "");
      target.calls.push({ event, grantId, idempotencyKey: String(req.headers["idempotency-key"] ?? ""), body });
      const forced = target.failWith[event];
      if (forced) return void res.writeHead(forced, { "content-type": "application/json" }).end("{}");
      if ((target.failTimes[event] ?? 0) > 0) {
        target.failTimes[event]!--;
        return void res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "temporarily broken" }));
      }
      const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      switch (event) {
        case "grant":
          target.live.add(grantId);
          return json(200, { reference: `wh-${grantId}`, credential: { apiKey: `key-${grantId}` } });
        case "revoke":
          if (!target.live.delete(grantId)) return json(404, { gone: true });
          return json(200, { revoked: true });
        case "verify":
          return json(200, { revoked: !target.live.has(grantId) });
        default:
          return json(200, { ok: true });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    ...target,
    url: `http://127.0.0.1:${port}/hourglass`,
    close: () => new Promise((r) => server.close(() => r())),
  } as WebhookTarget;
}
