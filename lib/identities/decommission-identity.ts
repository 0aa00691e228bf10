import type { z } from "zod";
import type { Actor } from "../authz";
import { changeIdentityStatus, transitions, type IdentityStatusChange, type identityStatusInput } from "./change-identity-status";

/**
 * Retires an identity for good: like a quarantine (grants revoked through the worker, pending
 * requests cancelled) and its API tokens stop working. Security or an admin; a reason is required.
 */
export function decommissionIdentity(args: { actor: Actor } & z.input<typeof identityStatusInput>): Promise<IdentityStatusChange> {
  return changeIdentityStatus(transitions.decommission, args);
}
