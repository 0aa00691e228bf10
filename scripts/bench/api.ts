// `npm run bench:api`: the machine API end to end. Workloads (32 identities, each with its own
// API token, as a fleet of CI jobs has) ask for an auto-approved token-issuer entitlement over
// HTTP on loopback against `next start`; the 201 carries the issued credential. Open-loop load at --rate requests/s for --seconds. Printed
// beside floors measured in the same run: a bare database round trip, a bare HTTP round trip
// to the same server (GET /api/v1/health), and policy evaluation alone with 200 policies.
//
// Then the capacity: a step search for the highest open-loop rate held with p99 ≤ 60 ms and no
// errors (--step-seconds each), for 1 and for 3 `next start` replicas of the same build on the one
// database (client round-robin), with each replica's resident memory (RSS) sampled during the steps.
//
// Options: --rate 200 --seconds 60 --port 3300 --replicas 1,3 --step-seconds 8 [--profile DIR] (CPU profile of next-server, written on exit)
// [--policy-change-at S] (an admin saves the policy set S seconds into the load; every active grant is re-decided)
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { setProcessEnv } from "../../lib/env";
import { systemActor } from "../../lib/authz";
import { compilePolicies, decide } from "../../lib/policy/engine";
import { defaultPolicies } from "../../lib/policy/default-policies";
import { policyRequest } from "../../lib/policy/evaluate-request";
import { arg, migrate, root, startServer, stats, table, timeIt } from "./support";
import { nextCli, serverNodeFlags } from "../../lib/platform/server-process";
import { openLoop, request, startAppServers, stopAppServers, type AppServer } from "./app-servers";
import { readFileSync } from "node:fs";

