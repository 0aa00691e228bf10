// The demo organisation, written into a Hourglass database: idempotent and deterministic.
// Static objects (users, teams, issuers, entitlements, identities) are created when missing;
// the history (requests, approvals, grants, exceptions, campaigns) is written once, into a
// database that has no access request yet. Every created object gets its audit event.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import type { Environment, IdentityKind, Prisma, PrismaClient } from "../lib/generated/prisma/client";
import { appendAudit, type AuditInput } from "../lib/audit";
import { systemActor } from "../lib/authz";
import { sealJson } from "../lib/crypto/seal";
import { hashPassword } from "../lib/users/authenticate-user";
import {
  DAY,
  DEFAULT_DEMO_PASSWORD,
  HOUR,
  MINUTE,
  TARGET_DATABASE,
  agents,
  approveComments,
  buildIdentities,
  cancelReasons,
  createRng,
  denyComments,
  entitlements as entitlementSpecs,
  exceptions as exceptionSpecs,
  issueFailures,
  issuers as issuerSpecs,
  justifications,
  systems,
  teams as teamSpecs,
  tokenAudience,
  users as userSpecs,
  type EntitlementSpec,
  type IdentitySpec,
  type OwnerSpec,
} from "./demo-data";

export type SeedDemoOptions = {
  /** Admin connection string of the database the demo PostgreSQL issuer grants in. */
  targetUrl?: string;
  /** Used to derive `targetUrl` (same server, database `hourglass_target`) when that is not given. */
  databaseUrl?: string;
  /** Create the target database, its group roles and tables (default true). */
  setupTarget?: boolean;
  /** The endpoint the demo's signed-webhook issuer calls (the launcher runs one); without it, the issuer points nowhere and shows as failing. */
  opsWebhook?: { url: string; hmacSecret: string };
  /** Password of every demo user (default `hourglass-demo`). */
  password?: string;
  /** The instant the history is relative to (default: now). */
  now?: Date;
  log?: (line: string) => void;
};

export type SeedCounts = Record<string, number>;

export type SeedDemoResult = {
  elapsedMs: number;
  /** Objects this run created. */
  created: SeedCounts;
  /** Rows in the database afterwards. */
  totals: SeedCounts;
  /** "created" when this run wrote the history, "present" when the database already had one. */
  history: "created" | "present";
  target: { url: string; status: "ready" | "skipped" | "failed"; error?: string };
  summary: string;
};

const SEED_LOCK_KEY = 0x686773; // "hgs": one seeding at a time per database
const TARGET_LOCK_KEY = 0x686774; // "hgt": one target set-up at a time per target database
const TX_OPTIONS = { maxWait: 60_000, timeout: 300_000 } as const;

const actor = systemActor("seed");

