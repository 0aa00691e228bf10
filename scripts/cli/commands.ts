import type { ChildProcess, SpawnOptions } from "node:child_process";
import type { Env, RequestOptions, RevokeOptions, StatusOptions } from "./args";
import { defaultIdempotencyKey, defaultJobRef } from "./args";
import { childExitCode, CliError, EXIT, formatError } from "./errors";
import type { AccessRequest, Api, Grant } from "./http";
import { buildChildEnv, classifyRequest, credentialEnv, describeEnded, formatElapsed, formatEnvLines, loudLines, progressLine, summarizeRequest } from "./output";

// The three commands: status, revoke, and request (wait, run the command, revoke).

export const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type Signal = (typeof SIGNALS)[number];

/** Where signals come from: the process, or a stand-in in tests. */
export type SignalSource = { on(event: Signal, listener: () => void): unknown; off(event: Signal, listener: () => void): unknown };
export type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

type Io = { api: Api; stdout: (s: string) => void; say: (msg: string) => void };
export type RequestContext = Io & {
  env: Env;
  stderr: (s: string) => void;
  proc: SignalSource;
  pollIntervalMs: number;
  sleep: Sleep;
  now: () => number;
  isTTY: boolean;
  spawnImpl: Spawn;
};

export async function statusCommand(opts: StatusOptions, { api, stdout, say }: Io): Promise<number> {
  const { body: r } = await api("get", "/api/v1/access-requests/{id}", { params: { id: opts.requestId }, attempts: 1 });
  if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
  else {
    stdout(`${summarizeRequest(r)}\n`);
    if (r.grant?.credential) {
      say("this read carried the grant's credential (shown once) — it is a secret:");
      stdout(`${formatEnvLines(credentialEnv(r.grant.credential, r.grant, r.id))}\n`);
    }
  }
  if (r.grant?.credential && opts.json) say("the JSON above carries the grant's credential (shown once) — it is a secret");
  return EXIT.ok;
}

export async function revokeCommand(opts: RevokeOptions, { api, stdout, say }: Io): Promise<number> {
  const { body: g } = await api("post", "/api/v1/grants/{id}/revoke", { params: { id: opts.grantId }, body: { reason: opts.reason }, idempotencyKey: `revoke-${opts.grantId}`, attempts: 3 });
  if (opts.json) stdout(`${JSON.stringify(g, null, 2)}\n`);
  else say(`grant ${g.id} is ${g.status}${g.status === "revoking" ? " (the issuer is revoking it now)" : ""}`);
  return EXIT.ok;
}

/** Revokes a grant with retries; returns the final grant or throws a CliError with exit 6. */
async function revokeWithRetry(api: Api, grantId: string, reason: string, { sleep, say, attempts = 5 }: { sleep: Sleep; say: (msg: string) => void; attempts?: number }): Promise<Grant> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { body } = await api("post", "/api/v1/grants/{id}/revoke", { params: { id: grantId }, body: { reason }, idempotencyKey: `revoke-${grantId}` });
      return body;
    } catch (e) {
      last = e;
      // Already ending (it expired, or someone revoked it): that is what we wanted.
      if (e instanceof CliError && e.status === 409) {
        try {
          const { body } = await api("get", "/api/v1/grants/{id}", { params: { id: grantId }, attempts: 2 });
          if (["revoking", "revoked"].includes(body.status)) return body;
        } catch {
          // fall through to retry
        }
      }
      const permanent = e instanceof CliError && e.status !== undefined && e.status < 500 && e.status !== 429 && e.status !== 409;
      if (permanent) break;
      if (attempt < attempts) {
        const err = e as CliError;
        say(`revoking grant ${grantId} failed (${err.code}: ${err.message}); retrying…`);
        await sleep(Math.min(500 * 2 ** (attempt - 1), 4000));
      }
    }
  }
  const err = last as Partial<CliError> | undefined;
  throw new CliError("revoke_failed", `could not revoke grant ${grantId}: ${err?.code ?? "error"}: ${err?.message ?? err} — it stays active until it expires; revoke it now with: hourglass revoke ${grantId} --reason "…"`, EXIT.revokeFailed);
}

/** After a revoke, waits briefly for the issuer's confirmation; returns the last status seen. */
async function awaitRevoked(api: Api, grant: Grant, { sleep, now, pollIntervalMs, limitMs = 10_000 }: { sleep: Sleep; now: () => number; pollIntervalMs: number; limitMs?: number }): Promise<Grant> {
  let g = grant;
  const until = now() + limitMs;
  while (g.status === "revoking" && now() < until) {
    await sleep(Math.min(500, pollIntervalMs));
    try {
      g = (await api("get", "/api/v1/grants/{id}", { params: { id: grant.id } })).body;
    } catch {
      break;
    }
  }
  return g;
}

