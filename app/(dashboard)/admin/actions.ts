"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setUserRoles } from "@/lib/users/set-user-roles";
import { inviteUser } from "@/lib/users/invite-user";
import { createIssuer } from "@/lib/issuers/create-issuer";
import { updateIssuer } from "@/lib/issuers/update-issuer";
import { setIssuerEnabled } from "@/lib/issuers/set-issuer-enabled";
import { createEntitlement } from "@/lib/entitlements/create-entitlement";
import { updateEntitlement } from "@/lib/entitlements/update-entitlement";
import { setEntitlementEnabled } from "@/lib/entitlements/set-entitlement-enabled";
import { configFromFields, isIssuerType, issuerFieldNames } from "./_components/issuer-fields";
import { AppError } from "@/lib/errors";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens/create-api-token";
import { field, formAction, objectAction } from "@/lib/web/action";
import { createTrustedIssuer, setTrustedIssuerEnabled } from "@/lib/workloads/create-trusted-issuer";

const refresh = (r: { ok: boolean }) => {
  if (!r.ok) return;
  // Every admin page (the index counts what the others list).
  revalidatePath("/admin", "layout");
  revalidatePath("/account/tokens");
};

export const setUserRolesAction = formAction(
  z.strictObject({ userId: field.text(100), roles: field.many(40) }),
  async (actor, f) => {
    await setUserRoles({ actor, userId: f.userId, roles: f.roles as never });
    return undefined;
  },
  { message: "Roles saved", after: refresh },
);

export const inviteUserAction = formAction(
  z.strictObject({ email: field.text(320), name: field.optionalText(200), roles: field.many(40) }),
  async (actor, f) => {
    const user = await inviteUser(actor, { email: f.email, name: f.name, roles: f.roles as never });
    return { email: user.email };
  },
  { message: (_f, user) => `${user.email} is invited; their first single sign-on with that email gives them these roles`, after: refresh },
);

function jsonField(raw: string, key: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw.trim() || "{}");
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new AppError("validation_failed", `${key}: write a JSON object, e.g. {"role": "orders_read"}`, { fields: { [key]: "Not a JSON object" } });
}

/** The typed fields of every issuer type, each optional: only those of the chosen type are read. */
const issuerConfigFields = Object.fromEntries(issuerFieldNames.map((n) => [n, field.optionalText(2000)])) as Record<string, ReturnType<typeof field.optionalText>>;

/** The config an issuer form sends: its typed fields, or the raw JSON when the admin chose it. */
function issuerConfig(type: string, f: { mode: string; config: string } & Record<string, unknown>): Record<string, unknown> {
  if (f.mode === "json") return jsonField(f.config, "config");
  if (!isIssuerType(type)) throw new AppError("validation_failed", "type must be postgres, token or webhook", { fields: { type: "Choose a type" } });
  return configFromFields(type, f);
}

export const createIssuerAction = formAction(
  z.strictObject({ name: field.text(200), type: field.text(40), mode: field.text(10), config: field.text(20_000), ...issuerConfigFields }),
  async (actor, f) => {
    await createIssuer({ actor, name: f.name, type: f.type as never, config: issuerConfig(f.type, f) });
    return undefined;
  },
  { message: "Issuer added; its secret is sealed", after: refresh },
);

export const updateIssuerAction = formAction(
  z.strictObject({ issuerId: field.id(), type: field.text(40), mode: field.text(10), config: field.text(20_000), ...issuerConfigFields }),
  async (actor, f) => {
    const r = await updateIssuer({ actor, issuer: f.issuerId, config: issuerConfig(f.type, f) });
    return { secret: r.secret };
  },
  { message: (_f, d) => (d.secret === "replaced" ? "Issuer saved; its new secret is sealed" : d.secret === "kept" ? "Issuer saved; its secret is unchanged" : "Issuer saved"), after: refresh },
);

export const setIssuerEnabledAction = objectAction(
  z.strictObject({ id: z.string().uuid(), enabled: z.boolean() }),
  async (actor, { id, enabled }) => {
    await setIssuerEnabled({ actor, issuer: id, enabled });
    return undefined;
  },
  { message: ({ enabled }) => (enabled ? "Issuer enabled" : "Issuer disabled: nothing new is issued through it; live grants end and are revoked as usual"), after: refresh },
);

export const createEntitlementAction = formAction(
  z.strictObject({
    name: field.text(200),
    description: field.text(),
    issuer: field.text(200),
    targetKind: field.text(20),
    target: field.optionalText(20_000),
    target_role: field.optionalText(200),
    target_scope: field.optionalText(2000),
    target_audience: field.optionalText(500),
    environment: field.text(40),
    riskTier: field.text(40),
    maxDuration: field.text(40),
    approvalsRequired: field.optionalText(10),
    securityApprovalRequired: field.checkbox(),
    breakGlassAllowed: field.checkbox(),
  }),
  async (actor, f) => {
    await createEntitlement({
      actor,
      name: f.name,
      description: f.description,
      issuer: f.issuer,
      target: entitlementTarget(f),
      environment: f.environment as never,
      riskTier: f.riskTier as never,
      maxDuration: f.maxDuration,
      approvalsRequired: Number(f.approvalsRequired ?? 1),
      securityApprovalRequired: f.securityApprovalRequired,
      breakGlassAllowed: f.breakGlassAllowed,
    });
    return undefined;
  },
  { message: "Entitlement added", after: refresh },
);

