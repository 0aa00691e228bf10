import type { z } from "zod";
import type { Actor } from "../authz";
import { changeIdentityStatus, transitions, type IdentityStatusChange, type identityStatusInput } from "./change-identity-status";

/**
 * Takes a suspicious identity out of play: its active and issuing grants move to `revoking` (the
 * worker revokes and verifies them at the issuer), its pending requests are cancelled. Reversible
 * with reactivateIdentity. Security or an admin; a reason is required.
 */
export function quarantineIdentity(args: { actor: Actor } & z.input<typeof identityStatusInput>): Promise<IdentityStatusChange> {
  return changeIdentityStatus(transitions.quarantine, args);
}
