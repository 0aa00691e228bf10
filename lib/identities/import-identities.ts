import { createHash } from "node:crypto";
import { z } from "zod";
import { getDb, type Tx } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import type { Criticality, Environment, IdentityKind, Prisma } from "../generated/prisma/client";
import {
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  MAX_LISTED_ISSUES,
  issue,
  readCsvRows,
  readJsonRows,
  validateRow,
  type ImportIssue,
  type ImportRow,
  type RawRow,
} from "./import-rows";

export const importIdentitiesInput = z.object({
  format: z.enum(["csv", "json"], { error: 'format must be "csv" or "json"' }),
  content: z.string({ error: "content is required" }),
  /** Validate and show what would happen, write nothing. */
  dryRun: z.boolean().default(false),
  /** Update identities whose name already exists (otherwise an existing name is an error). */
  upsert: z.boolean().default(false),
});

export type ImportAction = "create" | "update" | "unchanged";

export type ImportPreviewRow = {
  line?: number;
  index?: number;
  name: string;
  action: ImportAction;
  kind: IdentityKind;
  environment: Environment;
  system: string;
  criticality: Criticality | null;
  owner: string | null;
  /** For an update: what changes, "field: before → after". */
  changes: string[];
};

export type ImportReport = {
  dryRun: boolean;
  /** No problem found; for a real import, everything was written. */
  ok: boolean;
  format: "csv" | "json";
  upsert: boolean;
  bytes: number;
  sha256: string;
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  preview: ImportPreviewRow[];
  /** The first MAX_LISTED_ISSUES problems, in file order. */
  errors: ImportIssue[];
  errorCount: number;
};

type Owner = { userId: string | null; teamId: string | null; label: string | null };
type Planned = { row: ImportRow; at: Pick<RawRow, "line" | "index">; owner: Owner | undefined; existing: Existing | null; action: ImportAction; changes: string[] };
type Existing = Prisma.IdentityGetPayload<{ include: { ownerUser: { select: { email: true } }; ownerTeam: { select: { name: true } } } }>;

/**
 * Imports identities from a CSV or JSON file. Every row is checked (format, values, owners,
 * duplicate and existing names) and every problem is reported with its line (CSV, the header is
 * line 1) or item index (JSON) and field. The import is all or nothing: one transaction, with an
 * audit event per identity and one for the file (counts and the content's SHA-256). A dry run
 * returns the same report and writes nothing. Admins only (identity:write).
 */
export async function importIdentities({ actor, ...raw }: { actor: Actor } & z.input<typeof importIdentitiesInput>): Promise<ImportReport> {
  assertCan(actor, "identity:write");
  const input = parseInput(importIdentitiesInput, raw);
  const bytes = Buffer.byteLength(input.content, "utf8");
  if (bytes > MAX_IMPORT_BYTES) {
    throw new AppError(
      "payload_too_large",
      `The file is ${(bytes / 1024 / 1024).toFixed(1)} MB; an import takes at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB (and ${MAX_IMPORT_ROWS.toLocaleString("en")} rows). Split it into smaller files.`,
      { bytes, maxBytes: MAX_IMPORT_BYTES },
    );
  }
  const sha256 = createHash("sha256").update(input.content, "utf8").digest("hex");
  const read = input.format === "csv" ? readCsvRows(input.content) : readJsonRows(input.content);
  if (read.rows.length > MAX_IMPORT_ROWS) {
    throw new AppError("payload_too_large", `The file has ${read.rows.length.toLocaleString("en")} rows; an import takes at most ${MAX_IMPORT_ROWS.toLocaleString("en")}. Split it into smaller files.`, {
      rows: read.rows.length,
      maxRows: MAX_IMPORT_ROWS,
    });
  }
  const base = { format: input.format, upsert: input.upsert, bytes, sha256 };

  if (input.dryRun) return report(await plan(getDb(), read, input.upsert), { ...base, dryRun: true });

  const db = getDb();
  return db.$transaction(
    async (tx) => {
      // Checked again inside the transaction: names and owners may have changed since a preview.
      const planned = await plan(tx, read, input.upsert);
      const result = report(planned, { ...base, dryRun: false });
      if (!result.ok) throw importRefused(result);
      await write(tx, actor, planned.planned, { ...base, created: result.create, updated: result.update, unchanged: result.unchanged, rows: result.rows });
      return result;
    },
    { timeout: 120_000, maxWait: 15_000 },
  );
}