export async function requestCommand(opts: RequestOptions, ctx: RequestContext): Promise<number> {
  const { api, env, stdout, stderr, say, proc, pollIntervalMs, sleep, now, isTTY } = ctx;
  const body = { ...opts.body };
  const jobRef = defaultJobRef(env);
  if (jobRef && !body.context?.jobRef) body.context = { ...body.context, jobRef };
  const idempotencyKey = opts.idempotencyKey ?? defaultIdempotencyKey(env, body);

  // Signals while we wait: stop waiting, withdraw the request (or revoke a grant), exit 128+n.
  const interrupt = new AbortController();
  let interruptedBy: Signal | null = null;
  const onWaitSignal = (signal: Signal) => {
    interruptedBy = signal;
    interrupt.abort();
  };
  const waitHandlers = SIGNALS.map((s) => [s, () => onWaitSignal(s)] as const);
  for (const [s, h] of waitHandlers) proc.on(s, h);
  const removeWaitHandlers = () => {
    for (const [s, h] of waitHandlers) proc.off(s, h);
  };

  let r: AccessRequest;
  let ownRequest = false;
  try {
    // POST with retries: the Idempotency-Key makes a retry find the same request. If an earlier
    // attempt of ours reached the server, a replay is still our request.
    let sentBefore = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await api("post", "/api/v1/access-requests", { body, idempotencyKey, attempts: 1 });
        r = res.body;
        ownRequest = !res.replayed || sentBefore;
        if (res.replayed) {
          say(`Idempotency-Key ${idempotencyKey} was used before: this is request ${r.id}${ownRequest ? "" : " (made by an earlier run)"}`);
          r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 3 })).body;
        }
        break;
      } catch (e) {
        const retriable = e instanceof CliError && (e.code === "unreachable" || (e.status ?? 0) >= 500 || e.status === 429 || e.details?.reason === "idempotency_in_progress");
        if (e instanceof CliError && e.code === "unreachable") sentBefore = true;
        if (!retriable || attempt >= 4 || interrupt.signal.aborted) throw e;
        await sleep(Math.min(1000 * 2 ** (attempt - 1), 8000), interrupt.signal);
      }
    }

    const started = now();
    const deadline = started + opts.timeoutMs;
    let lastLine = "";
    let lastPrinted = 0;
    const progress = (line: string) => {
      if (isTTY) stderr(`\r\x1b[Khourglass: ${line}`);
      else if (line.replace(/\(.*elapsed\)/, "") !== lastLine.replace(/\(.*elapsed\)/, "") || now() - lastPrinted >= 30_000) {
        say(line);
        lastPrinted = now();
      }
      lastLine = line;
    };
    const endProgress = () => {
      if (isTTY && lastLine) stderr("\n");
    };

    let state = classifyRequest(r);
    if (state === "pending") say(`request ${r.id} needs approval (${r.approvals.given}/${r.approvals.required})${opts.wait ? "" : `; follow it with: hourglass status ${r.id}`}`);

    if (!opts.wait && (state === "pending" || state === "issuing")) {
      removeWaitHandlers();
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
      else {
        if (state === "issuing") say(`request ${r.id} is approved; its grant is being issued — hourglass status ${r.id} shows the credential once it is`);
        stdout(`HOURGLASS_REQUEST_ID=${r.id}\n`);
      }
      return EXIT.ok;
    }

    while (state === "pending" || state === "issuing") {
      progress(progressLine(r, now() - started));
      if (interrupt.signal.aborted) break;
      if (now() >= deadline) {
        endProgress();
        await withdraw(api, r, "timed out waiting for approval", { say });
        throw new CliError("timeout", `no usable grant after ${formatElapsed(opts.timeoutMs)} (--timeout); request ${r.id} was ${r.status === "pending" ? "cancelled" : "withdrawn"}`, EXIT.timeout);
      }
      const interval = now() - started > 120_000 ? Math.max(pollIntervalMs, 5000) : pollIntervalMs;
      await sleep(Math.min(interval, Math.max(0, deadline - now())), interrupt.signal);
      if (interrupt.signal.aborted) break;
      r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 4 })).body;
      state = classifyRequest(r);
    }
    endProgress();

    // Set by a signal handler during the awaits above (which TypeScript's flow analysis cannot see).
    const signal = interruptedBy as Signal | null;
    if (signal) {
      await withdraw(api, r, `interrupted by ${signal}`, { say });
      throw new CliError("interrupted", `interrupted by ${signal} while waiting; request ${r.id} was withdrawn`, childExitCode(null, signal));
    }
    if (state === "ended") throw new CliError(r.status === "approved" ? "grant_ended" : r.status, describeEnded(r), EXIT.ended);
    if (state === "failed") throw new CliError("issue_failed", `the grant for request ${r.id} could not be issued${r.grant?.lastError ? `: ${r.grant.lastError}` : ""}`, EXIT.api);
    // From here on the request is approved with an active grant (ready or taken).
    const grant = r.grant!;
    if (state === "taken") {
      const hint = `pass a fresh --idempotency-key${ownRequest ? "" : " (this key belongs to an earlier run)"}`;
      if (ownRequest) {
        // Ours, yet the credential is gone (a lost response): nobody can use it — end it.
        await revokeWithRetry(api, grant.id, "credential lost before use (hourglass CLI)", { sleep, say }).catch((e) => say(formatError(e).replace(/^hourglass: /, "")));
      }
      throw new CliError("credential_unavailable", `grant ${grant.id} is active but its credential was already handed out (it is returned once); ${hint}`, EXIT.api);
    }

    // ready: the credential is in grant.credential, in memory only.
    const credential = grant.credential;
    removeWaitHandlers();

    if (!opts.commandArgs) {
      say(`grant ${grant.id} is active until ${grant.expiresAt}. The credential below is a SECRET: do not log it. It stays valid until then unless you revoke it: hourglass revoke ${grant.id} --reason "…"`);
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
      else stdout(`${formatEnvLines(credentialEnv(credential, grant, r.id))}\n`);
      return EXIT.ok;
    }

    return await runWithGrant(opts.commandArgs, r, grant, ctx);
  } finally {
    removeWaitHandlers();
  }
}

