"use server";

import { revalidatePath } from "next/cache";
import { setUserRoles } from "@/lib/users/set-user-roles";
import { createIssuer } from "@/lib/issuers/create-issuer";
import { createEntitlement } from "@/lib/entitlements/create-entitlement";
import { AppError } from "@/lib/errors";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens/create-api-token";
import { runAction, type ActionResult } from "@/lib/web/action";
import { createTrustedIssuer, setTrustedIssuerEnabled } from "@/lib/workloads/create-trusted-issuer";

export async function setUserRolesAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await setUserRoles({ actor, userId: String(form.get("userId") ?? ""), roles: form.getAll("roles").map(String) as never });
    return undefined;
  }, "Roles saved");
  if (result.ok) revalidatePath("/admin");
  return result;
}

function jsonField(form: FormData, key: string): Record<string, unknown> {
  const raw = String(form.get(key) ?? "").trim() || "{}";
  try {
    const v = JSON.parse(raw);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new AppError("validation_failed", `${key}: write a JSON object, e.g. {"role": "orders_read"}`, { fields: { [key]: "Not a JSON object" } });
}

export async function createIssuerAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await createIssuer({ actor, name: String(form.get("name") ?? ""), type: String(form.get("type") ?? "") as never, config: jsonField(form, "config") });
    return undefined;
  }, "Issuer added; its secret is sealed");
  if (result.ok) revalidatePath("/admin");
  return result;
}

export async function createEntitlementAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await createEntitlement({
      actor,
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      issuer: String(form.get("issuer") ?? ""),
      target: jsonField(form, "target"),
      environment: String(form.get("environment") ?? "") as never,
      riskTier: String(form.get("riskTier") ?? "") as never,
      maxDuration: String(form.get("maxDuration") ?? ""),
      approvalsRequired: Number(form.get("approvalsRequired") ?? 1),
      securityApprovalRequired: form.get("securityApprovalRequired") === "on",
      breakGlassAllowed: form.get("breakGlassAllowed") === "on",
    });
    return undefined;
  }, "Entitlement added");
  if (result.ok) revalidatePath("/admin");
  return result;
}

export async function createApiTokenAction(_prev: ActionResult<{ token: string }> | null, form: FormData): Promise<ActionResult<{ token: string }>> {
  const result = await runAction(async (actor) => {
    const bound = String(form.get("boundTo") ?? "").trim();
    const created = await createApiToken({
      actor,
      name: String(form.get("name") ?? "") || "API token",
      ...(bound.includes("@") ? { user: bound } : { identity: bound }),
      scopes: form.getAll("scopes").map(String) as never,
      expiresIn: String(form.get("expiresIn") ?? "") || undefined,
    });
    return { token: created.token };
  });
  if (result.ok) revalidatePath("/admin");
  return result;
}

export async function revokeApiTokenAction(tokenId: string): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await revokeApiToken({ actor, tokenId });
    return undefined;
  }, "Token revoked");
  if (result.ok) revalidatePath("/admin");
  return result;
}

/** Inline keys as pasted: a JWKS document ({"keys": [...]}) or a bare array of keys. */
function jwksField(form: FormData): { keys: { kty: string }[] } {
  const raw = String(form.get("jwks") ?? "").trim();
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new AppError("validation_failed", 'jwks: paste the issuer\'s JWKS as JSON, e.g. {"keys": [{"kty": "EC", …}]}', { fields: { jwks: "Not JSON" } });
  }
  return (Array.isArray(v) ? { keys: v } : v) as { keys: { kty: string }[] };
}

export async function createTrustedIssuerAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    const keys = String(form.get("keys") ?? "url");
    await createTrustedIssuer({
      actor,
      name: String(form.get("name") ?? ""),
      issuer: String(form.get("issuer") ?? "").trim(),
      audience: String(form.get("audience") ?? ""),
      ...(keys === "inline" ? { jwks: jwksField(form) } : { jwksUrl: String(form.get("jwksUrl") ?? "").trim() }),
    });
    return undefined;
  }, "Issuer trusted: bind identities to its subjects to let their workloads in");
  if (result.ok) revalidatePath("/admin");
  return result;
}

export async function setTrustedIssuerEnabledAction(id: string, enabled: boolean): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await setTrustedIssuerEnabled({ actor, ref: id, enabled });
    return undefined;
  }, enabled ? "Issuer trusted again" : "Trust withdrawn: grants that relied on its tokens are being re-evaluated");
  if (result.ok) revalidatePath("/admin");
  return result;
}