/** A UUID that depends only on what it names, so static objects have the same id in every database. */
function stableUuid(kind: string, name: string): string {
  const h = createHash("sha256").update(`hourglass-demo:${kind}:${name}`).digest("hex").split("");
  h[12] = "4";
  h[16] = "89ab"[parseInt(h[16], 16) & 3];
  const s = h.slice(0, 32).join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function defaultTargetUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${TARGET_DATABASE}`;
  return u.toString();
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}

// ---------------------------------------------------------------------------------------------
// The target database: real group roles and tables that demo grants join.

async function prepareTargetDatabase(targetUrl: string): Promise<void> {
  const target = new URL(targetUrl);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!dbName) throw new Error("the target URL names no database");
  const adminUrl = new URL(targetUrl);
  adminUrl.pathname = "/postgres";

  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (exists.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(dbName)}`);
      } catch (e) {
        if ((e as { code?: string }).code !== "42P04") throw e; // created meanwhile by another seed
      }
    }
  } finally {
    await admin.end();
  }

  const c = new pg.Client({ connectionString: targetUrl });
  await c.connect();
  try {
    await c.query("SELECT pg_advisory_lock($1)", [TARGET_LOCK_KEY]);
    for (const role of ["orders_read", "orders_write", "payments_read"]) {
      // Roles are cluster-wide: another target database on the same server may have made them.
      await c.query(`DO $$ BEGIN CREATE ROLE ${c.escapeIdentifier(role)} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    }
    await c.query(`
      CREATE TABLE IF NOT EXISTS public.orders (
        id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        customer    text          NOT NULL,
        amount      numeric(12,2) NOT NULL,
        created_at  timestamptz   NOT NULL DEFAULT now()
      )`);
    await c.query(`
      CREATE TABLE IF NOT EXISTS public.payments (
        id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        order_id    bigint        NOT NULL,
        amount      numeric(12,2) NOT NULL,
        method      text          NOT NULL,
        status      text          NOT NULL,
        created_at  timestamptz   NOT NULL DEFAULT now()
      )`);
    await c.query("REVOKE ALL ON public.orders, public.payments FROM PUBLIC");
    await c.query("GRANT USAGE ON SCHEMA public TO orders_read, orders_write, payments_read");
    await c.query("GRANT SELECT ON public.orders TO orders_read");
    await c.query("GRANT SELECT, INSERT, UPDATE ON public.orders TO orders_write");
    await c.query("GRANT USAGE ON SEQUENCE public.orders_id_seq TO orders_write");
    await c.query("GRANT SELECT ON public.payments TO payments_read");
    // A reporting login someone made by hand long ago: standing access no grant or exception
    // accounts for. The drift page finds it (and can attach it to an identity, adopt it, or revoke it).
    await c.query(`DO $$ BEGIN CREATE ROLE svc_reporting_legacy LOGIN IN ROLE orders_read, payments_read; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);

    const count = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM public.orders");
    if (Number(count.rows[0].n) === 0) {
      const rng = createRng(0x0d3e5);
      const customers = ["Contoso Retail", "Fabrikam Outdoor", "Tailspin Toys", "Wide World Importers", "Adventure Works", "Alpine Ski House", "Coho Vineyard", "Lamna Healthcare", "Margie's Travel", "Proseware", "Trey Research", "Woodgrove Bank"];
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let i = 0; i < 50; i++) {
        values.push(rng.pick(customers), (Math.round(rng.between(12, 2400) * 100) / 100).toFixed(2), new Date(Date.UTC(2026, 7, 1) + Math.floor(rng.between(0, 115) * DAY * 1000)));
        rows.push(`($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`);
      }
      const inserted = await c.query<{ id: string; amount: string; created_at: Date }>(
        `INSERT INTO public.orders (customer, amount, created_at) VALUES ${rows.join(", ")} RETURNING id::text, amount::text, created_at`,
        values,
      );
      const pv: unknown[] = [];
      const pr: string[] = [];
      for (const o of inserted.rows) {
        if (rng.chance(0.1)) continue; // a few orders are still unpaid
        const n = pr.length;
        pv.push(o.id, o.amount, rng.pick(["card", "card", "card", "sepa_debit", "paypal", "invoice"]), rng.weighted([["captured", 8], ["refunded", 1], ["pending", 1]] as const), new Date(o.created_at.getTime() + rng.int(5, 3600) * 1000));
        pr.push(`($${n * 5 + 1}, $${n * 5 + 2}, $${n * 5 + 3}, $${n * 5 + 4}, $${n * 5 + 5})`);
      }
      if (pr.length) await c.query(`INSERT INTO public.payments (order_id, amount, method, status, created_at) VALUES ${pr.join(", ")}`, pv);
    }
  } finally {
    await c.query("SELECT pg_advisory_unlock($1)", [TARGET_LOCK_KEY]).catch(() => undefined);
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Static objects.

type AuditItem = { at: Date; input: AuditInput };

function ownerFields(owner: OwnerSpec, userIds: Map<string, string>, teamIds: Map<string, string>) {
  if (!owner) return { ownerUserId: null, ownerTeamId: null };
  if ("team" in owner) return { ownerUserId: null, ownerTeamId: teamIds.get(owner.team) ?? null };
  return { ownerUserId: userIds.get(owner.user) ?? null, ownerTeamId: null };
}

const ownerLabel = (owner: OwnerSpec) => (!owner ? null : "team" in owner ? `team:${owner.team}` : owner.user);

async function seedStatic(
  db: PrismaClient,
  ctx: { now: Date; password: string; targetUrl: string; opsWebhook?: SeedDemoOptions["opsWebhook"]; identitySpecs: IdentitySpec[] },
): Promise<SeedCounts> {
  const { now } = ctx;
  const at = (agoSec: number) => new Date(now.getTime() - agoSec * 1000);

  // bcrypt is slow on purpose: hash once, and only when a user is missing. Every demo user has
  // the same password, so one hash (with its own salt) serves them all.
  const presentUsers = await db.user.count({ where: { email: { in: userSpecs.map((u) => u.email) } } });
  const passwordHash = presentUsers < userSpecs.length ? await hashPassword(ctx.password) : "";
  const target = new URL(ctx.targetUrl);

  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY}::bigint)`;
    const audits: AuditItem[] = [];
    const created: SeedCounts = {};

    const newUsers = await tx.user.createManyAndReturn({
      data: userSpecs.map((u) => ({
        id: stableUuid("user", u.email),
        email: u.email,
        name: u.name,
        roles: u.roles,
        onCall: u.onCall ?? false,
        passwordHash,
        createdAt: at(400 * DAY),
      })),
      skipDuplicates: true,
      select: { id: true, email: true, roles: true },
    });
    created.users = newUsers.length;
    for (const u of newUsers) audits.push({ at: now, input: { action: "user.created", subjectType: "user", subjectId: u.id, data: { email: u.email, roles: u.roles, source: "demo seed" } } });
    const userIds = new Map((await tx.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]));

    const newTeams = await tx.team.createManyAndReturn({
      data: teamSpecs.map((t) => ({ id: stableUuid("team", t.name), name: t.name, description: t.description, createdAt: at(400 * DAY) })),
      skipDuplicates: true,
      select: { id: true, name: true },
    });
    created.teams = newTeams.length;
    const members: Prisma.TeamMemberCreateManyInput[] = [];
    for (const t of newTeams) {
      const spec = teamSpecs.find((s) => s.name === t.name)!;
      const ids = spec.members.map((m) => userIds.get(m)).filter((id): id is string => !!id);
      for (const userId of ids) members.push({ teamId: t.id, userId });
      audits.push({ at: now, input: { action: "team.created", subjectType: "team", subjectId: t.id, data: { name: t.name, members: spec.members } } });
    }
    if (members.length) await tx.teamMember.createMany({ data: members, skipDuplicates: true });
    const teamIds = new Map((await tx.team.findMany({ select: { id: true, name: true } })).map((t) => [t.name, t.id]));

    const issuerConfig: Record<string, { config: Record<string, unknown>; secret?: Record<string, unknown> }> = {
      "demo-postgres": {
        config: { host: target.hostname, port: Number(target.port || 5432), database: decodeURIComponent(target.pathname.replace(/^\//, "")) },
        secret: { url: ctx.targetUrl },
      },
      "hourglass-tokens": { config: { audience: tokenAudience, ttlMaxSec: 3600 } },
      "ops-webhook": ctx.opsWebhook
        ? { config: { url: ctx.opsWebhook.url }, secret: { hmacSecret: ctx.opsWebhook.hmacSecret } }
        : { config: { url: "http://127.0.0.1:9/hourglass" }, secret: { hmacSecret: randomBytes(32).toString("base64url") } },
    };
    const newIssuers = await tx.issuer.createManyAndReturn({
      data: issuerSpecs.map((i) => ({
        id: stableUuid("issuer", i.name),
        name: i.name,
        type: i.type,
        config: issuerConfig[i.name].config as Prisma.InputJsonValue,
        secretSealed: issuerConfig[i.name].secret ? sealJson(issuerConfig[i.name].secret) : null,
        createdAt: at(300 * DAY),
      })),
      skipDuplicates: true,
      select: { id: true, name: true, type: true },
    });
    created.issuers = newIssuers.length;
    for (const i of newIssuers) {
      audits.push({ at: now, input: { action: "issuer.configured", subjectType: "issuer", subjectId: i.id, data: { name: i.name, type: i.type, config: issuerConfig[i.name].config, secret: issuerConfig[i.name].secret ? "sealed" : "none" } } });
    }
    const issuerIds = new Map((await tx.issuer.findMany({ select: { id: true, name: true } })).map((i) => [i.name, i.id]));

    const newEntitlements = await tx.entitlement.createManyAndReturn({
      data: entitlementSpecs
        .filter((e) => issuerIds.has(e.issuer))
        .map((e) => ({
          id: stableUuid("entitlement", e.name),
          name: e.name,
          description: e.description,
          issuerId: issuerIds.get(e.issuer)!,
          target: e.target as Prisma.InputJsonValue,
          environment: e.environment,
          riskTier: e.riskTier,
          maxDurationSec: e.maxDurationSec,
          defaultDurationSec: e.defaultDurationSec,
          approvalsRequired: e.approvalsRequired,
          securityApprovalRequired: e.securityApprovalRequired,
          responseTargetSec: e.responseTargetSec,
          requestTtlSec: e.requestTtlSec,
          breakGlassAllowed: e.breakGlassAllowed,
          // High-risk requests that wait too long are escalated to security.
          escalationTeamId: e.riskTier === "high" || e.riskTier === "critical" ? (teamIds.get("security") ?? null) : null,
          createdAt: at(290 * DAY),
        })),
      skipDuplicates: true,
      select: { id: true, name: true },
    });
    created.entitlements = newEntitlements.length;
    for (const e of newEntitlements) {
      const s = entitlementSpecs.find((x) => x.name === e.name)!;
      audits.push({
        at: now,
        input: {
          action: "entitlement.created",
          subjectType: "entitlement",
          subjectId: e.id,
          data: { name: s.name, issuer: s.issuer, target: s.target, environment: s.environment, riskTier: s.riskTier, maxDurationSec: s.maxDurationSec, approvalsRequired: s.approvalsRequired, securityApprovalRequired: s.securityApprovalRequired, breakGlassAllowed: s.breakGlassAllowed },
        },
      });
    }

    const newIdentities = await tx.identity.createManyAndReturn({
      data: ctx.identitySpecs.map((s) => ({
        id: stableUuid("identity", s.name),
        name: s.name,
        kind: s.kind,
        environment: s.environment,
        system: s.system,
        criticality: s.criticality,
        description: s.description,
        status: s.status,
        ...ownerFields(s.owner, userIds, teamIds),
        workloadIssuer: s.workloadIssuer,
        workloadSubject: s.workloadSubject,
        spiffeId: s.spiffeId,
        lastAttestedAt: s.lastAttestedAgoSec === null ? null : at(s.lastAttestedAgoSec),
        createdAt: at(s.createdAgoSec),
        updatedAt: at(Math.min(s.createdAgoSec, s.lastAttestedAgoSec ?? s.createdAgoSec)),
      })),
      skipDuplicates: true,
      select: { id: true, name: true },
    });
    created.identities = newIdentities.length;
    const specByName = new Map(ctx.identitySpecs.map((s) => [s.name, s]));
    const adminId = userIds.get(userSpecs[0].email) ?? null;
    const ownerChanges: Prisma.IdentityOwnerChangeCreateManyInput[] = [];
    for (const i of newIdentities) {
      const s = specByName.get(i.name)!;
      audits.push({
        at: now,
        input: {
          action: "identity.registered",
          subjectType: "identity",
          subjectId: i.id,
          data: { name: s.name, kind: s.kind, environment: s.environment, system: s.system, criticality: s.criticality, owner: ownerLabel(s.owner), status: s.status, workloadIssuer: s.workloadIssuer, workloadSubject: s.workloadSubject, spiffeId: s.spiffeId },
        },
      });
      let previous: OwnerSpec | undefined;
      for (const change of s.previousOwners) {
        previous = change.owner;
        const from = ownerFields(change.owner, userIds, teamIds);
        const to = ownerFields(s.owner, userIds, teamIds);
        ownerChanges.push({
          id: stableUuid("owner-change", `${s.name}:${change.changedAgoSec}`),
          identityId: i.id,
          fromUserId: from.ownerUserId,
          fromTeamId: from.ownerTeamId,
          toUserId: to.ownerUserId,
          toTeamId: to.ownerTeamId,
          changedById: adminId,
          reason: change.reason,
          createdAt: at(change.changedAgoSec),
        });
        audits.push({ at: now, input: { action: "identity.owner_changed", subjectType: "identity", subjectId: i.id, data: { from: ownerLabel(previous), to: ownerLabel(s.owner), reason: change.reason, occurredAt: at(change.changedAgoSec).toISOString() } } });
      }
      if (s.status !== "active") {
        audits.push({ at: now, input: { action: s.status === "quarantined" ? "identity.quarantined" : "identity.decommissioned", subjectType: "identity", subjectId: i.id, data: { name: s.name, reason: s.description.split(". ").slice(1).join(". ") } } });
      }
    }
    if (ownerChanges.length) await tx.identityOwnerChange.createMany({ data: ownerChanges, skipDuplicates: true });
    created.ownerChanges = ownerChanges.length;

    const identityIds = new Map((await tx.identity.findMany({ where: { name: { in: ctx.identitySpecs.map((s) => s.name) } }, select: { id: true, name: true } })).map((i) => [i.name, i.id]));
    const delegations: Prisma.DelegationCreateManyInput[] = [];
    // Each demo agent may ask for its principals' low- and medium-risk entitlements of that environment, for 60 days.
    const scopeByEnv = new Map<string, string[]>();
    for (const e of await tx.entitlement.findMany({ where: { riskTier: { in: ["low", "medium"] } }, select: { id: true, environment: true } })) {
      scopeByEnv.set(e.environment, [...(scopeByEnv.get(e.environment) ?? []), e.id]);
    }
    for (const agent of agents) {
      for (const env of agent.envs) {
        const agentId = identityIds.get(`${agent.name}${env === "prod" ? "" : `-${env}`}`);
        if (!agentId) continue;
        for (const principal of agent.actsFor) {
          const principalId = identityIds.get(`${principal}-${env}`);
          if (principalId) delegations.push({ agentId, principalId, entitlementIds: scopeByEnv.get(env) ?? [], endsAt: new Date(now.getTime() + 60 * DAY), reason: `${agent.name} runs tasks for ${principal}`, createdAt: at(120 * DAY) });
        }
      }
    }
    const newDelegations = await tx.delegation.createManyAndReturn({ data: delegations, skipDuplicates: true, select: { agentId: true, principalId: true } });
    created.delegations = newDelegations.length;
    const nameOf = new Map([...identityIds].map(([n, id]) => [id, n]));
    for (const d of newDelegations) {
      audits.push({ at: now, input: { action: "delegation.created", subjectType: "identity", subjectId: d.agentId, data: { agent: nameOf.get(d.agentId), actsFor: nameOf.get(d.principalId) } } });
    }

    for (const a of audits) await appendAudit(tx, actor, a.input);
    created.auditEvents = audits.length;
    return created;
  }, TX_OPTIONS);
}

// ---------------------------------------------------------------------------------------------
// History: requests, approvals, grants, exceptions, attestation campaigns.

type IdentityRow = {
  id: string;
  name: string;
  kind: IdentityKind;
  environment: Environment;
  status: string;
  system: string;
  ownerUserId: string | null;
  ownerTeamId: string | null;
  workloadIssuer: string | null;
  spiffeId: string | null;
  createdAt: Date;
};

type EntitlementRow = EntitlementSpec & { id: string; issuerId: string; issuerType: string; issuerName: string };

type UserRow = { id: string; email: string; name: string; roles: string[] };

const DURATIONS = [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR];

function quarterLabel(d: Date, offset = 0): string {
  let q = Math.floor(d.getUTCMonth() / 3) + offset;
  let y = d.getUTCFullYear();
  while (q < 0) {
    q += 4;
    y--;
  }
  return `Q${q + 1} ${y}`;
}

async function seedHistory(db: PrismaClient, now: Date): Promise<SeedCounts | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY}::bigint)`;
    if ((await tx.accessRequest.count()) > 0) return null;

    const rng = createRng(0x5eed);
    const nowMs = now.getTime();
    const ts = (ms: number) => new Date(Math.round(ms));
    const audits: AuditItem[] = [];
    // Audit rows are stamped with the seed's clock; `occurredAt` says when the demo event happened.
    const audit = (atMs: number, input: AuditInput) => audits.push({ at: ts(atMs), input: { ...input, data: { ...input.data, occurredAt: ts(atMs).toISOString() } } });

    // ---- what the static seed left --------------------------------------------------------------
    const users: UserRow[] = await tx.user.findMany({ where: { active: true }, select: { id: true, email: true, name: true, roles: true } });
    const userById = new Map(users.map((u) => [u.id, u]));
    const userByEmail = new Map(users.map((u) => [u.email, u]));
    const isRequester = (u: UserRow) => u.roles.includes("requester") || u.roles.includes("owner");
    const approverPool = users.filter((u) => u.roles.includes("approver") && !isRequester(u));
    const securityApprovers = approverPool.filter((u) => u.roles.includes("security"));
    if (approverPool.length < 2 || securityApprovers.length === 0) {
      throw new Error("the demo history needs approver and security users: the static seed did not create them");
    }
    const members = await tx.teamMember.findMany({ select: { teamId: true, userId: true } });
    const teamMembers = new Map<string, string[]>();
    for (const m of members) teamMembers.set(m.teamId, [...(teamMembers.get(m.teamId) ?? []), m.userId]);

    const specNames = buildIdentities().map((s) => s.name);
    const order = new Map(specNames.map((n, i) => [n, i]));
    const identities: IdentityRow[] = (
      await tx.identity.findMany({
        where: { name: { in: specNames } },
        select: { id: true, name: true, kind: true, environment: true, status: true, system: true, ownerUserId: true, ownerTeamId: true, workloadIssuer: true, spiffeId: true, createdAt: true },
      })
    ).sort((a, b) => order.get(a.name)! - order.get(b.name)!);
    const identityByName = new Map(identities.map((i) => [i.name, i]));
    const identityById = new Map(identities.map((i) => [i.id, i]));

    const entRows = await tx.entitlement.findMany({ where: { name: { in: entitlementSpecs.map((e) => e.name) } }, include: { issuer: { select: { type: true, name: true } } } });
    const ents: EntitlementRow[] = entitlementSpecs.flatMap((spec) => {
      const row = entRows.find((r) => r.name === spec.name);
      if (!row) return [];
      return [
        {
          ...spec,
          id: row.id,
          issuerId: row.issuerId,
          issuerType: row.issuer.type,
          issuerName: row.issuer.name,
          target: row.target as Record<string, unknown>,
          environment: row.environment,
          riskTier: row.riskTier,
          maxDurationSec: row.maxDurationSec,
          defaultDurationSec: row.defaultDurationSec,
          approvalsRequired: row.approvalsRequired,
          securityApprovalRequired: row.securityApprovalRequired,
          responseTargetSec: row.responseTargetSec,
          requestTtlSec: row.requestTtlSec,
          breakGlassAllowed: row.breakGlassAllowed,
        },
      ];
    });
    const entByName = new Map(ents.map((e) => [e.name, e]));
    const principalsOf = new Map<string, string[]>();
    for (const d of await tx.delegation.findMany({ select: { agentId: true, principalId: true } })) {
      principalsOf.set(d.agentId, [...(principalsOf.get(d.agentId) ?? []), d.principalId]);
    }

    // ---- who may ask for what -------------------------------------------------------------------
    const machineKinds: IdentityKind[] = ["ci_job", "workload", "ai_agent", "bot"];
    /** Users who operate the identity (own it, or are in its owning team) and may request: what createRequest checks. */
    const operatorsOf = (identity: IdentityRow, breakGlass = false): UserRow[] => {
      const ids = new Set<string>();
      if (identity.ownerUserId) ids.add(identity.ownerUserId);
      if (identity.ownerTeamId) for (const id of teamMembers.get(identity.ownerTeamId) ?? []) ids.add(id);
      return [...ids]
        .map((id) => userById.get(id))
        .filter((u): u is UserRow => !!u && (breakGlass ? u.roles.includes("owner") || u.roles.includes("admin") : isRequester(u)));
    };
    const canRequest = (identity: IdentityRow, breakGlass: boolean) => operatorsOf(identity, breakGlass).length > 0 || (!breakGlass && machineKinds.includes(identity.kind));

    const pickEnt = (filter: (e: EntitlementRow) => boolean) => rng.weighted(ents.filter(filter).map((e) => [e, e.popularity] as const));
    const pickIdentity = (ent: EntitlementRow, opts: { status?: "active" | "quarantined"; breakGlass?: boolean } = {}): IdentityRow | undefined => {
      const pool = identities.filter((i) => i.environment === ent.environment && i.status === (opts.status ?? "active") && canRequest(i, !!opts.breakGlass));
      if (pool.length === 0) return undefined;
      const system = ent.name.split("-")[0];
      return rng.weighted(
        pool.map((i) => {
          const rank = ent.kinds.indexOf(i.kind);
          return [i, (rank < 0 ? 0.3 : ent.kinds.length - rank + 1) * (i.system === system ? 3 : 1)] as const;
        }),
      );
    };
    const pickDuration = (ent: EntitlementRow) => {
      const options = DURATIONS.filter((d) => d <= ent.maxDurationSec);
      if (!options.includes(ent.defaultDurationSec)) options.push(ent.defaultDurationSec);
      return rng.weighted(options.map((d) => [d, d === ent.defaultDurationSec ? 6 : 1] as const));
    };
    type Requester = { userId: string | null; identityId: string | null; label: string };
    const pickRequester = (identity: IdentityRow, breakGlass: boolean): Requester => {
      const operators = operatorsOf(identity, breakGlass);
      if (!breakGlass && machineKinds.includes(identity.kind) && (operators.length === 0 || rng.chance(0.6))) {
        return { userId: null, identityId: identity.id, label: `identity:${identity.name}` };
      }
      const u = rng.pick(operators);
      return { userId: u.id, identityId: null, label: u.email };
    };
    /**
     * Distinct approvers who are neither the requester nor the identity's owner, in the order they
     * decided; when security must approve, one of them is a security reviewer (decideRequest's rules).
     */
    const pickApprovers = (n: number, needSecurity: boolean, p: Planned) => {
      const eligible = approverPool.filter((u) => u.id !== p.req.requesterUserId && u.id !== p.identity.ownerUserId);
      const chosen: UserRow[] = [];
      if (needSecurity) chosen.push(rng.pick(eligible.filter((u) => u.roles.includes("security"))));
      for (const u of rng.shuffle(eligible)) {
        if (chosen.length >= n) break;
        if (!chosen.includes(u)) chosen.push(u);
      }
      return rng.shuffle(chosen);
    };
    const repoOf = (identity: IdentityRow) => systems.find((s) => s.key === identity.system)?.repo ?? identity.system;

    const requests: Prisma.AccessRequestCreateManyInput[] = [];
    const approvals: Prisma.ApprovalCreateManyInput[] = [];
    const grants: Prisma.GrantCreateManyInput[] = [];
    const reviews: Prisma.BreakGlassReviewCreateManyInput[] = [];

    type Planned = { req: Prisma.AccessRequestCreateManyInput; ent: EntitlementRow; identity: IdentityRow; requester: Requester; createdMs: number };

    /** The policy decision, in the shape routeRequest() produces, plus the demo's Cedar-style policy ids. */
    const decisionFor = (ent: EntitlementRow, identity: IdentityRow, durationSec: number, breakGlass: boolean, context: Record<string, unknown>, extension = false) => {
      const reasons: string[] = [];
      const policyIds: string[] = [];
      let outcome: "auto_approve" | "require_approval";
      let approvalsRequired = ent.approvalsRequired;
      let maxDurationSec = ent.maxDurationSec;
      if (breakGlass) {
        outcome = "auto_approve";
        approvalsRequired = 0;
        maxDurationSec = Math.min(ent.maxDurationSec, 3600);
        reasons.push("Break-glass: self-approved emergency access, reviewed by security afterwards");
        policyIds.push("builtin:break-glass");
      } else if (ent.approvalsRequired === 0) {
        outcome = "auto_approve";
        reasons.push("The entitlement needs no approval");
        policyIds.push("builtin:entitlement-approvals");
      } else {
        outcome = "require_approval";
        reasons.push(`Needs ${ent.approvalsRequired} approval${ent.approvalsRequired > 1 ? "s" : ""}${ent.securityApprovalRequired ? ", one of them from security" : ""}`);
        policyIds.push("builtin:entitlement-approvals");
      }
      if (ent.environment === "prod" && context.ticketRef) {
        reasons.push(`Production access carries ticket ${context.ticketRef}`);
        policyIds.push("prod-needs-ticket");
      }
      const onBehalfOf = context.onBehalfOf as string[] | undefined;
      if (onBehalfOf?.length) {
        reasons.push(`${identity.name} acts for ${onBehalfOf.join(", ")} under a registered delegation`);
        policyIds.push("agent-delegation");
      }
      return {
        outcome,
        reasons,
        policyIds,
        policyVersion: policyIds.some((p) => !p.startsWith("builtin:")) ? 1 : null,
        approvalsRequired,
        securityApprovalRequired: breakGlass ? false : ent.securityApprovalRequired,
        maxDurationSec,
        context: { identityKind: identity.kind, environment: ent.environment, riskTier: ent.riskTier, durationSec, breakGlass, ...context },
        ...(extension ? { extension: true } : {}),
      };
    };

    /** One request with its context and decision, status pending; callers move it on. */
    const planRequest = (ent: EntitlementRow, identity: IdentityRow, createdMs: number, opts: { breakGlass?: boolean; durationSec?: number } = {}): Planned => {
      const breakGlass = !!opts.breakGlass;
      const requester = pickRequester(identity, breakGlass);
      const durationSec = opts.durationSec ?? (breakGlass ? Math.min(ent.maxDurationSec, 3600, ent.defaultDurationSec * 2) : pickDuration(ent));
      const write = JSON.stringify(ent.target).includes("write") || ent.riskTier === "high" || ent.riskTier === "critical";
      const texts = ent.issuerType === "postgres" ? justifications[`demo-postgres:${write ? "write" : "read"}`] : justifications[ent.issuerType === "token" ? "hourglass-tokens" : "ops-webhook"];
      const ticketRef = ent.environment === "prod" || rng.chance(0.4) ? `OPS-${rng.int(1000, 4999)}` : null;
      const incidentRef = breakGlass || rng.chance(0.05) ? `INC-${rng.int(2000, 4999)}` : null;
      const changeRef = identity.kind === "ci_job" && write ? `CHG-${rng.int(10000, 19999)}` : null;
      const jobRef =
        identity.kind === "ci_job"
          ? identity.name.startsWith("glci-")
            ? `https://gitlab.northwind.example/${identity.name.includes("dbt") ? "data/dbt" : "infra/terraform"}/-/jobs/${rng.int(400000, 999999)}`
            : `https://github.com/northwind/${repoOf(identity)}/actions/runs/${rng.int(1_000_000_000, 9_999_999_999)}`
          : null;
      const principals = identity.kind === "ai_agent" && requester.identityId ? (principalsOf.get(identity.id) ?? []) : [];
      const onBehalfOf = principals.length && rng.chance(0.7) ? [rng.pick(principals)] : [];
      const onBehalfOfNames = onBehalfOf.map((id) => identityById.get(id)?.name ?? id);
      const refs = Object.fromEntries(Object.entries({ ticketRef, incidentRef, changeRef, jobRef }).filter(([, v]) => v));
      const decision = decisionFor(ent, identity, durationSec, breakGlass, { ...refs, ...(onBehalfOfNames.length ? { onBehalfOf: onBehalfOfNames } : {}) });
      const req: Prisma.AccessRequestCreateManyInput = {
        id: rng.uuid(),
        identityId: identity.id,
        entitlementId: ent.id,
        requesterUserId: requester.userId,
        requesterIdentityId: requester.identityId,
        durationSec,
        justification: breakGlass ? `Incident ${incidentRef}: ${rng.pick(["payment captures failing for EU cards", "orders stuck after a bad deploy", "ERP sync wedged during the holiday peak"])}` : rng.pick(texts),
        ticketRef,
        incidentRef,
        changeRef,
        jobRef,
        onBehalfOf,
        breakGlass,
        status: "pending",
        decision,
        approvalsRequired: decision.approvalsRequired,
        securityApprovalRequired: decision.securityApprovalRequired,
        environment: ent.environment,
        riskTier: ent.riskTier,
        identityKind: identity.kind,
        idempotencyKey: requester.identityId ? `run-${rng.hex(16)}` : null,
        createdAt: ts(createdMs),
        expiresAt: ts(createdMs + ent.requestTtlSec * 1000),
      };
      requests.push(req);
      audit(createdMs, {
        action: "request.created",
        subjectType: "access_request",
        subjectId: req.id,
        data: { identity: identity.name, entitlement: ent.name, durationSec, breakGlass, requester: requester.label, onBehalfOf: onBehalfOfNames, decision: { outcome: decision.outcome, reasons: decision.reasons, policyIds: decision.policyIds } },
      });
      return { req, ent, identity, requester, createdMs };
    };

    /** `count` approver decisions spread over `spanMs` after creation (the last may be a denial); returns the last one's time. */
    const addApprovals = (p: Planned, count: number, spanMs: number, last: "approve" | "deny", lastAtMs?: number): number => {
      const chosen = pickApprovers(count, p.req.securityApprovalRequired === true && last === "approve", p);
      const times = chosen.map(() => p.createdMs + rng.between(0.08, 1) * spanMs).sort((a, b) => a - b);
      if (lastAtMs !== undefined && times.length) times[times.length - 1] = Math.max(lastAtMs, times[times.length - 2] ?? 0);
      chosen.forEach((user, i) => {
        const deny = last === "deny" && i === chosen.length - 1;
        const asSecurity = !deny && user.roles.includes("security");
        const comment = deny ? rng.pick(denyComments) : rng.pick(approveComments);
        approvals.push({ id: rng.uuid(), requestId: p.req.id!, approverId: user.id, decision: deny ? "deny" : "approve", comment, asSecurity, createdAt: ts(times[i]) });
        audit(times[i], {
          action: deny ? "request.denied" : "request.approval_given",
          subjectType: "access_request",
          subjectId: p.req.id,
          data: { approver: user.email, comment, asSecurity: user.roles.includes("security") },
        });
      });
      return times.length ? times[times.length - 1] : p.createdMs;
    };

    const humanDelayMs = (ent: EntitlementRow) => rng.between(2 * MINUTE, Math.min(ent.responseTargetSec * 1.4, ent.requestTtlSec * 0.8)) * 1000;

    /** Approves a planned request (by policy, break-glass or people); `grantId` is the grant it leads to. */
    const approve = (p: Planned, grantId: string | null, lastAtMs?: number, spanMs?: number): number => {
      let decidedMs: number;
      if (p.req.approvalsRequired === 0) {
        decidedMs = p.createdMs + rng.between(40, 400);
        audit(decidedMs, { action: p.req.breakGlass ? "request.break_glass" : "request.auto_approved", subjectType: "access_request", subjectId: p.req.id, data: { grantId, reasons: (p.req.decision as { reasons: string[] }).reasons } });
      } else {
        decidedMs = addApprovals(p, p.req.approvalsRequired!, spanMs ?? humanDelayMs(p.ent), "approve", lastAtMs);
        audit(decidedMs + 5, { action: "request.approved", subjectType: "access_request", subjectId: p.req.id, data: { approvals: p.req.approvalsRequired, grantId, extension: !!p.req.extendsGrantId } });
      }
      p.req.status = "approved";
      p.req.decidedAt = ts(decidedMs);
      return decidedMs;
    };

    /** What each issuer driver records for a grant (lib/issuers/*): reference and non-secret meta. */
    const issuerRecord = (ent: EntitlementRow, identity: IdentityRow, grantId: string, expiresMs: number): { ref: string; meta: Prisma.InputJsonValue } => {
      const t = ent.target as Record<string, string>;
      if (ent.issuerType === "postgres") {
        // No `oid`: the demo roles were never created, so a revoke finds nothing to end (and no real session's OID is named).
        return { ref: `hg_${grantId.replace(/-/g, "")}`, meta: { group: t.role, database: TARGET_DATABASE, demo: true } };
      }
      if (ent.issuerType === "token") {
        return { ref: grantId, meta: { kid: "demo-es256-1", iss: "hourglass", aud: t.audience ?? tokenAudience, exp: Math.floor(expiresMs / 1000) } };
      }
      return {
        ref: grantId,
        meta: { identity: { id: identity.id, name: identity.name, kind: identity.kind, environment: identity.environment }, entitlement: { id: ent.id, name: ent.name, target: ent.target as Prisma.InputJsonValue } },
      };
    };

    type GrantPlan = {
      status: "active" | "revoked" | "revoke_failed" | "irrevocable" | "issue_failed";
      reason?: "expired" | "early" | "emergency" | "policy_drift" | "identity_quarantined" | "exception_ended";
      extensions?: number;
    };

    /** A grant with a consistent timeline: issued just after `decidedMs`, ending `endMs` or after its window and extensions. */
    const addGrant = (p: { id: string; requestId: string | null; exceptionId: string | null; ent: EntitlementRow; identity: IdentityRow; breakGlass: boolean; requester: Requester }, decidedMs: number, durationSec: number, plan: GrantPlan, endMs?: number) => {
      const { ent, identity, id } = p;
      const issuedMs = decidedMs + rng.between(150, 1200);
      const extensions = plan.extensions ?? 0;
      const expiresMs = endMs ?? issuedMs + (durationSec + extensions * ent.defaultDurationSec) * 1000;
      const g: Prisma.GrantCreateManyInput = {
        id,
        requestId: p.requestId,
        exceptionId: p.exceptionId,
        identityId: identity.id,
        entitlementId: ent.id,
        issuerId: ent.issuerId,
        status: plan.status,
        breakGlass: p.breakGlass,
        createdAt: ts(decidedMs + 2),
        updatedAt: ts(Math.min(nowMs, expiresMs)),
        expiresAt: ts(expiresMs),
        extensions,
      };
      grants.push(g);
      if (plan.status === "issue_failed") {
        const error = rng.pick(issueFailures);
        // The worker gave up issuing and verified nothing was left behind (lib/grants/issue-due-grants.ts).
        Object.assign(g, { attempts: 1, lastError: error, revokeReason: "issue_failed", revokeRequestedAt: ts(issuedMs), revokedAt: ts(issuedMs + rng.between(30, 300)), updatedAt: ts(issuedMs + 300) });
        audit(issuedMs, { action: "grant.issue_failed", subjectType: "grant", subjectId: id, data: { error, kind: "permanent", attempts: 1 } });
        audit(issuedMs + 300, { action: "grant.issue_cleaned_up", subjectType: "grant", subjectId: id, data: { reason: "issue_failed", verified: true, attempts: 1 } });
        return g;
      }
      const rec = issuerRecord(ent, identity, id, expiresMs);
      g.issuedAt = ts(issuedMs);
      g.issuerRef = rec.ref;
      g.issuerMeta = rec.meta;
      // The credential was handed over once to the requester (standing exception grants go to the workload's own secret store).
      g.credentialDeliveredAt = p.exceptionId ? null : ts(issuedMs + rng.between(300, 4000));
      audit(issuedMs, {
        action: "grant.issued",
        subjectType: "grant",
        subjectId: id,
        data: { issuer: ent.issuerName, reference: rec.ref, expiresAt: ts(issuedMs + durationSec * 1000).toISOString(), nativeExpiresAt: ts(issuedMs + durationSec * 1000).toISOString(), attempt: 1 },
      });
      if (g.credentialDeliveredAt) audit((g.credentialDeliveredAt as Date).getTime(), { action: "grant.credential_delivered", subjectType: "grant", subjectId: id, data: { to: p.requester.label } });

      // Extensions are new requests (extendsGrantId), decided like any other.
      for (let e = 1; e <= extensions; e++) {
        const fromMs = issuedMs + (durationSec + (e - 1) * ent.defaultDurationSec) * 1000;
        const askedMs = fromMs - rng.between(0.1, 0.3) * ent.defaultDurationSec * 1000;
        const ext = planExtension(p, askedMs, fromMs);
        audit(askedMs + 1, { action: "grant.extension_requested", subjectType: "grant", subjectId: id, data: { requestId: ext.req.id, durationSec: ent.defaultDurationSec, outcome: (ext.req.decision as { outcome: string }).outcome } });
        const decided = approve(ext, id, undefined, (fromMs - askedMs) * 0.8);
        audit(decided + 10, { action: "grant.extended", subjectType: "grant", subjectId: id, data: { from: ts(fromMs).toISOString(), to: ts(fromMs + ent.defaultDurationSec * 1000).toISOString(), requestId: ext.req.id } });
      }

      let endOfUse = Math.min(nowMs, expiresMs);
      if (plan.status === "revoked") {
        const reason = plan.reason ?? "expired";
        let revokedMs: number;
        let attempts = 1;
        if (reason === "expired" || reason === "exception_ended") {
          // Most revokes are confirmed within half a second of the end; a few needed a retry after a transient error.
          if (rng.chance(0.03)) {
            attempts = 2;
            revokedMs = expiresMs + rng.between(2_000, 9_000);
            audit(expiresMs + 400, { action: "grant.revoke_failed", subjectType: "grant", subjectId: id, data: { attempt: 1, error: "terminating connection due to administrator command", nextAttemptAt: ts(expiresMs + 1400).toISOString() } });
          } else revokedMs = expiresMs + rng.between(20, 500);
          Object.assign(g, { revokeRequestedAt: ts(expiresMs) });
        } else {
          const requestedMs = issuedMs + rng.between(reason === "early" ? 0.15 : 0.05, reason === "early" ? 0.85 : 0.5) * (expiresMs - issuedMs);
          revokedMs = requestedMs + rng.between(60, 400);
          const comment =
            reason === "early"
              ? rng.pick(["Finished early", "Task complete, releasing access", "Migration done", "Investigation closed"])
              : reason === "emergency"
                ? rng.pick(["Anomalous query volume flagged by DLP", "Credential exposure suspected in CI logs", "Incident commander revoked all prod write access"])
                : reason === "policy_drift"
                  ? "Policy prod-needs-ticket v2 no longer allows this grant without a change reference"
                  : "Identity quarantined by security";
          const by = reason === "early" ? p.requester.label : rng.pick(securityApprovers).email;
          Object.assign(g, { revokeRequestedAt: ts(requestedMs), revokeComment: comment });
          audit(requestedMs, { action: "grant.revoke_requested", subjectType: "grant", subjectId: id, data: { reason, comment, was: "active", by } });
        }
        Object.assign(g, { revokedAt: ts(revokedMs), revokeReason: reason, attempts, updatedAt: ts(revokedMs) });
        endOfUse = revokedMs;
        audit(revokedMs, { action: "grant.revoked", subjectType: "grant", subjectId: id, data: { reason, verified: true, attempts, lagMs: Math.round(revokedMs - expiresMs) } });
      } else if (plan.status === "revoke_failed") {
        const error = rng.pick(["connect ECONNREFUSED 10.0.4.12:5432", "connect ETIMEDOUT 10.0.4.12:5432"]);
        const next = nowMs + rng.between(60, 240) * 1000;
        Object.assign(g, { revokeRequestedAt: ts(expiresMs), revokeReason: "expired", attempts: 3, nextAttemptAt: ts(next), lastError: error, updatedAt: ts(nowMs - rng.between(30, 90) * 1000) });
        for (let a = 1; a <= 3; a++) {
          const atMs = expiresMs + (a - 1) * (nowMs - expiresMs) * 0.4 + 300;
          audit(atMs, { action: "grant.revoke_failed", subjectType: "grant", subjectId: id, data: { attempt: a, error, nextAttemptAt: ts(a === 3 ? next : atMs + (nowMs - expiresMs) * 0.4).toISOString() } });
        }
      } else if (plan.status === "irrevocable") {
        const error =
          `PostgreSQL issuer: role ${rec.ref} was disabled (NOLOGIN, group memberships revoked, sessions ended) but cannot be dropped because objects depend on it ` +
          `(owner of table public.orders_fix_backup in database ${TARGET_DATABASE}). Run REASSIGN OWNED BY ${rec.ref} TO <owner>; DROP OWNED BY ${rec.ref} in each database listed, then the revoke completes on its next attempt.`;
        const gaveUpMs = expiresMs + 25 * 60_000;
        Object.assign(g, { revokeRequestedAt: ts(expiresMs), revokeReason: "expired", attempts: 12, nextAttemptAt: ts(gaveUpMs + 24 * HOUR * 1000), lastError: error, updatedAt: ts(gaveUpMs) });
        audit(expiresMs + 400, { action: "grant.revoke_failed", subjectType: "grant", subjectId: id, data: { attempt: 1, error, nextAttemptAt: ts(expiresMs + 900).toISOString() } });
        audit(gaveUpMs, { action: "grant.irrevocable", subjectType: "grant", subjectId: id, data: { attempt: 12, error, nextAttemptAt: ts(gaveUpMs + 24 * HOUR * 1000).toISOString() } });
      }
      if (rng.chance(p.exceptionId ? 0.95 : 0.6) && endOfUse > issuedMs + 2000) {
        const first = issuedMs + rng.between(1000, Math.max(1500, Math.min(120_000, (endOfUse - issuedMs) * 0.2)));
        const last = first + rng.next() * (endOfUse - first);
        Object.assign(g, { firstUsedAt: ts(first), lastUsedAt: ts(last), useCount: p.exceptionId ? rng.int(200, 20000) : rng.int(1, 400) });
      }
      return g;
    };

    /** An extension request for a live grant (what extendGrant() writes). */
    const planExtension = (p: { id: string; ent: EntitlementRow; identity: IdentityRow; requester: Requester; requestId: string | null }, askedMs: number, fromMs: number): Planned => {
      const original = requests.find((r) => r.id === p.requestId);
      const refs = Object.fromEntries(Object.entries({ ticketRef: original?.ticketRef, incidentRef: original?.incidentRef, changeRef: original?.changeRef }).filter(([, v]) => v));
      const decision = decisionFor(p.ent, p.identity, p.ent.defaultDurationSec, false, refs, true);
      const req: Prisma.AccessRequestCreateManyInput = {
        id: rng.uuid(),
        identityId: p.identity.id,
        entitlementId: p.ent.id,
        requesterUserId: p.requester.userId,
        requesterIdentityId: p.requester.identityId,
        durationSec: p.ent.defaultDurationSec,
        justification: rng.pick(["Task took longer than planned", "Migration still running", "Backfill needs another batch", "Waiting on the vendor's export"]),
        ticketRef: original?.ticketRef ?? null,
        incidentRef: original?.incidentRef ?? null,
        changeRef: original?.changeRef ?? null,
        extendsGrantId: p.id,
        status: "pending",
        decision,
        approvalsRequired: decision.approvalsRequired,
        securityApprovalRequired: decision.securityApprovalRequired,
        environment: p.ent.environment,
        riskTier: p.ent.riskTier,
        identityKind: p.identity.kind,
        createdAt: ts(askedMs),
        expiresAt: ts(Math.min(askedMs + p.ent.requestTtlSec * 1000, fromMs)),
      };
      requests.push(req);
      return { req, ent: p.ent, identity: p.identity, requester: p.requester, createdMs: askedMs };
    };

    /** Plans a request that was approved and issued; `timing` places it in time. */
    const issued = (
      ent: EntitlementRow,
      identity: IdentityRow,
      plan: GrantPlan,
      timing: (durationMs: number, decisionSpanMs: number) => number,
      opts: { breakGlass?: boolean; endMs?: number } = {},
    ) => {
      const dur = opts.breakGlass ? Math.min(ent.maxDurationSec, 3600, ent.defaultDurationSec * 2) : pickDuration(ent);
      const totalMs = (dur + (plan.extensions ?? 0) * ent.defaultDurationSec) * 1000;
      const spanMs = ent.approvalsRequired && !opts.breakGlass ? humanDelayMs(ent) : 500;
      const createdMs = timing(totalMs, spanMs);
      const p = planRequest(ent, identity, createdMs, { breakGlass: opts.breakGlass, durationSec: dur });
      const grantId = rng.uuid();
      // The last approval lands at the end of the span, so the grant's window sits where `timing` put it.
      const decidedMs = approve(p, grantId, createdMs + spanMs, spanMs);
      const g = addGrant({ id: grantId, requestId: p.req.id!, exceptionId: null, ent, identity, breakGlass: !!opts.breakGlass, requester: p.requester }, decidedMs, dur, plan, opts.endMs);
      return { p, g, grantId, decidedMs };
    };

    // ---- revoked history over the last 30 days ---------------------------------------------------
    const revokeReasons: NonNullable<GrantPlan["reason"]>[] = [
      ...Array<"expired">(112).fill("expired"),
      ...Array<"early">(28).fill("early"),
      ...Array<"emergency">(5).fill("emergency"),
      ...Array<"policy_drift">(3).fill("policy_drift"),
      ...Array<"identity_quarantined">(2).fill("identity_quarantined"),
    ];
    const extendedIdx = new Set(rng.shuffle([...revokeReasons.keys()]).slice(0, 6));
    const quarantinedEnvs = new Set(identities.filter((i) => i.status === "quarantined").map((i) => i.environment));
    revokeReasons.forEach((reason, idx) => {
      const quarantined = reason === "identity_quarantined" && quarantinedEnvs.size > 0;
      // Quarantined identities got their access before the quarantine; the machine requested it itself or via an owner.
      const ent = pickEnt(quarantined ? (e) => quarantinedEnvs.has(e.environment) : () => true);
      const identity = pickIdentity(ent, { status: quarantined ? "quarantined" : "active" }) ?? pickIdentity(ent);
      if (!identity) return;
      const extensions = extendedIdx.has(idx) && reason === "expired" ? (rng.chance(0.8) ? 1 : 2) : 0;
      issued(ent, identity, { status: "revoked", reason, extensions }, (totalMs, spanMs) => nowMs - rng.between(spanMs + totalMs + 10 * 60_000, 30 * DAY * 1000));
    });

    // ---- break-glass: two in the past (one reviewed), one running now ------------------------------
    const breakGlassEnts = ents.filter((e) => e.breakGlassAllowed);
    const reviewsPlan: { requestId: string; createdMs: number; completed: boolean }[] = [];
    for (const [i, reason] of (["early", "expired"] as const).entries()) {
      const ent = breakGlassEnts[i % Math.max(1, breakGlassEnts.length)];
      const identity = ent && pickIdentity(ent, { breakGlass: true });
      if (!ent || !identity) continue;
      const { p } = issued(ent, identity, { status: "revoked", reason }, () => nowMs - rng.between(3, 25) * DAY * 1000, { breakGlass: true });
      reviewsPlan.push({ requestId: p.req.id!, createdMs: p.createdMs + 200, completed: i === 0 });
    }

    // ---- active grants: issued in the past, ending in the next minutes to hours --------------------
    // No live webhook grants: the demo webhook endpoint does not answer, so their revoke would fail.
    const liveEnt = (e: EntitlementRow) => e.issuerType !== "webhook";
    for (let i = 0; i < 25; i++) {
      const breakGlass = i === 0;
      const ent = breakGlass ? breakGlassEnts.find(liveEnt) : pickEnt(liveEnt);
      const identity = ent && pickIdentity(ent, { breakGlass });
      if (!ent || !identity) continue;
      const extensions = i === 3 || i === 11 ? 1 : 0;
      const { p } = issued(
        ent,
        identity,
        { status: "active", extensions },
        (totalMs, spanMs) => nowMs - totalMs + rng.between(Math.max(150_000, totalMs * 0.05), Math.max(180_000, totalMs * 0.95)) - spanMs - 1500,
        { breakGlass },
      );
      if (breakGlass) reviewsPlan.push({ requestId: p.req.id!, createdMs: p.createdMs + 200, completed: false });
    }

    // ---- failing revocations and failed issues ---------------------------------------------------
    const pgEnt = (e: EntitlementRow) => e.issuerType === "postgres";
    for (const status of ["revoke_failed", "revoke_failed", "irrevocable"] as const) {
      const ent = pickEnt(pgEnt);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      const expiresMs = nowMs - (status === "irrevocable" ? rng.between(6, 9) * HOUR * 1000 : rng.between(10, 40) * 60_000);
      issued(ent, identity, { status }, (totalMs, spanMs) => expiresMs - totalMs - spanMs - 1500, { endMs: expiresMs });
    }
    for (let i = 0; i < 5; i++) {
      const ent = pickEnt(() => true);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      issued(ent, identity, { status: "issue_failed" }, () => nowMs - rng.between(1, 28) * DAY * 1000);
    }

    // ---- denied, cancelled, expired --------------------------------------------------------------
    const needsApproval = (e: EntitlementRow) => e.approvalsRequired > 0;
    for (let i = 0; i < 20; i++) {
      const ent = pickEnt(needsApproval);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      const p = planRequest(ent, identity, nowMs - rng.between(0.2, 30) * DAY * 1000);
      const count = ent.approvalsRequired > 1 && rng.chance(0.3) ? 2 : 1;
      const decidedMs = addApprovals(p, count, humanDelayMs(ent), "deny");
      p.req.status = "denied";
      p.req.decidedAt = ts(decidedMs);
    }
    for (let i = 0; i < 12; i++) {
      const ent = pickEnt(needsApproval);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      const p = planRequest(ent, identity, nowMs - rng.between(0.3, 30) * DAY * 1000);
      const decidedMs = p.createdMs + rng.between(2 * 60, Math.min(6 * HOUR, ent.requestTtlSec * 0.7)) * 1000;
      p.req.status = "cancelled";
      p.req.decidedAt = ts(decidedMs);
      audit(decidedMs, { action: "request.cancelled", subjectType: "access_request", subjectId: p.req.id, data: { by: p.requester.label, reason: rng.pick(cancelReasons) } });
    }
    for (let i = 0; i < 15; i++) {
      const ent = pickEnt(needsApproval);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      const p = planRequest(ent, identity, nowMs - ent.requestTtlSec * 1000 - rng.between(0.1, 27) * DAY * 1000);
      const expiresMs = p.createdMs + ent.requestTtlSec * 1000;
      if (ent.approvalsRequired > 1 && rng.chance(0.5)) addApprovals(p, 1, ent.responseTargetSec * 1000, "approve");
      p.req.status = "expired";
      p.req.decidedAt = ts(expiresMs + rng.between(50, 900));
      p.req.remindedAt = ts(p.createdMs + ent.responseTargetSec * 1000);
      p.req.escalatedAt = ts(p.createdMs + 2 * ent.responseTargetSec * 1000);
      audit(expiresMs + 60, { action: "request.expired", subjectType: "access_request", subjectId: p.req.id, data: { reason: "no decision within the entitlement's window" } });
    }

    // ---- the pending queue -------------------------------------------------------------------
    // A few wait past their response target (two staging ones for over a day); the rest are fresh.
    const overdue = new Set([7, 19, 33, 48]);
    for (let i = 0; i < 60; i++) {
      const ent = pickEnt(overdue.has(i) ? (e) => needsApproval(e) && e.environment === (i < 30 ? "staging" : "prod") : needsApproval);
      const identity = pickIdentity(ent);
      if (!identity) continue;
      const rt = ent.responseTargetSec;
      const ageSec = overdue.has(i) ? rng.between(1.15, Math.min(2.2, (ent.requestTtlSec * 0.85) / rt)) * rt : Math.max(60 + rng.between(0, 600), rng.between(0, 0.9) ** 1.6 * rt);
      const p = planRequest(ent, identity, nowMs - ageSec * 1000);
      if (ageSec > rt) p.req.remindedAt = ts(p.createdMs + rt * 1000);
      if (ageSec > 2 * rt) p.req.escalatedAt = ts(p.createdMs + 2 * rt * 1000);
      // Some two-person requests already have their first approval (a non-security one, if security must give the other).
      if (ent.approvalsRequired > 1 && rng.chance(0.4)) {
        const first = pickApprovers(1, false, p).filter((u) => !ent.securityApprovalRequired || !u.roles.includes("security"));
        const atMs = p.createdMs + rng.between(0.1, 0.9) * ageSec * 1000;
        for (const user of first) {
          const comment = rng.pick(approveComments);
          approvals.push({ id: rng.uuid(), requestId: p.req.id!, approverId: user.id, decision: "approve", comment, asSecurity: false, createdAt: ts(atMs) });
          audit(atMs, { action: "request.approval_given", subjectType: "access_request", subjectId: p.req.id, data: { approver: user.email, comment, asSecurity: false } });
        }
      }
    }

    // ---- break-glass reviews -------------------------------------------------------------------
    for (const r of reviewsPlan) {
      const reviewer = securityApprovers[0];
      const completedMs = r.createdMs + rng.between(4, 20) * HOUR * 1000;
      reviews.push({
        id: rng.uuid(),
        requestId: r.requestId,
        status: r.completed ? "completed" : "open",
        findings: r.completed ? "Justified: the incident was real and the grant was used only for the fix. Follow-up: add a runbook step so this needs no break-glass next time." : "",
        completedById: r.completed ? reviewer.id : null,
        completedAt: r.completed ? ts(completedMs) : null,
        createdAt: ts(r.createdMs),
      });
      if (r.completed) audit(completedMs, { action: "break_glass.reviewed", subjectType: "access_request", subjectId: r.requestId, data: { by: reviewer.email, outcome: "justified" } });
    }

    // ---- exceptions (standing access, risk-accepted) ---------------------------------------------
    const exceptionRows: Prisma.ExceptionCreateManyInput[] = [];
    const exceptionIds = new Map<string, string>();
    const dayMs = (days: number) => nowMs + days * DAY * 1000 + rng.between(-3, 3) * HOUR * 1000;
    for (const spec of exceptionSpecs) {
      const identity = identityByName.get(spec.identity);
      const ent = entByName.get(spec.entitlement);
      const proposer = userByEmail.get(spec.proposedBy);
      const reviewer = spec.reviewer ? userByEmail.get(spec.reviewer) : undefined;
      if (!identity || !ent || !proposer) continue;
      const id = rng.uuid();
      exceptionIds.set(spec.key, id);
      const createdMs = spec.createdDays === 0 ? nowMs - rng.between(1, 5) * HOUR * 1000 : dayMs(spec.createdDays);
      const acceptedMs = spec.acceptedDays !== undefined ? Math.max(createdMs + HOUR * 1000, dayMs(spec.acceptedDays)) : undefined;
      const expiresMs = spec.expiresDays !== undefined ? nowMs + spec.expiresDays * DAY * 1000 : undefined;
      const endedMs = spec.endedDays !== undefined ? (spec.status === "expired" ? expiresMs! : dayMs(spec.endedDays)) : undefined;
      const reviewedMs = acceptedMs ?? (reviewer ? createdMs + rng.between(2, 30) * HOUR * 1000 : undefined);
      const renewalOfId = spec.renewalOf ? (exceptionIds.get(spec.renewalOf) ?? null) : null;
      exceptionRows.push({
        id,
        identityId: identity.id,
        entitlementId: ent.id,
        justification: spec.justification,
        riskRating: spec.riskRating,
        compensatingControls: spec.compensatingControls,
        reviewCadenceDays: spec.reviewCadenceDays,
        status: spec.status,
        proposedById: proposer.id,
        acceptedById: acceptedMs !== undefined ? (reviewer?.id ?? null) : null,
        reviewedById: reviewedMs !== undefined ? (reviewer?.id ?? null) : null,
        reviewedAt: reviewedMs !== undefined && reviewer ? ts(reviewedMs) : null,
        revokeRequestedAt: spec.status === "revoked" && endedMs !== undefined ? ts(endedMs - 1) : null,
        revokedById: spec.status === "revoked" ? (reviewer?.id ?? null) : null,
        revokeComment: spec.status === "revoked" ? (spec.reviewComment ?? null) : null,
        reviewComment: spec.reviewComment ?? (acceptedMs !== undefined ? `Accepted until ${ts(expiresMs!).toISOString().slice(0, 10)}; review every ${spec.reviewCadenceDays} days` : null),
        requestedEndAt: ts(nowMs + spec.requestedEndDays * DAY * 1000),
        acceptedAt: acceptedMs !== undefined ? ts(acceptedMs) : null,
        expiresAt: expiresMs !== undefined ? ts(expiresMs) : null,
        endedAt: endedMs !== undefined ? ts(endedMs) : null,
        renewalOfId,
        createdAt: ts(createdMs),
        updatedAt: ts(Math.min(nowMs, endedMs ?? reviewedMs ?? createdMs)),
      });
      audit(createdMs, {
        action: renewalOfId ? "exception.renewal_proposed" : "exception.proposed",
        subjectType: "exception",
        subjectId: id,
        data: { identity: identity.name, entitlement: ent.name, riskRating: spec.riskRating, proposedBy: proposer.email, requestedEndAt: ts(nowMs + spec.requestedEndDays * DAY * 1000).toISOString(), renewalOf: renewalOfId },
      });
      if (spec.status === "changes_requested" || spec.status === "rejected") {
        audit(reviewedMs!, { action: `exception.${spec.status}`, subjectType: "exception", subjectId: id, data: { by: reviewer?.email, comment: spec.reviewComment } });
      }
      if (acceptedMs !== undefined) {
        audit(acceptedMs, { action: "exception.accepted", subjectType: "exception", subjectId: id, data: { by: reviewer?.email, expiresAt: ts(expiresMs!).toISOString(), reviewCadenceDays: spec.reviewCadenceDays } });
        const grantEnd = spec.status === "revoked" ? endedMs! : expiresMs!;
        const requester: Requester = { userId: proposer.id, identityId: null, label: proposer.email };
        addGrant(
          { id: rng.uuid(), requestId: null, exceptionId: id, ent, identity, breakGlass: false, requester },
          acceptedMs + 800,
          Math.round((grantEnd - acceptedMs) / 1000),
          spec.status === "accepted" ? { status: "active" } : { status: "revoked", reason: "exception_ended" },
          grantEnd,
        );
        if (spec.status === "expired") audit(endedMs! - 1, { action: "exception.expired", subjectType: "exception", subjectId: id, data: { identity: identity.name, entitlement: ent.name } });
        if (spec.status === "revoked") audit(endedMs! - 1, { action: "exception.revoked", subjectType: "exception", subjectId: id, data: { by: reviewer?.email, comment: spec.reviewComment } });
      }
    }

    // ---- attestation campaigns ---------------------------------------------------------------
    const campaigns: Prisma.AttestationCampaignCreateManyInput[] = [];
    const attestations: Prisma.AttestationCreateManyInput[] = [];
    const manager = securityApprovers[0];
    const attesterFor = (identity: IdentityRow): UserRow | undefined => {
      if (identity.ownerUserId) return userById.get(identity.ownerUserId);
      if (identity.ownerTeamId) {
        const owners = (teamMembers.get(identity.ownerTeamId) ?? []).map((id) => userById.get(id)).filter((u): u is UserRow => !!u && u.roles.includes("owner"));
        return owners.length ? rng.pick(owners) : undefined;
      }
      return undefined;
    };
    const decisionComment: Record<string, string[]> = {
      keep: ["", "", "Still in use by the nightly jobs", "Verified with the service team"],
      reduce: ["Drop write access; read is enough", "Scope the token to orders:read only"],
      decommission: ["Replaced by the Kubernetes workload identity", "Integration retired in October"],
      reassign: ["Moved to the data team", "Belongs to fulfilment since the reorg"],
    };
    const decide = () =>
      rng.weighted([
        ["keep", 85],
        ["reduce", 8],
        ["reassign", 4],
        ["decommission", 3],
      ] as const);

    const closedId = rng.uuid();
    const closedCreated = nowMs - 110 * DAY * 1000;
    const closedDue = nowMs - 80 * DAY * 1000;
    const closedName = `${quarterLabel(now, -1)} API key attestation`;
    campaigns.push({ id: closedId, name: closedName, scope: { kind: "api_key" }, status: "closed", dueAt: ts(closedDue), autoQuarantine: false, createdById: manager.id, createdAt: ts(closedCreated), remindedAt: ts(closedDue - 5 * DAY * 1000), escalatedAt: ts(closedDue - DAY * 1000) });
    audit(closedCreated, { action: "campaign.opened", subjectType: "attestation_campaign", subjectId: closedId, data: { name: closedName, scope: { kind: "api_key" }, dueAt: ts(closedDue).toISOString() } });
    let closedCount = 0;
    for (const identity of identities.filter((i) => i.kind === "api_key" && i.createdAt.getTime() < closedCreated)) {
      const owner = attesterFor(identity);
      const by = owner ?? manager;
      const decision = identity.status === "decommissioned" ? "decommission" : owner ? decide() : "reassign";
      const atMs = closedCreated + rng.between(0.05, 0.98) * (closedDue - closedCreated);
      const comment = owner ? rng.pick(decisionComment[decision]) : "No owner on record: assigned to the system's team";
      attestations.push({ id: rng.uuid(), campaignId: closedId, identityId: identity.id, decision, comment, attestedById: by.id, attestedAt: ts(atMs), createdAt: ts(closedCreated) });
      audit(atMs, { action: "attestation.recorded", subjectType: "identity", subjectId: identity.id, data: { campaign: closedName, decision, by: by.email, comment } });
      closedCount++;
    }
    audit(closedDue + HOUR * 1000, { action: "campaign.closed", subjectType: "attestation_campaign", subjectId: closedId, data: { name: closedName, attested: closedCount } });

    const openId = rng.uuid();
    const openCreated = nowMs - 20 * DAY * 1000;
    const openDue = nowMs + 10 * DAY * 1000;
    const openName = `${quarterLabel(now)} production attestation`;
    campaigns.push({ id: openId, name: openName, scope: { environment: "prod" }, status: "open", dueAt: ts(openDue), autoQuarantine: false, createdById: manager.id, createdAt: ts(openCreated), remindedAt: ts(nowMs - 3 * DAY * 1000) });
    audit(openCreated, { action: "campaign.opened", subjectType: "attestation_campaign", subjectId: openId, data: { name: openName, scope: { environment: "prod" }, dueAt: ts(openDue).toISOString() } });
    for (const identity of identities.filter((i) => i.environment === "prod" && i.status !== "decommissioned")) {
      const by = attesterFor(identity);
      const row: Prisma.AttestationCreateManyInput = { id: rng.uuid(), campaignId: openId, identityId: identity.id, createdAt: ts(openCreated) };
      if (by && rng.chance(0.45)) {
        const decision = decide();
        const atMs = openCreated + rng.between(0.02, 0.99) * (nowMs - openCreated);
        Object.assign(row, { decision, comment: rng.pick(decisionComment[decision]), attestedById: by.id, attestedAt: ts(atMs) });
        audit(atMs, { action: "attestation.recorded", subjectType: "identity", subjectId: identity.id, data: { campaign: openName, decision, by: by.email, comment: row.comment } });
      }
      attestations.push(row);
    }

    // ---- write -----------------------------------------------------------------------------
    await tx.accessRequest.createMany({ data: requests });
    await tx.approval.createMany({ data: approvals });
    await tx.exception.createMany({ data: exceptionRows.filter((e) => !e.renewalOfId) });
    await tx.exception.createMany({ data: exceptionRows.filter((e) => e.renewalOfId) });
    await tx.grant.createMany({ data: grants });
    await tx.breakGlassReview.createMany({ data: reviews });
    await tx.attestationCampaign.createMany({ data: campaigns });
    await tx.attestation.createMany({ data: attestations });
    // An identity's last attestation follows the campaigns' decisions.
    await tx.$executeRaw`
      UPDATE "Identity" i SET "lastAttestedAt" = a.at
      FROM (SELECT "identityId", max("attestedAt") AS at FROM "Attestation" WHERE "attestedAt" IS NOT NULL GROUP BY "identityId") a
      WHERE a."identityId" = i.id AND (i."lastAttestedAt" IS NULL OR i."lastAttestedAt" < a.at)`;

    audits.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const a of audits) await appendAudit(tx, actor, a.input);

    return {
      requests: requests.length,
      approvals: approvals.length,
      grants: grants.length,
      breakGlassReviews: reviews.length,
      exceptions: exceptionRows.length,
      campaigns: campaigns.length,
      attestations: attestations.length,
      auditEvents: audits.length,
    };
  }, TX_OPTIONS);
}

