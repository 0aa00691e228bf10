import { constants as osConstants } from "node:os";

// Exit codes and errors: every failure is a CliError with its exit code, printed one way.

export const EXIT = Object.freeze({
  ok: 0,
  usage: 2, // bad flags, missing token
  ended: 3, // denied, expired, cancelled, or the grant ended before it could be used
  timeout: 4, // --timeout passed while waiting (the request is cancelled)
  api: 5, // the API answered with an error, or could not be reached
  revokeFailed: 6, // the command succeeded but its grant could not be revoked
});

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  /** The HTTP status, when the API answered with this error. */
  declare status?: number;
  /** The API error's `details`. */
  declare details?: { reason?: unknown } & Record<string, unknown>;
  /** The request may have reached the server (a network fault after sending). */
  declare sent?: boolean;

  constructor(code: string, message: string, exitCode: number) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError("usage", message, EXIT.usage);

/** Every failure is printed the same way: `hourglass: <code>: <message>`. */
export function formatError(e: unknown): string {
  if (e instanceof CliError) return `hourglass: ${e.code}: ${e.message}`;
  return `hourglass: internal: ${e instanceof Error ? e.message : String(e)}`;
}

/** The exit code for a failure: ours where we know it, else the API-error code. */
export function exitCodeFor(e: unknown): number {
  return e instanceof CliError ? e.exitCode : EXIT.api;
}

/** A child that exited with a code keeps it; one killed by a signal is 128 + the signal number. */
export function childExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (typeof code === "number") return code;
  if (signal) return 128 + (osConstants.signals[signal] ?? 0);
  return 1;
}
