import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement } from "../testing/factories";
import { spawnWorker, waitFor, type WorkerProcess } from "../testing/fault-harness";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { getHealth } from "../health/get-health";

// Leadership of the once-per-cluster lanes, with real worker processes on one database: only the
// leader runs them (seen through the issuer-health lane, which stamps every issuer when it runs),
// a leader killed with -9 or cut off from the database hands over to the standby, and the
// hand-over time is measured.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let issuerId: string;
const workers: WorkerProcess[] = [];
const proxies: TcpProxy[] = [];

function worker(databaseUrl = database.url) {
  const w = spawnWorker({ databaseUrl, leaseMs: 1500 });
  workers.push(w);
  return w;
}

const idOf = (w: WorkerProcess) => /\[worker\] started (\S+)/.exec(w.output())![1];
const count = (w: WorkerProcess, text: string) => w.output().split(text).length - 1;
const leaders = async () => (await getDb().workerHeartbeat.findMany({ where: { leaderSince: { not: null } } })).map((b) => b.id);
const leads = (w: WorkerProcess) => async () => (await getDb().workerHeartbeat.findUnique({ where: { id: idOf(w) } }))?.leaderSince != null;
const stamped = async () => (await getDb().issuer.findUniqueOrThrow({ where: { id: issuerId } })).lastHealthAt !== null;
const unstamp = () => getDb().issuer.update({ where: { id: issuerId }, data: { lastHealthAt: null } });

/** Two workers: the first leads (and has stamped the issuer), the second stands by. */
async function leaderAndStandby(leaderUrl?: string) {
  const leader = worker(leaderUrl);
  await leader.ready;
  await waitFor("the first worker to lead", leads(leader), 20_000, 50);
  await waitFor("the leader's issuer-health lane", stamped, 20_000, 50);
  const standby = worker();
  await standby.ready;
  await waitFor("the second worker to stand by", async () => count(standby, "standing by") > 0, 20_000, 50);
  return { leader, standby };
}

beforeAll(async () => {
  database = await useFreshDatabase();
  issuerId = (await createIssuerAndEntitlement()).issuer.id;
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") console.log(workers.map((w) => w.output().slice(-2000)).join("\n---\n"));
  await Promise.all(workers.splice(0).map((w) => w.kill9()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await getDb().workerHeartbeat.deleteMany();
  await unstamp();
});
afterAll(() => database.drop());

describe("cluster leadership", { timeout: 120_000 }, () => {
  it("only the leader runs the cluster lanes; killed with -9, the standby takes over and runs them", async () => {
    const { leader, standby } = await leaderAndStandby();
    expect(await leaders()).toEqual([idOf(leader)]);
    expect((await getHealth()).worker.leader?.id).toBe(idOf(leader));

    // The leader's next full check is a minute away: a standby running the lane would stamp at once.
    await unstamp();
    await new Promise((r) => setTimeout(r, 4000));
    expect(await stamped()).toBe(false);
    expect(count(standby, "[worker] leading the cluster lanes")).toBe(0);

    const killedAt = Date.now();
    await leader.kill9();
    await waitFor("the standby to take over", leads(standby), 30_000, 25);
    const handOverMs = Date.now() - killedAt;
    await waitFor("the new leader's issuer-health lane", stamped, 30_000, 25);
    const lanesMs = Date.now() - killedAt;
    console.log(`[leadership] kill -9 of the leader: hand-over in ${handOverMs} ms, its cluster lanes running ${lanesMs} ms after the kill`);
    expect(handOverMs).toBeLessThan(30_000);
    expect(count(standby, "[worker] leading the cluster lanes")).toBe(1);
    // The dead leader's heartbeat is still there until it goes stale; the health endpoint names the live one.
    expect((await getHealth()).worker.leader?.id).toBe(idOf(standby));
  });

  it("a leader that stops (SIGTERM) releases the lock, the standby takes over, and no claim is left behind", async () => {
    const { leader, standby } = await leaderAndStandby();
    const stoppedAt = Date.now();
    await leader.stop();
    await waitFor("the standby to take over", leads(standby), 30_000, 25);
    console.log(`[leadership] leader stopped: hand-over in ${Date.now() - stoppedAt} ms`);
    expect(count(leader, "handing over the cluster lanes")).toBe(1);
    expect(await leaders()).toEqual([idOf(standby)]);
  });

  it("a leader cut off from the database steps down, the standby takes over, and the healed one stands by", async () => {
    const proxy = await startTcpProxy(Number(new URL(database.url).port));
    proxies.push(proxy);
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const { leader, standby } = await leaderAndStandby(url.toString());

    const cutAt = Date.now();
    proxy.cut();
    await waitFor("the cut leader to step down", async () => count(leader, "stepped down from leading") > 0, 30_000, 25);
    const stepDownMs = Date.now() - cutAt;
    await waitFor("the standby to take over", leads(standby), 30_000, 25);
    const handOverMs = Date.now() - cutAt;
    console.log(`[leadership] leader's database cut: stepped down in ${stepDownMs} ms, hand-over in ${handOverMs} ms`);
    expect(handOverMs).toBeLessThan(30_000);

    proxy.heal();
    const before = count(leader, "standing by");
    await waitFor("the healed worker to stand by", async () => count(leader, "standing by") > before, 30_000, 50);
    await waitFor("the healed worker's heartbeat", async () => !(await leads(leader)()), 30_000, 50);
    expect(count(leader, "[worker] leading the cluster lanes")).toBe(1);
    expect(await leaders()).toEqual([idOf(standby)]);
  });
});