/** The error for a file with problems: the first few in the message, all (up to the limit) in details. */
export function importRefused(report: ImportReport): AppError {
  const shown = report.errors.slice(0, 3).map((e) => e.text).join("; ");
  const more = report.errorCount > 3 ? `; and ${report.errorCount - 3} more` : "";
  const lead = report.dryRun ? "The file cannot be imported" : "Nothing was imported";
  return new AppError("validation_failed", `${lead}: it has ${report.errorCount} problem${report.errorCount > 1 ? "s" : ""}. ${shown}${more}`, {
    errors: report.errors,
    errorCount: report.errorCount,
  });
}

// ---------------------------------------------------------------------------------------------

async function plan(db: Tx, read: { rows: RawRow[]; issues: ImportIssue[] }, upsert: boolean): Promise<{ planned: Planned[]; issues: ImportIssue[]; rows: number }> {
  const issues = [...read.issues];
  if (read.rows.length === 0 && issues.length === 0) issues.push(issue({}, undefined, "the file has no identities"));

  const valid: { row: ImportRow; at: Pick<RawRow, "line" | "index"> }[] = [];
  const firstByName = new Map<string, Pick<RawRow, "line" | "index">>();
  for (const raw of read.rows) {
    const at = raw.line !== undefined ? { line: raw.line } : { index: raw.index };
    const checked = validateRow(raw);
    issues.push(...checked.issues);
    if (!checked.value) continue;
    const first = firstByName.get(checked.value.name);
    if (first) {
      issues.push(issue(at, "name", `"${checked.value.name}" appears twice in the file (first at ${first.line !== undefined ? `line ${first.line}` : `item [${first.index}]`})`));
      continue;
    }
    firstByName.set(checked.value.name, at);
    valid.push({ row: checked.value, at });
  }

  const owners = await resolveOwners(db, valid.map((v) => v.row.owner).filter((o): o is string => !!o));
  const existing = valid.length
    ? await db.identity.findMany({
        where: { name: { in: valid.map((v) => v.row.name) } },
        include: { ownerUser: { select: { email: true } }, ownerTeam: { select: { name: true } } },
      })
    : [];
  const existingByName = new Map(existing.map((e) => [e.name, e]));

  const planned: Planned[] = [];
  for (const { row, at } of valid) {
    let owner: Owner | undefined;
    let ownerOk = true;
    if (row.owner === null) owner = { userId: null, teamId: null, label: null };
    else if (row.owner !== undefined) {
      const found = owners.get(row.owner.toLowerCase());
      if (!found || "problem" in found) {
        issues.push(issue(at, "owner", found?.problem ?? unknownOwner(row.owner)));
        ownerOk = false;
      } else owner = found;
    }
    const current = existingByName.get(row.name) ?? null;
    if (current && !upsert) {
      issues.push(issue(at, "name", `an identity named "${row.name}" already exists; import with upsert to update it`));
      continue;
    }
    if (!ownerOk) continue;
    const changes = current ? diff(current, row, owner) : [];
    planned.push({ row, at, owner, existing: current, action: current ? (changes.length ? "update" : "unchanged") : "create", changes });
  }
  issues.sort((a, b) => (a.line ?? a.index ?? -1) - (b.line ?? b.index ?? -1));
  return { planned, issues, rows: read.rows.length };
}

const unknownOwner = (owner: string) =>
  owner.includes("@") ? `no user has the email "${owner}"` : `no team is named "${owner}" (an owner is a user's email or a team's name)`;

