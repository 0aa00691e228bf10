import { z } from "zod";
import { AppError, isAppError, type ErrorCode } from "../errors";
import type { UserActor } from "../authz";
import { holdsNul, parseInput } from "../validation";
import { currentActor } from "./session";
import { formFields } from "./form-fields";

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
    return failure(e);
  }
}

function failure(e: unknown): { ok: false; error: ActionError } {
  if (isAppError(e) && e.expected) {
    const fields = (e.details as { fields?: Record<string, string> } | undefined)?.fields;
    return { ok: false, error: { code: e.code, message: e.message, ...(fields ? { fields } : {}) } };
  }
  console.error("[action]", e);
  return { ok: false, error: { code: "internal", message: "Something went wrong on our side; it has been logged" } };
}

// Every server action is made by one of the two builders below, and nothing else: a test walks
// app/ and refuses an exported action built any other way. Each one
//   1. parses what the browser sent with a strict schema (an unknown key, `actor` or `__proto__`
//      included, is refused before anything runs), and
//   2. hands the domain the signed-in actor and the parsed input as two separate arguments, so
//      no client-built object can carry or replace the actor.

type ActionOptions<I, T> = {
  /** The message shown on success. */
  message?: string | ((input: I, data: T) => string);
  /** Runs after the body, outside its error handling (revalidatePath, redirect). */
  after?: (result: ActionResult<T>, input: I | undefined) => void;
};

async function run<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  body: (actor: UserActor, input: z.output<S>) => Promise<T>,
  opts: ActionOptions<z.output<S>, T>,
): Promise<ActionResult<T>> {
  let input: z.output<S> | undefined;
  let result: ActionResult<T>;
  const actor = await currentActor();
  if (!actor) {
    result = { ok: false, error: { code: "unauthenticated", message: "Your session has ended; sign in again" } };
  } else {
    try {
      if (holdsNul(raw)) throw new AppError("validation_failed", "Text may not contain NUL characters");
      input = parseInput(schema, raw);
      const data = await body(actor, input as z.output<S>);
      const message = typeof opts.message === "function" ? opts.message(input as z.output<S>, data) : opts.message;
      result = { ok: true, data, ...(message ? { message } : {}) };
    } catch (e) {
      result = failure(e);
    }
  }
  opts.after?.(result, input);
  return result;
}

/** A server action called with one argument from client code. */
export function objectAction<S extends z.ZodType, T>(
  schema: S,
  body: (actor: UserActor, input: z.output<S>) => Promise<T>,
  opts: ActionOptions<z.output<S>, T> = {},
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => run(schema, input, body, opts);
}

/** A server action behind a <form> (useActionState): the form's fields are parsed as an object. */
export function formAction<S extends z.ZodType, T>(
  schema: S,
  body: (actor: UserActor, input: z.output<S>) => Promise<T>,
  opts: ActionOptions<z.output<S>, T> = {},
): (prev: unknown, form: FormData) => Promise<ActionResult<T>> {
  return async (_prev, form) => run(schema, formFields(form), body, opts);
}

export { field } from "./form-fields";