// ---------------------------------------------------------------------------------------------

async function countAll(db: PrismaClient): Promise<SeedCounts> {
  const [users, teams, identities, issuers, entitlements, requests, pending, grants, activeGrants, failing, exceptions, campaigns, attestations, auditEvents] = await Promise.all([
    db.user.count(),
    db.team.count(),
    db.identity.count(),
    db.issuer.count(),
    db.entitlement.count(),
    db.accessRequest.count(),
    db.accessRequest.count({ where: { status: "pending" } }),
    db.grant.count(),
    db.grant.count({ where: { status: "active" } }),
    db.grant.count({ where: { status: { in: ["revoke_failed", "irrevocable"] } } }),
    db.exception.count(),
    db.attestationCampaign.count(),
    db.attestation.count(),
    db.auditEvent.count(),
  ]);
  return { users, teams, identities, issuers, entitlements, requests, pending, grants, activeGrants, failingRevocations: failing, exceptions, campaigns, attestations, auditEvents };
}

/** Writes the Northwind Logistics demo into `db`. Safe to run again: nothing is duplicated. */
/**
 * The seeded failing revocations stay failing once the worker retries them, for the reason their
 * history gives: each grant's role exists in the target and owns a table, so PostgreSQL refuses to
 * drop it (the driver disables the role, ends its sessions, and reports what blocks the drop). An
 * operator clears it the way the error says, or force-resolves the grant.
 */