/** Cancels a pending request, or revokes the grant of an approved one; reports, never throws. */
async function withdraw(api: Api, request: AccessRequest, why: string, { say }: { say: (msg: string) => void }): Promise<void> {
  let r = request;
  try {
    if (r.status === "pending") {
      const { body } = await api("post", "/api/v1/access-requests/{id}/cancel", { params: { id: r.id }, body: {}, attempts: 3 });
      if (body.status === "cancelled") return;
      r = body;
    }
  } catch (e) {
    if (!(e instanceof CliError && e.status === 409)) {
      const err = e as CliError;
      say(`could not cancel request ${r.id}: ${err.code}: ${err.message}`);
      return;
    }
    // Decided meanwhile: look again, and revoke the grant if it was approved.
    try {
      r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 2 })).body;
    } catch {
      return;
    }
  }
  if (r.grant && ["issuing", "active"].includes(r.grant.status)) {
    try {
      await api("post", "/api/v1/grants/{id}/revoke", { params: { id: r.grant.id }, body: { reason: `hourglass CLI: ${why}` }, idempotencyKey: `revoke-${r.grant.id}`, attempts: 3 });
    } catch (e) {
      const err = e as CliError;
      say(`could not revoke grant ${r.grant.id}: ${err.code}: ${err.message}`);
    }
  }
}

type Outcome = { code: number | null; signal: NodeJS.Signals | null; error: (Error & { code?: string }) | null };

async function runWithGrant(commandArgs: string[], r: AccessRequest, grant: Grant, ctx: RequestContext): Promise<number> {
  const { api, env, say, proc, sleep, now, pollIntervalMs, spawnImpl } = ctx;
  const childEnv = buildChildEnv(env, grant.credential, grant, r.id);
  const [cmd, ...args] = commandArgs;
  say(`grant ${grant.id} is active until ${grant.expiresAt}; running ${cmd}`);

  const outcome = await new Promise<Outcome>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawnImpl(cmd, args, { stdio: "inherit", env: childEnv as NodeJS.ProcessEnv });
    } catch (e) {
      resolve({ code: 127, signal: null, error: e as Error });
      return;
    }
    const forward = SIGNALS.map(
      (s) =>
        [
          s,
          () => {
            try {
              child.kill(s);
            } catch {
              // already gone
            }
          },
        ] as const,
    );
    for (const [s, h] of forward) proc.on(s, h);
    let settled = false;
    const finish = (result: Outcome) => {
      if (settled) return;
      settled = true;
      for (const [s, h] of forward) proc.off(s, h);
      resolve(result);
    };
    child.once("error", (e: Error & { code?: string }) => finish({ code: e?.code === "ENOENT" ? 127 : e?.code === "EACCES" ? 126 : 1, signal: null, error: e }));
    child.once("exit", (code, signal) => finish({ code, signal, error: null }));
  });

  // The command has ended: revoke first, talk after.
  const exitCode = childExitCode(outcome.code, outcome.signal);
  const reason = outcome.signal ? `task completed (exit ${exitCode}, ${outcome.signal})` : `task completed (exit ${exitCode})`;
  let revokeError: unknown = null;
  let revoked: Grant | null = null;
  try {
    revoked = await revokeWithRetry(api, grant.id, reason, { sleep, say });
  } catch (e) {
    revokeError = e;
  }

  if (outcome.error) say(`could not run ${cmd}: ${outcome.error.code ?? ""} ${outcome.error.message}`.replace("  ", " "));
  else say(`${cmd} exited with ${outcome.signal ? `signal ${outcome.signal} (${exitCode})` : `code ${exitCode}`}`);

  if (revokeError) {
    ctx.stderr(loudLines(formatError(revokeError)));
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  }
  const final = await awaitRevoked(api, revoked!, { sleep, now, pollIntervalMs });
  if (final.status === "revoked") say(`grant ${grant.id} revoked: ${reason}`);
  else if (final.status === "revoke_failed") {
    ctx.stderr(loudLines(`hourglass: revoke_failed: the issuer could not revoke grant ${grant.id} yet${final.lastError ? ` (${final.lastError})` : ""}; Hourglass keeps retrying and alerts security`));
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  } else say(`grant ${grant.id} is ${final.status.replaceAll("_", " ")} (${reason}); Hourglass finishes revoking it at the issuer`);
  return exitCode;
}