/** Owners by their lower-cased email or team name: users for emails, teams for the rest. */
async function resolveOwners(db: Tx, values: string[]): Promise<Map<string, Owner | { problem: string }>> {
  const wanted = [...new Set(values.map((v) => v.toLowerCase()))];
  const emails = wanted.filter((v) => v.includes("@"));
  const teams = wanted.filter((v) => !v.includes("@"));
  const map = new Map<string, Owner | { problem: string }>();
  if (emails.length) {
    const users = await db.$queryRaw<{ id: string; email: string; active: boolean }[]>`
      SELECT id::text, email, active FROM "User" WHERE lower(email) = ANY(${emails}::text[])`;
    for (const u of users) {
      map.set(u.email.toLowerCase(), u.active ? { userId: u.id, teamId: null, label: u.email } : { problem: `the user ${u.email} is deactivated and cannot own identities` });
    }
  }
  if (teams.length) {
    const found = await db.$queryRaw<{ id: string; name: string }[]>`
      SELECT id::text, name FROM "Team" WHERE lower(name) = ANY(${teams}::text[]) ORDER BY name`;
    for (const t of found) {
      const key = t.name.toLowerCase();
      const before = map.get(key);
      // Two teams whose names differ only in case: the name must be written exactly.
      if (before && !("problem" in before)) map.set(key, { problem: `several teams are named "${t.name}" in different cases; write the name exactly` });
      else map.set(key, { userId: null, teamId: t.id, label: `team ${t.name}` });
    }
  }
  return map;
}

function ownerLabelOf(e: Existing): string | null {
  return e.ownerUser ? e.ownerUser.email : e.ownerTeam ? `team ${e.ownerTeam.name}` : null;
}

function diff(e: Existing, row: ImportRow, owner: Owner | undefined): string[] {
  const changes: string[] = [];
  const show = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? "(none)" : v);
  const cmp = (field: string, before: string | null, after: string | null | undefined) => {
    if (after === undefined) return;
    if ((before ?? "") !== (after ?? "")) changes.push(`${field}: ${show(before)} → ${show(after)}`);
  };
  cmp("kind", e.kind, row.kind);
  cmp("environment", e.environment, row.environment);
  cmp("system", e.system, row.system);
  if (row.criticality) cmp("criticality", e.criticality, row.criticality);
  if (owner && (owner.userId !== e.ownerUserId || owner.teamId !== e.ownerTeamId)) changes.push(`owner: ${show(ownerLabelOf(e))} → ${show(owner.label)}`);
  if (row.description !== undefined && (row.description ?? "") !== e.description) changes.push("description changed");
  cmp("workloadIssuer", e.workloadIssuer, row.workloadIssuer);
  cmp("workloadSubject", e.workloadSubject, row.workloadSubject);
  cmp("spiffeId", e.spiffeId, row.spiffeId);
  return changes;
}

function report(p: { planned: Planned[]; issues: ImportIssue[]; rows: number }, base: Pick<ImportReport, "dryRun" | "format" | "upsert" | "bytes" | "sha256">): ImportReport {
  const count = (a: ImportAction) => p.planned.filter((x) => x.action === a).length;
  return {
    ...base,
    ok: p.issues.length === 0,
    rows: p.rows,
    create: count("create"),
    update: count("update"),
    unchanged: count("unchanged"),
    preview: p.planned.map(({ row, at, owner, existing, action, changes }) => ({
      ...at,
      name: row.name,
      action,
      kind: row.kind,
      environment: row.environment,
      system: row.system,
      criticality: row.criticality ?? (existing ? existing.criticality : null),
      owner: owner ? owner.label : existing ? ownerLabelOf(existing) : null,
      changes,
    })),
    errors: p.issues.slice(0, MAX_LISTED_ISSUES),
    errorCount: p.issues.length,
  };
}

/** Optional values: an absent column leaves the field alone, an empty one clears it. */
const keep = (v: string | null | undefined, cleared: null) => (v === undefined ? undefined : v === null ? cleared : v);