async function makeRevocationsStick(db: PrismaClient, targetUrl: string): Promise<number> {
  const failing = await db.grant.findMany({
    where: { status: { in: ["revoke_failed", "irrevocable"] }, issuer: { type: "postgres" }, issuerRef: { not: null } },
    select: { issuerRef: true, status: true },
    orderBy: { status: "asc" },
  });
  const c = new pg.Client({ connectionString: targetUrl });
  await c.connect();
  try {
    for (const [i, g] of failing.entries()) {
      const role = c.escapeIdentifier(g.issuerRef!);
      const table = g.status === "irrevocable" && !failing.slice(0, i).some((x) => x.status === "irrevocable") ? "orders_fix_backup" : `orders_export_${i}`;
      await c.query(`DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await c.query(`CREATE TABLE IF NOT EXISTS public.${c.escapeIdentifier(table)} (LIKE public.orders)`);
      await c.query(`ALTER TABLE public.${c.escapeIdentifier(table)} OWNER TO ${role}`);
    }
  } finally {
    await c.end();
  }
  return failing.length;
}

export async function seedDemo(db: PrismaClient, opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  const targetUrl = opts.targetUrl ?? (opts.databaseUrl ? defaultTargetUrl(opts.databaseUrl) : undefined);
  if (!targetUrl) throw new Error("seedDemo needs opts.targetUrl or opts.databaseUrl to configure the demo PostgreSQL issuer");

  const target: SeedDemoResult["target"] = { url: redactUrl(targetUrl), status: "skipped" };
  let t = Date.now();
  if (opts.setupTarget !== false) {
    try {
      await prepareTargetDatabase(targetUrl);
      target.status = "ready";
      log(`target database ${target.url} ready in ${Date.now() - t} ms`);
    } catch (e) {
      // The rest of the demo is still useful; the issuer's health check will show the problem.
      target.status = "failed";
      target.error = (e as Error).message;
      log(`target database ${target.url} not prepared: ${target.error}`);
    }
  }

  t = Date.now();
  const staticCreated = await seedStatic(db, { now, password: opts.password ?? DEFAULT_DEMO_PASSWORD, targetUrl, opsWebhook: opts.opsWebhook, identitySpecs: buildIdentities() });
  log(`organisation: ${Object.entries(staticCreated).map(([k, v]) => `${v} ${k}`).join(", ")} created in ${Date.now() - t} ms`);
  t = Date.now();
  const historyCreated = await seedHistory(db, now);
  log(historyCreated ? `history: ${Object.entries(historyCreated).map(([k, v]) => `${v} ${k}`).join(", ")} created in ${Date.now() - t} ms` : "history: already present, left as it is");
  const created: SeedCounts = { ...staticCreated };
  if (historyCreated) {
    for (const [k, v] of Object.entries(historyCreated)) created[k] = (created[k] ?? 0) + v;
  }
  if (historyCreated && target.status === "ready") {
    const stuck = await makeRevocationsStick(db, targetUrl);
    log(`target: ${stuck} failing revocations made real (their roles own objects)`);
  }
  const totals = await countAll(db);
  const elapsedMs = Date.now() - started;
  const summary =
    `seed: ${totals.users} users, ${totals.teams} teams, ${totals.identities} identities, ${totals.issuers} issuers, ${totals.entitlements} entitlements, ` +
    `${totals.requests} requests (${totals.pending} pending), ${totals.grants} grants (${totals.activeGrants} active, ${totals.failingRevocations} failing), ` +
    `${totals.exceptions} exceptions, ${totals.campaigns} campaigns, ${totals.attestations} attestations, ${totals.auditEvents} audit events; ` +
    `history ${historyCreated ? "created" : "already present"}, created ${Object.values(created).reduce((a, b) => a + b, 0)} rows/events; target ${target.status}; ${elapsedMs} ms`;
  return { elapsedMs, created, totals, history: historyCreated ? "created" : "present", target, summary };
}