const RATE = arg("rate", 200);
const SECONDS = arg("seconds", 60);
const PORT = arg("port", 3300);
const WORKLOADS = 32;
/** Seconds into the load at which an admin saves the policy set: every active grant is then re-decided while requests keep coming. */
const POLICY_CHANGE_AT = arg("policy-change-at", -1);
const STEP_SECONDS = arg("step-seconds", 8);
const REPLICAS = (process.argv.includes("--replicas") ? process.argv[process.argv.indexOf("--replicas") + 1] : "1,3").split(",").map(Number).filter((n) => n > 0);
const PROFILE_DIR = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : null;
const log = (m: string) => console.log(`[bench] ${m}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(pathname: string, token: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      { host: "127.0.0.1", port: PORT, path: pathname, method: "POST", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

function get(pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: PORT, path: pathname, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject);
  });
}

function policyFloor() {
  // 200 policies: the defaults plus 193 entitlement-specific rules, as a large installation has.
  const extra = Array.from({ length: 193 }, (_, i) => `@id("rule-${i}") @reason("Rule ${i}")\nforbid (principal, action == Hourglass::Action::"request", resource) when { resource.name == "entitlement-${i}" && context.hourUtc == ${i % 24} && !context.hasChange };`).join("\n");
  const set = compilePolicies(`${defaultPolicies}\n${extra}`);
  const identity = { id: "11111111-1111-4111-8111-111111111111", name: "svc", kind: "service_account", environment: "prod", system: "x", criticality: "high", status: "active", ownerUserId: "u", ownerTeamId: null, lastAttestedAt: new Date() };
  const entitlement = { id: "22222222-2222-4222-8222-222222222222", name: "entitlement-7", environment: "prod", riskTier: "medium", maxDurationSec: 3600, approvalsRequired: 1, securityApprovalRequired: false, breakGlassAllowed: false };
  const req = policyRequest({ identity: identity as never, entitlement: entitlement as never, actor: { type: "identity", id: "i", name: "svc", scopes: [] }, durationSec: 600, breakGlass: false, refs: { ticketRef: "OPS-1" }, onBehalfOf: [] });
  for (let i = 0; i < 500; i++) decide(set, req, 1);
  const times: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = performance.now();
    decide(set, req, 1);
    times.push(performance.now() - t);
  }
  return { ...stats(times), policies: set.ids.length };
}

async function main() {
  const pol = policyFloor();
  log(`policy evaluation with ${pol.policies} policies: p50 ${pol.p50.toFixed(3)} ms, p99 ${pol.p99.toFixed(3)} ms`);

  // The database as the product runs it (durable commits), not tuned for the benchmark.
  const db = await startServer("api", ["hourglass"]);
  const url = db.url("hourglass");
  migrate(url);
  setProcessEnv({ DATABASE_URL: url, HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789" });
  const { getDb, disconnectDb } = await import("../../lib/db");
  const { createApiToken } = await import("../../lib/api-tokens/create-api-token");
  const prisma = getDb();
  const owner = await prisma.user.create({ data: { email: "owner@bench.local", name: "Owner", roles: ["owner"] } });
  const issuer = await prisma.issuer.create({ data: { name: "tokens", type: "token", config: { audience: "https://api.bench" } } });
  await prisma.entitlement.create({ data: { name: "orders-api-read", issuerId: issuer.id, target: { scope: "orders:read" }, environment: "dev", riskTier: "low", maxDurationSec: 3600, defaultDurationSec: 600, approvalsRequired: 0 } });
  // Each token has its own rate limit (100/s): the load comes from many workloads, not one.
  const tokens: { identity: string; token: string }[] = [];
  for (let i = 0; i < WORKLOADS; i++) {
    const name = `svc-bench-${i}`;
    await prisma.identity.create({ data: { name, kind: "service_account", environment: "dev", system: "bench", ownerUserId: owner.id } });
    tokens.push({ identity: name, token: (await createApiToken({ actor: systemActor("test"), identity: name, scopes: ["request:create"] })).token });
  }
  const rt: number[] = [];
  for (let i = 0; i < 300; i++) rt.push((await timeIt(() => prisma.$queryRaw`SELECT 1`))[0]);
  // The same request called in this process, one at a time, without HTTP or Next: the domain's share.
  const { authenticateBearer } = await import("../../lib/api-tokens/authenticate-bearer");
  const { apiCreateAccessRequest } = await import("../../lib/api/access-requests");
  const direct = async () => {
    const auth = await authenticateBearer(`Bearer ${tokens[0].token}`);
    const r = await apiCreateAccessRequest({ actor: auth.actor, callerIdentity: auth.identity, body: { identity: tokens[0].identity, entitlement: "orders-api-read", duration: "PT10M", justification: "benchmark: in-process floor" } });
    if (!("grant" in r) || !r.grant?.credential) throw new Error("in-process request got no credential");
  };
  for (let i = 0; i < 200; i++) await direct();
  const inProcess: number[] = [];
  for (let i = 0; i < 1000; i++) inProcess.push((await timeIt(direct))[0]);
  // The bare route's handler called the same way: the floor of the per-request cost.
  setProcessEnv({ HOURGLASS_BENCH_BARE_ROUTE: "1" });
  const { POST: bareRoute } = await import("../../app/api/bench/bare/route");
  const bareDirect = async () => {
    if ((await bareRoute()).status !== 201) throw new Error("the bare route did not answer 201");
  };
  for (let i = 0; i < 200; i++) await bareDirect();
  const bareInProcess: number[] = [];
  for (let i = 0; i < 1000; i++) bareInProcess.push((await timeIt(bareDirect))[0]);
  await disconnectDb();
  // Saved from this process, as the admin page does: the server's worker hears it and re-decides every active grant.
  const changePolicies = async () => {
    const { savePolicies } = await import("../../lib/policy/save-policies");
    const active = await getDb().grant.count({ where: { status: "active" } });
    const saved = await savePolicies({ actor: systemActor("test"), text: defaultPolicies, comment: "benchmark: a policy change under load" });
    return `policy set saved at ${POLICY_CHANGE_AT} s (version ${saved.version}): ${active} active grants re-decided by the server while under load`;
  };

  log("building and starting next start (the worker runs inline, as in production)");
  const env = { ...process.env, DATABASE_URL: url, AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789", PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1" };
  const build = spawn(path.join(root, "node_modules", ".bin", "next"), ["build"], { cwd: root, env, stdio: ["ignore", process.env.BENCH_TRACE_GC ? "inherit" : "ignore", "inherit"] });
  const built = await new Promise((r) => build.once("exit", r));
  if (built !== 0) throw new Error(`next build failed (exit ${built})`);
  // Started as `npm start` starts it: the same Node.js flags (lib/platform/server-process.ts).
  const nodeFlags = [...serverNodeFlags(), ...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : process.env.BENCH_TRACE_GC ? ["--trace-gc"] : [])];
  const server = spawn(process.execPath, [...nodeFlags, nextCli(root), "start", "-p", String(PORT), "-H", "127.0.0.1"], { cwd: root, env, stdio: ["ignore", process.env.BENCH_TRACE_GC ? "inherit" : "ignore", "inherit"] });
  let up = false;
  for (let i = 0; i < 150 && !up; i++) {
    up = await get("/api/v1/health").then((s) => s === 200, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 200));
  }
  if (!up) throw new Error("next start did not answer /api/v1/health");
  const call = (i: number) => {
    const w = tokens[i % tokens.length];
    return post("/api/v1/access-requests", w.token, { identity: w.identity, entitlement: "orders-api-read", duration: "PT10M", justification: "benchmark: read orders" });
  };
  for (let i = 0; i < 200; i++) await call(i); // warm-up: code paths compiled
  await openLoop(RATE, 5, call, (r) => r.status === 201); // and at the load's rate, so every pool's connections are open
  const healthRt: number[] = [];
  for (let i = 0; i < 300; i++) healthRt.push((await timeIt(() => get("/api/v1/health")))[0]);

  log(`load: ${RATE} requests/s for ${SECONDS} s`);
  const latencies: number[] = [];
  let errors = 0;
  let noCredential = 0;
  const statuses = new Map<string, number>();
  // How late this client sent each request (its own event loop): counted in the latency, shown apart.
  const sendLags: number[] = [];
  // The slowest answer of each second of the run: shows whether the tail is spread out or a few stalls.
  const worstBySecond: number[] = [];
  const total = RATE * SECONDS;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  let policyChange: Promise<string> | undefined;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    if (POLICY_CHANGE_AT >= 0 && !policyChange && due - start >= POLICY_CHANGE_AT * 1000) policyChange = changePolicies();
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t = performance.now();
        sendLags.push(t - due);
        try {
          const r = await call(i);
          // Open loop: latency counts from the instant the request was due, not when it was sent.
          const latency = performance.now() - Math.min(t, due);
          latencies.push(latency);
          const second = Math.floor((due - start) / 1000);
          worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, latency);
          if (r.status !== 201) {
            errors++;
            const code = `${r.status} ${(/"code":"([^"]+)"/.exec(r.body) ?? [])[1] ?? ""}`.trim();
            statuses.set(code, (statuses.get(code) ?? 0) + 1);
          }
          else if (!r.body.includes('"credential"')) noCredential++;
        } catch (e) {
          errors++;
          // No HTTP answer at all (the connection failed): counted by the error's code.
          const err = e as NodeJS.ErrnoException;
          const code = `no answer: ${err.code ?? err.message}`;
          statuses.set(code, (statuses.get(code) ?? 0) + 1);
        }
      })(),
    );
  }
  await Promise.all(inflight);
  const policyChanged = policyChange ? await policyChange : null;
  const elapsed = (performance.now() - start) / 1000;
  if (policyChange) await disconnectDb();
  const serverDied = server.exitCode !== null || server.signalCode !== null;
  if (!serverDied) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }

  // ---- Capacity: a step search per replica count, and the bare route's on one replica.
  type Step = { rate: number; achieved: number; p50: number; p99: number; errors: number; rssMb: number[] };
  const capacity: { label: string; replicas: number; steps: Step[]; held: number }[] = [];
  const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
  const issuedCredential = (r: { status: number; body: string }) => r.status === 201 && r.body.includes('"credential"');
  const search = async (label: string, servers: AppServer[], call: (i: number) => Promise<{ status: number; body: string }>) => {
    const n = servers.length;
    // Warm-up at the first step's rate, not counted: code paths compiled, every pool's connections open.
    await openLoop(50 * n, 5, call, issuedCredential);
    const steps: Step[] = [];
    const step = async (rate: number) => {
      const peak = servers.map(() => 0);
      const sampler = setInterval(() => servers.forEach((sv, j) => (peak[j] = Math.max(peak[j], rssOf(sv.process.pid!)))), 250);
      const r = await openLoop(rate, STEP_SECONDS, call, issuedCredential);
      clearInterval(sampler);
      const st = stats(r.latencies);
      const errs = [...r.errors.values()].reduce((a, b) => a + b, 0);
      steps.push({ rate, achieved: r.total / r.seconds, p50: st.p50, p99: st.p99, errors: errs, rssMb: peak });
      log(`  ${label}, ${n} replica(s), ${rate}/s: p50 ${st.p50.toFixed(1)} ms, p99 ${st.p99.toFixed(1)} ms, errors ${errs}`);
      await new Promise((res) => setTimeout(res, 1500)); // the servers drain before the next step
      return st.p99 <= 60 && errs === 0 && servers.every((sv) => !sv.died());
    };
    // A step fails only if it fails twice: one pause on a shared machine is not the capacity.
    const holds = async (rate: number) => (await step(rate)) || (await step(rate));
    // Rising by half until a step fails, then three halvings of the gap between held and failed.
    let held = 0;
    let failed = 0;
    for (let rate = 50 * n; !failed && rate <= 5000; rate = Math.round(rate * 1.5)) {
      if (await holds(rate)) held = rate;
      else failed = rate;
    }
    for (let i = 0; i < 3 && failed && failed - held > 5; i++) {
      const mid = Math.round((held + failed) / 2);
      if (await holds(mid)) held = mid;
      else failed = mid;
    }
    capacity.push({ label, replicas: n, steps, held });
  };
  const productCall = (servers: AppServer[]) => (i: number) => {
    const w = tokens[i % tokens.length];
    return request(servers[i % servers.length].port, "POST", "/api/v1/access-requests", { token: w.token, body: { identity: w.identity, entitlement: "orders-api-read", duration: "PT10M", justification: "benchmark: read orders" } });
  };
  const bareCall = (servers: AppServer[]) => (i: number) => request(servers[i % servers.length].port, "POST", "/api/bench/bare");
  for (const n of REPLICAS) {
    log(`capacity: step search with ${n} replica(s)`);
    const servers = await startAppServers(n, { ...env, HOURGLASS_WORKER: "inline", HOURGLASS_BENCH_BARE_ROUTE: "1" });
    await search("POST /api/v1/access-requests", servers, productCall(servers));
    if (n === REPLICAS[0]) await search("bare route: insert + ES256 + audit append", servers, bareCall(servers));
    await stopAppServers(servers);
  }
  await db.stop();

  const s = stats(latencies);
  const f1 = stats(rt);
  const f2 = stats(healthRt);
  const f3 = stats(inProcess);
  const fb = stats(bareInProcess);
  console.log(`\nAuto-approved request → issued JWT over HTTP, ${total} requests at ${RATE}/s (achieved ${(total / elapsed).toFixed(0)}/s) (ms)\n`);
  console.log(
    table([
      ["measure", "n", "p50", "p90", "p99", "max"],
      ["POST /api/v1/access-requests → 201 with credential", s.n, s.p50, s.p90, s.p99, s.max],
      ["floor: HTTP round trip (GET /api/v1/health)", f2.n, f2.p50, f2.p90, f2.p99, f2.max],
      ["floor: database round trip", f1.n, f1.p50, f1.p90, f1.p99, f1.max],
      ["the same request in-process, one at a time (no HTTP)", f3.n, f3.p50, f3.p90, f3.p99, f3.max],
      ["the bare route's work in-process (insert + ES256 + audit)", fb.n, fb.p50, fb.p90, fb.p99, fb.max],
      [`policy evaluation alone, ${pol.policies} policies`, pol.n, pol.p50, pol.p90, pol.p99, pol.max],
    ]),
  );
  if (policyChanged) console.log(`\n${policyChanged}`);
  const lags = stats(sendLags);
  console.log(`\nclient: requests sent late by this process's own event loop: p99 ${lags.p99.toFixed(1)} ms, max ${lags.max.toFixed(1)} ms; ${sendLags.filter((l) => l > 5).length} sent more than 5 ms late`);
  const stalls = worstBySecond.map((ms, second) => ({ ms, second })).filter((x) => x.ms > 60);
  console.log(`seconds with an answer slower than 60 ms: ${stalls.length} of ${SECONDS}${stalls.length ? ` (${stalls.map((x) => `${x.second} s: ${x.ms.toFixed(0)} ms`).join(", ")})` : ""}`);
  console.log(`errors: ${errors}${statuses.size ? ` (${[...statuses].map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}; 201 without a credential: ${noCredential}${serverDied ? "; THE SERVER DIED DURING THE RUN (see its stderr above)" : ""}`);
  console.log(`\nCapacity: the highest open-loop rate held for ${STEP_SECONDS} s with p99 ≤ 60 ms and no errors (a failed step is run again once; RSS = each replica's peak resident memory during the step)\n`);
  console.log(
    table([
      ["route", "replicas", "rate/s", "achieved/s", "p50", "p99", "errors", "peak RSS MB"],
      ...capacity.flatMap((c) => c.steps.map((st) => [c.label, String(c.replicas), st.rate, Math.round(st.achieved), st.p50, st.p99, st.errors, st.rssMb.map((m) => m.toFixed(0)).join(" / ")])),
    ]),
  );
  const bare = capacity.find((c) => c.label.startsWith("bare"));
  const one = capacity.find((c) => !c.label.startsWith("bare"));
  for (const c of capacity) {
    const vsOne = one && c !== one && c.replicas > 1 && one.held ? ` (${(c.held / one.held).toFixed(2)}× one replica)` : "";
    const vsBare = bare && c !== bare && c.replicas === bare.replicas && bare.held ? ` (${(c.held / bare.held).toFixed(2)}× the bare route; goal ≥ 0.5)` : "";
    console.log(`capacity, ${c.label}, ${c.replicas} replica(s): ${c.held ? `${c.held}/s` : "no step held"}${vsOne}${vsBare}`);
  }
  console.log(`per-request cost in-process, one at a time: the product p50 ${stats(inProcess).p50.toFixed(2)} ms, the bare route's work p50 ${stats(bareInProcess).p50.toFixed(2)} ms (${(stats(inProcess).p50 / stats(bareInProcess).p50).toFixed(1)}×; goal 2×)`);
  const met = s.p50 <= 15 && s.p99 <= 60 && errors === 0 && noCredential === 0 && !serverDied && pol.p99 <= 2;
  const atTargetLoad = RATE >= 200 && SECONDS >= 60;
  console.log(
    `targets (200/s for 60 s): p50 ≤ 15 ms (${s.p50.toFixed(1)}), p99 ≤ 60 ms (${s.p99.toFixed(1)}), zero errors (${errors}), policy p99 ≤ 2 ms (${pol.p99.toFixed(3)}) → ${met ? (atTargetLoad ? "MET" : `met at ${RATE}/s for ${SECONDS} s, below the target load`) : "NOT MET"}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