async function write(
  tx: Tx,
  actor: Actor,
  planned: Planned[],
  summary: { format: string; upsert: boolean; bytes: number; sha256: string; created: number; updated: number; unchanged: number; rows: number },
): Promise<void> {
  const via = { via: "import", import: summary.sha256 };
  const events: AuditInput[] = [];
  const creates = planned.filter((p) => p.action === "create");
  if (creates.length) {
    const created = await tx.identity.createManyAndReturn({
      data: creates.map(({ row, owner }) => ({
        name: row.name,
        kind: row.kind,
        environment: row.environment,
        system: row.system,
        criticality: row.criticality ?? undefined,
        description: row.description ?? "",
        ownerUserId: owner?.userId ?? null,
        ownerTeamId: owner?.teamId ?? null,
        workloadIssuer: row.workloadIssuer ?? null,
        workloadSubject: row.workloadSubject ?? null,
        spiffeId: row.spiffeId ?? null,
      })),
      select: { id: true, name: true, criticality: true },
    }).catch(rethrowConflict);
    const byName = new Map(created.map((c) => [c.name, c]));
    for (const { row, owner } of creates) {
      const c = byName.get(row.name)!;
      events.push({
        action: "identity.registered",
        subjectType: "identity",
        subjectId: c.id,
        data: {
          name: row.name,
          kind: row.kind,
          environment: row.environment,
          system: row.system,
          criticality: c.criticality,
          owner: owner?.label ?? null,
          workloadIssuer: row.workloadIssuer ?? null,
          workloadSubject: row.workloadSubject ?? null,
          spiffeId: row.spiffeId ?? null,
          ...via,
        },
      });
    }
  }

  const ownerChanges: Prisma.IdentityOwnerChangeCreateManyInput[] = [];
  for (const { row, owner, existing, changes } of planned.filter((p) => p.action === "update")) {
    const e = existing!;
    const ownerMoves = !!owner && (owner.userId !== e.ownerUserId || owner.teamId !== e.ownerTeamId);
    await tx.identity.update({
      where: { id: e.id },
      data: {
        kind: row.kind,
        environment: row.environment,
        system: row.system,
        criticality: row.criticality ?? undefined,
        description: row.description === undefined ? undefined : (row.description ?? ""),
        workloadIssuer: keep(row.workloadIssuer, null),
        workloadSubject: keep(row.workloadSubject, null),
        spiffeId: keep(row.spiffeId, null),
        ...(ownerMoves ? { ownerUserId: owner.userId, ownerTeamId: owner.teamId } : {}),
      },
    });
    events.push({ action: "identity.updated", subjectType: "identity", subjectId: e.id, data: { name: e.name, changes, ...via } });
    if (ownerMoves) {
      ownerChanges.push({
        identityId: e.id,
        fromUserId: e.ownerUserId,
        fromTeamId: e.ownerTeamId,
        toUserId: owner.userId,
        toTeamId: owner.teamId,
        changedById: actor.type === "user" ? actor.id : null,
        reason: "import",
      });
      events.push({ action: "identity.owner_changed", subjectType: "identity", subjectId: e.id, data: { from: ownerLabelOf(e), to: owner.label, reason: "import" } });
    }
  }
  if (ownerChanges.length) await tx.identityOwnerChange.createMany({ data: ownerChanges });

  events.push({
    action: "identities.imported",
    subjectType: "identity_import",
    subjectId: null,
    data: { format: summary.format, upsert: summary.upsert, bytes: summary.bytes, sha256: summary.sha256, rows: summary.rows, created: summary.created, updated: summary.updated, unchanged: summary.unchanged },
  });
  await appendAuditMany(tx, actor, events);
}

function rethrowConflict(e: unknown): never {
  if ((e as { code?: unknown })?.code === "P2002") {
    throw new AppError("conflict", "An identity with one of these names was created meanwhile; preview the file again");
  }
  throw e;
}
