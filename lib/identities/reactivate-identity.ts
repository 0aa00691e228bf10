import type { z } from "zod";
import type { Actor } from "../authz";
import { changeIdentityStatus, transitions, type IdentityStatusChange, type identityStatusInput } from "./change-identity-status";

/**
 * Lifts a quarantine. Nothing comes back by itself: revoked grants stay revoked and access is
 * requested again. A decommissioned identity cannot be reactivated.
 */
export function reactivateIdentity(args: { actor: Actor } & z.input<typeof identityStatusInput>): Promise<IdentityStatusChange> {
  return changeIdentityStatus(transitions.reactivate, args);
}
