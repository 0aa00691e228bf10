import type { IssuerType } from "../generated/prisma/client";
import { parseInput } from "../validation";
import { postgresTargetSchema } from "../issuers/postgres";
import { tokenTargetSchema } from "../issuers/token";

/** An entitlement's target, checked against its issuer's type (a webhook takes any object). */
export function parseTarget(type: IssuerType, target: Record<string, unknown>): Record<string, unknown> {
  if (type === "postgres") return parseInput(postgresTargetSchema, target);
  if (type === "token") return parseInput(tokenTargetSchema, target);
  return target;
}
