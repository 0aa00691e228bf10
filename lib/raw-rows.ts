import type { Entitlement, Identity, Issuer } from "./generated/prisma/client";

// Rows read with plain SQL on the request path (a model query with a joined relation costs about
// twice the client's time of a plain one). A joined row arrives as JSON (to_jsonb), which carries
// timestamps as text without a zone: Prisma stores UTC, so they are read back as UTC instants.
// lib/raw-rows.int.test.ts checks each against the row Prisma itself reads.

function utc(value: unknown): Date {
  if (typeof value !== "string") throw new Error(`expected a timestamp, got ${JSON.stringify(value)}`);
  return new Date(/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`);
}
const utcOrNull = (value: unknown) => (value === null || value === undefined ? null : utc(value));

export function identityFromJson(j: Record<string, unknown>): Identity {
  return { ...j, lastAttestedAt: utcOrNull(j.lastAttestedAt), createdAt: utc(j.createdAt), updatedAt: utc(j.updatedAt) } as Identity;
}

export function issuerFromJson(j: Record<string, unknown>): Issuer {
  return { ...j, lastHealthAt: utcOrNull(j.lastHealthAt), createdAt: utc(j.createdAt), updatedAt: utc(j.updatedAt) } as Issuer;
}

export type EntitlementWithIssuer = Entitlement & { issuer: Issuer };
