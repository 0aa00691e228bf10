import { z } from "zod";
import type { Actor } from "../authz";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { findIdentities, identitySortable } from "../identities/find-identities";
import { getIdentity } from "../identities/get-identity";
import { importIdentities, importRefused } from "../identities/import-identities";
import { parseListParams } from "../listing";
import { resolveIdentityId } from "./resolve";

// /api/v1/identities: reads through the inventory's own functions; writes go through the import,
// so one row from the API is checked exactly like a row of a file.

const workload = z.object({ issuer: z.string().url().optional(), subject: z.string().max(500).optional(), spiffeId: z.string().max(500).optional() }).strict();
export const identityBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.string(),
    environment: z.string(),
    system: z.string().max(200).optional(),
    criticality: z.string().optional(),
    owner: z.string().max(320).optional().describe("A user's email or a team's name"),
    description: z.string().max(2000).optional(),
    workload: workload.optional(),
  })
  .strict();
export const identityPatch = identityBody.partial().omit({ name: true }).strict();

function row(b: z.infer<typeof identityPatch> & { name: string }) {
  return {
    name: b.name,
    ...(b.kind !== undefined ? { kind: b.kind } : {}),
    ...(b.environment !== undefined ? { environment: b.environment } : {}),
    ...(b.system !== undefined ? { system: b.system } : {}),
    ...(b.criticality !== undefined ? { criticality: b.criticality } : {}),
    ...(b.owner !== undefined ? { owner: b.owner } : {}),
    ...(b.description !== undefined ? { description: b.description } : {}),
    ...(b.workload?.issuer !== undefined ? { workloadIssuer: b.workload.issuer } : {}),
    ...(b.workload?.subject !== undefined ? { workloadSubject: b.workload.subject } : {}),
    ...(b.workload?.spiffeId !== undefined ? { spiffeId: b.workload.spiffeId } : {}),
  };
}

async function write(actor: Actor, r: Record<string, unknown>, upsert: boolean) {
  const report = await importIdentities({ actor, format: "json", content: JSON.stringify([r]), upsert });
  if (!report.ok) throw importRefused(report);
}

export async function apiListIdentities({ actor, query }: { actor: Actor; query: URLSearchParams }) {
  const params = parseListParams(Object.fromEntries(query), { sortable: identitySortable, defaultSort: "name", defaultDir: "asc" });
  const page = await findIdentities({ actor, params });
  return { identities: page.rows, total: page.total, page: page.page, size: page.size };
}

export async function apiCreateIdentity({ actor, body }: { actor: Actor; body: unknown }) {
  const b = parseInput(identityBody, body);
  await write(actor, { ...row(b), system: b.system ?? "unspecified" }, false);
  return apiGetIdentityByName(actor, b.name);
}

async function apiGetIdentityByName(actor: Actor, name: string) {
  return getIdentity({ actor, identityId: await resolveIdentityId(name) });
}

export async function apiGetIdentity({ actor, identityId }: { actor: Actor; identityId: string }) {
  return getIdentity({ actor, identityId });
}

export async function apiPatchIdentity({ actor, identityId, body }: { actor: Actor; identityId: string; body: unknown }) {
  const b = parseInput(identityPatch, body);
  if (Object.keys(b).length === 0) throw new AppError("validation_failed", "Send at least one field to change");
  const current = await getIdentity({ actor, identityId });
  // The import needs the required columns; the ones not being changed keep their values.
  await write(actor, { kind: current.kind, environment: current.environment, system: current.system, ...row({ ...b, name: current.name }) }, true);
  return getIdentity({ actor, identityId });
}
