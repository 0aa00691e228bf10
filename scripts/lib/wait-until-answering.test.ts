import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { localUrl, waitUntilAnswering } from "./wait-until-answering";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(handler: Parameters<typeof createServer>[1], port = 0): Promise<number> {
  const s = createServer(handler);
  servers.push(s);
  return new Promise((resolve) => s.listen(port, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const port = await listen(() => undefined);
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

describe("waitUntilAnswering (npm start's ready line)", () => {
  it("waits while nothing listens and while the server answers 503, and resolves at its first 200", async () => {
    const port = await freePort();
    const t0 = Date.now();
    let answeredAt = 0;
    let calls = 0;
    setTimeout(() => {
      void listen((req, res) => {
        calls++;
        // Up, but its database is not yet: what /api/v1/health answers then.
        if (Date.now() - t0 < 600) return void res.writeHead(503).end();
        answeredAt ||= Date.now();
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      }, port);
    }, 300);
    const ready = await waitUntilAnswering(`http://127.0.0.1:${port}/api/v1/health`, { gone: () => false, intervalMs: 20 });
    expect(ready).toBe(true);
    expect(answeredAt).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    expect(calls).toBeGreaterThan(1);
  });

  it("gives up with false when the server process ends before it answers", async () => {
    const port = await freePort();
    let gone = false;
    setTimeout(() => (gone = true), 200);
    const t0 = Date.now();
    expect(await waitUntilAnswering(`http://127.0.0.1:${port}/`, { gone: () => gone, intervalMs: 20 })).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("tries again when a try hangs", async () => {
    let tries = 0;
    const port = await listen((_req, res) => {
      if (++tries === 1) return; // never answers
      res.writeHead(200).end();
    });
    expect(await waitUntilAnswering(`http://127.0.0.1:${port}/`, { gone: () => false, intervalMs: 20, tryTimeoutMs: 200 })).toBe(true);
    expect(tries).toBe(2);
  });
});

describe("localUrl", () => {
  it("reaches a wildcard address on loopback and brackets IPv6", () => {
    expect(localUrl("127.0.0.1", 3000, "/api/v1/health")).toBe("http://127.0.0.1:3000/api/v1/health");
    expect(localUrl("0.0.0.0", 3000, "/x")).toBe("http://127.0.0.1:3000/x");
    expect(localUrl("::", "3000", "/x")).toBe("http://[::1]:3000/x");
    expect(localUrl("10.0.0.5", 80, "/")).toBe("http://10.0.0.5:80/");
  });
});
