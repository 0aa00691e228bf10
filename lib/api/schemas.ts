import { z } from "zod";

// The machine API's request and response shapes. Route handlers validate with these, and
// /api/v1/openapi.json is generated from the same objects, so the document cannot drift.

const ref = z.string().trim().min(1).max(200).describe("An id or the unique name");
const iso = z.string().describe("ISO 8601 timestamp");

export const createAccessRequestBody = z
  .object({
    identity: ref.describe("The identity that needs access: its id or unique name"),
    entitlement: ref.describe("The entitlement: its id or unique name"),
    duration: z.string().min(2).max(40).describe("ISO 8601 duration, e.g. PT15M"),
    justification: z.string().min(10).max(2000),
    context: z
      .object({
        ticket: z.string().max(120).optional(),
        incident: z.string().max(120).optional(),
        change: z.string().max(120).optional(),
        jobRef: z.string().max(200).optional(),
      })
      .strict()
      .optional(),
    publicKey: z.string().max(16_000).optional().describe("For issuers that certify a key you hold (SSH)"),
  })
  .strict();

export const decisionBody = z.object({ comment: z.string().max(2000).optional() }).strict();
export const revokeBody = z.object({ reason: z.string().min(3).max(2000), emergency: z.boolean().optional() }).strict();
export const extendBody = z.object({ duration: z.string().min(2).max(40), justification: z.string().min(10).max(2000) }).strict();
export const usageBody = z.object({ at: iso.optional(), count: z.number().int().min(1).max(10_000).optional(), detail: z.string().max(500).optional() }).strict();
export const createTokenBody = z
  .object({
    name: z.string().max(120).optional(),
    identity: ref.optional(),
    user: z.string().max(320).optional(),
    scopes: z.array(z.string()).min(1),
    expiresIn: z.string().max(40).optional().describe("ISO 8601 duration"),
  })
  .strict();

const credential = z.union([
  z.object({ type: z.literal("postgres"), username: z.string(), password: z.string(), connectionString: z.string() }),
  z.object({ type: z.literal("jwt"), token: z.string(), expiresAt: iso }),
  z.object({ type: z.literal("ssh-certificate"), certificate: z.string() }),
  z.object({ type: z.literal("webhook"), data: z.unknown() }),
]);

export const grantOut = z.object({
  id: z.string().uuid(),
  status: z.enum(["issuing", "active", "revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"]),
  identity: z.string(),
  entitlement: z.string(),
  issuedAt: iso.nullable(),
  expiresAt: iso,
  revokedAt: iso.nullable(),
  revokeReason: z.string().nullable(),
  lastError: z.string().nullable(),
  credential: credential.optional().describe("Present once, to the requester, in the first response after issue"),
});

export const accessRequestOut = z.object({
  id: z.string().uuid(),
  status: z.enum(["pending", "approved", "denied", "cancelled", "expired"]),
  identity: z.string(),
  entitlement: z.string(),
  duration: z.string(),
  decision: z.object({ outcome: z.string(), reasons: z.array(z.string()), policyIds: z.array(z.string()) }),
  approvals: z.object({ given: z.number().int(), required: z.number().int() }),
  createdAt: iso,
  expiresAt: iso,
  grant: grantOut.optional(),
});

export const errorOut = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
