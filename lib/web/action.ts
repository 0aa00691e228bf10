import { isAppError, type ErrorCode } from "../errors";
import type { UserActor } from "../authz";
import { currentActor } from "./session";

export type ActionError = { code: ErrorCode; message: string; fields?: Record<string, string> };
export type ActionResult<T = undefined> = { ok: true; data: T; message?: string } | { ok: false; error: ActionError };

/**
 * Runs a server action's body for the signed-in user. Expected errors (AppError) reach the form
 * with their message; anything else is logged and shown as a generic failure.
 */
export async function runAction<T>(body: (actor: UserActor) => Promise<T>, message?: string): Promise<ActionResult<T>> {
  const actor = await currentActor();
  if (!actor) return { ok: false, error: { code: "unauthenticated", message: "Your session has ended; sign in again" } };
  try {
    return { ok: true, data: await body(actor), message };
  } catch (e) {
    if (isAppError(e) && e.expected) {
      const fields = (e.details as { fields?: Record<string, string> } | undefined)?.fields;
      return { ok: false, error: { code: e.code, message: e.message, ...(fields ? { fields } : {}) } };
    }
    console.error("[action]", e);
    return { ok: false, error: { code: "internal", message: "Something went wrong on our side; it has been logged" } };
  }
}
