// `next start` replicas for the benchmarks: one build, N servers on loopback ports against one
// database, each started as `npm start` starts it (the same Node.js flags), and an open-loop client
// that spreads requests over them round-robin.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { nextCli, serverNodeFlags } from "../../lib/platform/server-process";
import { freePort } from "../../lib/testing/free-port";
import { root } from "./support";

export type AppServer = { port: number; process: ChildProcess; died: () => boolean };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(port: number, method: "GET" | "POST", pathname: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = opts.body === undefined ? "" : JSON.stringify(opts.body);
    const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(data) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (data) headers["content-type"] = "application/json";
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method, agent, headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

export async function buildApp(env: NodeJS.ProcessEnv): Promise<void> {
  const build = spawn(path.join(root, "node_modules", ".bin", "next"), ["build"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  const code = await new Promise((r) => build.once("exit", r));
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
}

/** Starts `n` servers from the build and waits until each answers /api/v1/health. */
export async function startAppServers(n: number, env: NodeJS.ProcessEnv): Promise<AppServer[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [...serverNodeFlags(), nextCli(root), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: root, env: { ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "inherit"] });
      return { port, process: child, died: () => child.exitCode !== null || child.signalCode !== null };
    }),
  );
  const deadline = Date.now() + 120_000;
  for (const s of servers) {
    while ((await request(s.port, "GET", "/api/v1/health").then((r) => r.status, () => 0)) !== 200) {
      if (s.died() || Date.now() > deadline) throw new Error(`next start on port ${s.port} did not answer /api/v1/health`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return servers;
}

export async function stopAppServers(servers: AppServer[]): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      if (s.died()) return;
      s.process.kill("SIGTERM");
      await new Promise((r) => s.process.once("exit", r));
    }),
  );
}

/**
 * Open loop: `call(i)` is started at `rate` per second for `seconds`, whatever earlier calls are
 * doing; each latency counts from the instant its call was due. `ok` tells an answer that counts.
 */
export async function openLoop(rate: number, seconds: number, call: (i: number) => Promise<{ status: number; body: string }>, ok: (r: { status: number; body: string }) => boolean) {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      call(i).then(
        (r) => {
          latencies.push(performance.now() - due);
          if (!ok(r)) {
            const code = `${r.status} ${(/"code":"([^"]+)"/.exec(r.body) ?? [])[1] ?? ""}`.trim();
            errors.set(code, (errors.get(code) ?? 0) + 1);
          }
        },
        (e: NodeJS.ErrnoException) => {
          const code = `no answer: ${e.code ?? e.message}`;
          errors.set(code, (errors.get(code) ?? 0) + 1);
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors, total, seconds: (performance.now() - start) / 1000 };
}