/** The target an entitlement form sends: typed for PostgreSQL and token issuers, JSON otherwise. */
function entitlementTarget(f: { targetKind: string; target?: string; target_role?: string; target_scope?: string; target_audience?: string }): Record<string, unknown> {
  if (f.targetKind === "postgres") return { role: f.target_role ?? "" };
  if (f.targetKind === "token") return { scope: f.target_scope ?? "", ...(f.target_audience ? { audience: f.target_audience } : {}) };
  return jsonField(f.target ?? "", "target");
}

export const updateEntitlementAction = formAction(
  z.strictObject({
    entitlementId: field.id(),
    description: field.text(),
    targetKind: field.text(20),
    target: field.text(20_000),
    target_role: field.optionalText(200),
    target_scope: field.optionalText(2000),
    target_audience: field.optionalText(500),
    environment: field.text(40),
    riskTier: field.text(40),
    maxDuration: field.text(40),
    defaultDuration: field.optionalText(40),
    approvalsRequired: field.text(10),
    securityApprovalRequired: field.checkbox(),
    breakGlassAllowed: field.checkbox(),
    responseTarget: field.optionalText(40),
    requestTtl: field.optionalText(40),
  }),
  async (actor, f) => {
    const approvals = f.approvalsRequired.trim() === "" ? Number.NaN : Number(f.approvalsRequired);
    const r = await updateEntitlement({
      actor,
      entitlement: f.entitlementId,
      description: f.description,
      target: entitlementTarget(f),
      environment: f.environment as never,
      riskTier: f.riskTier as never,
      maxDuration: f.maxDuration,
      defaultDuration: f.defaultDuration,
      approvalsRequired: approvals,
      securityApprovalRequired: f.securityApprovalRequired,
      breakGlassAllowed: f.breakGlassAllowed,
      responseTarget: f.responseTarget,
      requestTtl: f.requestTtl,
    });
    return { changed: r.changed.length };
  },
  { message: (_f, d) => (d.changed === 0 ? "Nothing changed" : "Entitlement saved"), after: refresh },
);

export const setEntitlementEnabledAction = objectAction(
  z.strictObject({ id: z.string().uuid(), enabled: z.boolean() }),
  async (actor, { id, enabled }) => {
    await setEntitlementEnabled({ actor, entitlement: id, enabled });
    return undefined;
  },
  { message: ({ enabled }) => (enabled ? "Entitlement enabled" : "Entitlement disabled: it can no longer be requested; live grants end and are revoked as usual"), after: refresh },
);

export const createApiTokenAction = formAction(
  z.strictObject({ name: field.text(120), boundTo: field.text(320), scopes: field.many(60), expiresIn: field.optionalText(40) }),
  async (actor, f) => {
    const bound = f.boundTo.trim();
    const created = await createApiToken({
      actor,
      name: f.name || "API token",
      ...(bound.includes("@") ? { user: bound } : { identity: bound }),
      scopes: f.scopes as never,
      expiresIn: f.expiresIn,
    });
    return { token: created.token };
  },
  { after: refresh },
);

export const revokeApiTokenAction = objectAction(
  z.strictObject({ tokenId: z.string().max(100) }),
  async (actor, { tokenId }) => {
    await revokeApiToken({ actor, tokenId });
    return undefined;
  },
  { message: "Token revoked", after: refresh },
);

/** Inline keys as pasted: a JWKS document ({"keys": [...]}) or a bare array of keys. */
function jwksField(raw: string): { keys: { kty: string }[] } {
  let v: unknown;
  try {
    v = JSON.parse(raw.trim());
  } catch {
    throw new AppError("validation_failed", 'jwks: paste the issuer\'s JWKS as JSON, e.g. {"keys": [{"kty": "EC", …}]}', { fields: { jwks: "Not JSON" } });
  }
  return (Array.isArray(v) ? { keys: v } : v) as { keys: { kty: string }[] };
}

export const createTrustedIssuerAction = formAction(
  z.strictObject({ name: field.text(200), issuer: field.text(2000), audience: field.text(2000), keys: field.text(10), jwksUrl: field.text(2000), jwks: field.text(100_000) }),
  async (actor, f) => {
    await createTrustedIssuer({
      actor,
      name: f.name,
      issuer: f.issuer.trim(),
      audience: f.audience,
      ...(f.keys === "inline" ? { jwks: jwksField(f.jwks) } : { jwksUrl: f.jwksUrl.trim() }),
    });
    return undefined;
  },
  { message: "Issuer trusted: bind identities to its subjects to let their workloads in", after: refresh },
);

export const setTrustedIssuerEnabledAction = objectAction(
  z.strictObject({ id: z.string().max(200), enabled: z.boolean() }),
  async (actor, { id, enabled }) => {
    await setTrustedIssuerEnabled({ actor, ref: id, enabled });
    return undefined;
  },
  { message: ({ enabled }) => (enabled ? "Issuer trusted again" : "Trust withdrawn: grants that relied on its tokens are being re-evaluated"), after: refresh },
);
