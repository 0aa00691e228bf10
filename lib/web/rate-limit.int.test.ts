import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../env";
import { useFreshDatabase } from "../testing/database";
import { resetRateLimits, takeToken } from "./rate-limit";

// The per-token rate limit is one bucket in PostgreSQL shared by every replica: two processes
// taking from one token's bucket at once get, together, what one would, and never more.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
const children: ChildProcess[] = [];
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});
afterAll(() => database.drop());

type Taken = { allowed: number; denied: number };

/** Starts a process that takes `n` requests from `tokenId`'s bucket on go(); resolves once it is connected. */
async function taker(tokenId: string, n: number, rate: number, burst: number) {
  const fixture = path.join(import.meta.dirname, "rate-limit-taker.fixture.ts");
  const p = spawn(process.execPath, ["--import", "tsx", fixture, tokenId, String(n), "4", String(rate), String(burst)], {
    env: childEnv({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: "4" }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(p);
  let out = "";
  let err = "";
  p.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const result = new Promise<Taken>((resolve, reject) => {
    p.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as Taken);
      else reject(new Error(`taker exited (${code}): ${out}\n${err}`));
    });
  });
  result.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready")) resolve();
    });
    p.once("exit", () => reject(new Error(`taker exited before it was ready: ${err}`)));
  });
  return { go: () => p.stdin!.write("go\n"), result };
}

describe("per-token rate limit, shared in PostgreSQL", { timeout: 60_000 }, () => {
  it("allows a burst, then asks to wait, and refills over time", async () => {
    await resetRateLimits();
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) expect(await takeToken("a", t0, 5, 10)).toBe(0);
    expect(await takeToken("a", t0, 5, 10)).toBe(200);
    expect(await takeToken("b", t0, 5, 10)).toBe(0);
    expect(await takeToken("a", t0 + 200, 5, 10)).toBe(0);
    expect(await takeToken("a", t0 + 200, 5, 10)).toBeGreaterThan(0);
    // Refilled up to the burst, never beyond it.
    for (let i = 0; i < 10; i++) expect(await takeToken("a", t0 + 60_000, 5, 10)).toBe(0);
    expect(await takeToken("a", t0 + 60_000, 5, 10)).toBe(200);
  });

  it("two processes taking from one token's bucket at once get the burst together, not each", async () => {
    // A refill too slow to add a whole request during the test: the allowance is exactly the burst.
    const [a, b] = await Promise.all([taker("shared", 120, 0.001, 50), taker("shared", 120, 0.001, 50)]);
    a.go();
    b.go();
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.allowed + rb.allowed).toBe(50);
    // A bucket per process would have allowed 100.
    expect(ra.allowed + ra.denied + rb.allowed + rb.denied).toBe(240);
  });

  it("a single process still gets its token's full allowance", async () => {
    const a = await taker("alone", 120, 0.001, 50);
    a.go();
    expect(await a.result).toEqual({ allowed: 50, denied: 70 });
  });
});
