import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { childEnv } from "../env";
import { isAppError } from "../errors";
import { useFreshDatabase } from "../testing/database";
import { releaseReservation, replayOrReserve, storeResponse } from "./idempotency";

// An Idempotency-Key whose caller died mid-request: the holder is a real process, killed with -9.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let child: ChildProcess | undefined;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});
afterAll(async () => {
  await database.drop();
});

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (isAppError(e)) return String((e.details as { reason?: string } | undefined)?.reason ?? e.code);
    throw e;
  }
}

/** Starts a process that reserves the key and renews its lease until it is killed. */
function startHolder(tokenId: string, key: string, bodyHash: string, leaseMs: number): Promise<ChildProcess> {
  const fixture = path.join(import.meta.dirname, "idempotency-holder.fixture.ts");
  const p = spawn(process.execPath, ["--import", "tsx", fixture, tokenId, key, bodyHash, String(leaseMs)], {
    env: childEnv({ DATABASE_URL: database.url }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = p;
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    p.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("reserved ")) resolve(p);
    });
    p.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    p.once("exit", (code) => reject(new Error(`holder exited (${code}) before reserving: ${err}`)));
  });
}

const dbNow = async () => (await getDb().$queryRaw<{ now: Date }[]>`SELECT now() AS now`)[0].now;
async function leaseEnd(key: string, leaseMs: number): Promise<Date> {
  const row = await getDb().idempotencyRecord.findFirstOrThrow({ where: { key } });
  return row.leaseExpiresAt ?? new Date(row.createdAt.getTime() + leaseMs);
}

describe("Idempotency-Key lease", () => {
  it("a live holder keeps its key past the lease; after kill -9 the key is taken over once the lease has passed, not before", async () => {
    const leaseMs = 2000;
    const holder = await startHolder("tok-1", "crash-1", "h1", leaseMs);

    // The holder renews: well past one lease, the key is still in progress.
    await new Promise((r) => setTimeout(r, leaseMs * 1.5));
    expect(await reason(replayOrReserve({ tokenId: "tok-1", key: "crash-1", bodyHash: "h1", leaseMs }))).toBe("idempotency_in_progress");

    holder.kill("SIGKILL");
    await new Promise((r) => holder.once("exit", r));
    const end = await leaseEnd("crash-1", leaseMs);

    // Right after the crash, the lease still runs: not taken over.
    expect((await dbNow()).getTime()).toBeLessThan(end.getTime());
    expect(await reason(replayOrReserve({ tokenId: "tok-1", key: "crash-1", bodyHash: "h1", leaseMs }))).toBe("idempotency_in_progress");
    // Another body is still refused as a reused key, abandoned or not.
    expect(await reason(replayOrReserve({ tokenId: "tok-1", key: "crash-1", bodyHash: "other", leaseMs }))).toBe("idempotency_key_reused");

    // Once the lease has passed on the database clock, the next caller holds the key.
    let taken: Awaited<ReturnType<typeof replayOrReserve>> | undefined;
    const deadline = Date.now() + leaseMs * 5;
    while (!taken && Date.now() < deadline) {
      try {
        taken = await replayOrReserve({ tokenId: "tok-1", key: "crash-1", bodyHash: "h1", leaseMs });
      } catch (e) {
        if (!isAppError(e)) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(taken?.reserved).toBeDefined();
    expect((await dbNow()).getTime()).toBeGreaterThanOrEqual(end.getTime());

    // The taker completes the request; a repeat replays its answer.
    await storeResponse(taken!.reserved!, 201, { id: "req-1" });
    expect(await replayOrReserve({ tokenId: "tok-1", key: "crash-1", bodyHash: "h1", leaseMs })).toEqual({ replay: { status: 201, body: { id: "req-1" } } });
  }, 30_000);

  it("an abandoned holder that wakes up after a takeover cannot overwrite or release the new holder's key", async () => {
    const leaseMs = 300;
    const first = await replayOrReserve({ tokenId: "tok-2", key: "late", bodyHash: "h", leaseMs });
    await new Promise((r) => setTimeout(r, leaseMs + 200));
    const second = await replayOrReserve({ tokenId: "tok-2", key: "late", bodyHash: "h", leaseMs: 60_000 });
    expect(second.reserved?.id).toBe(first.reserved!.id);

    await storeResponse(first.reserved!, 201, { from: "first" });
    await releaseReservation(first.reserved!);
    expect(await reason(replayOrReserve({ tokenId: "tok-2", key: "late", bodyHash: "h", leaseMs: 60_000 }))).toBe("idempotency_in_progress");

    await storeResponse(second.reserved!, 201, { from: "second" });
    expect((await replayOrReserve({ tokenId: "tok-2", key: "late", bodyHash: "h", leaseMs })).replay).toEqual({ status: 201, body: { from: "second" } });
  });
});
