import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { appendAuditMany } from "../audit";
import { systemActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { startWorker, type Lane, type WorkerHandle } from "./worker";
import { parseWake, wakeWorkers } from "./wake";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  database = await useFreshDatabase();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(() => database.drop());

/** A lane that records when it runs, has nothing to do, and next looks in `sleepMs`. */
function probeLane(sleepMs: number, runMs = 0) {
  const runs: number[] = [];
  const lane: Lane = {
    name: "probe",
    run: async () => {
      runs.push(Date.now());
      if (runMs) await new Promise((r) => setTimeout(r, runMs));
      return 0;
    },
    next: async () => new Date(Date.now() + sleepMs),
  };
  return { lane, runs };
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};

/** Waits until the worker's notification connection is listening (its first wake arrives). */
async function started(runs: number[]) {
  await until(() => runs.length >= 1, 2000);
  for (let i = 0; i < 50; i++) {
    const before = runs.length;
    await getDb().$transaction((tx) => wakeWorkers(tx, "test.ready"));
    if (await until(() => runs.length > before, 100)) return;
  }
  throw new Error("the worker never heard a notification");
}

describe("parseWake", () => {
  it("reads the reason and the instant the work is due", () => {
    expect(parseWake("grant.active@1700000000000")).toEqual({ reason: "grant.active", at: 1700000000000 });
    expect(parseWake("grant.revoking")).toEqual({ reason: "grant.revoking", at: 0 });
    expect(parseWake("odd@later")).toEqual({ reason: "odd@later", at: 0 });
    expect(parseWake(undefined)).toEqual({ reason: "", at: 0 });
  });
});

describe("worker wakes", () => {
  it("wakes a sleeping lane at once for work due now", async () => {
    const { lane, runs } = probeLane(20_000);
    worker = startWorker({ lanes: [lane], log: () => undefined });
    await started(runs);
    const before = runs.length;
    await getDb().$transaction((tx) => wakeWorkers(tx, "grant.revoking"));
    expect(await until(() => runs.length > before, 2000)).toBe(true);
  });

  it("leaves a lane asleep when the new work is due after its next look, and wakes it when due before", async () => {
    const { lane, runs } = probeLane(20_000);
    worker = startWorker({ lanes: [lane], log: () => undefined });
    await started(runs);
    const before = runs.length;
    await getDb().$transaction((tx) => wakeWorkers(tx, "grant.active", { dueAt: new Date(Date.now() + 60_000) }));
    expect(await until(() => runs.length > before, 500)).toBe(false);
    await getDb().$transaction((tx) => wakeWorkers(tx, "grant.active", { dueAt: new Date(Date.now() + 1_000) }));
    expect(await until(() => runs.length > before, 2000)).toBe(true);
  });

  it("remembers a wake that arrives while the lane is busy, instead of sleeping past it", async () => {
    const { lane, runs } = probeLane(20_000, 400);
    worker = startWorker({ lanes: [lane], log: () => undefined });
    await started(runs);
    await until(() => false, 450); // let the readiness run finish
    const before = runs.length;
    // The lane is asleep; wake it, and while it runs (400 ms) announce more work due now.
    await getDb().$transaction((tx) => wakeWorkers(tx, "first"));
    expect(await until(() => runs.length === before + 1, 2000)).toBe(true);
    await getDb().$transaction((tx) => wakeWorkers(tx, "during"));
    expect(await until(() => runs.length >= before + 2, 2000)).toBe(true);
  });

  it("delivers a wake that rides along with an audit append, on commit only", async () => {
    const { lane, runs } = probeLane(20_000);
    worker = startWorker({ lanes: [lane], log: () => undefined });
    await started(runs);
    const before = runs.length;
    await getDb()
      .$transaction(async (tx) => {
        await appendAuditMany(tx, systemActor("test"), [{ action: "test.rolled_back", subjectType: "test" }], { wake: { reason: "grant.revoking" } });
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await until(() => runs.length > before, 500)).toBe(false);
    await getDb().$transaction((tx) => appendAuditMany(tx, systemActor("test"), [{ action: "test.committed", subjectType: "test" }], { wake: { reason: "grant.revoking" } }));
    expect(await until(() => runs.length > before, 2000)).toBe(true);
  });
});
