// The issuer interface. An issuer is a system that can grant and revoke a privilege; each type is
// one module in this folder exporting a factory `(config, secret) => IssuerDriver`, registered in
// ./registry.ts. Everything else (state machine, retries, audit) lives in the grant domain and the
// worker; a driver only talks to its system.
//
// Contract every driver keeps:
// - grant() is idempotent per `grantId`: calling it again for the same grant (after a crash between
//   the issuer call and the database write) must not create a second privilege; it returns the
//   same reference and, where the system allows, a fresh credential for it.
// - What grant() creates is found from the grant id alone: referenceFor(grantId) is the reference
//   revoke() and verifyRevoked() work with when no issue was ever recorded (revoked while issuing,
//   a failed issue, a worker killed mid-issue), so a revoke that raced an issue ends what it made.
// - revoke() is idempotent: "already gone" is success. It must end live use where the system
//   allows (sessions, connections), not only future logins.
// - verifyRevoked() checks the target system itself, never our database.
// - Errors are IssuerError: "transient" (network, timeouts, 5xx: retried with backoff) or
//   "permanent" (bad configuration, refused by the target: not retried for grants, surfaced).
// - The credential is returned, never logged or stored by the driver.

import type { IssuerType } from "../generated/prisma/client";

export type IssueInput = {
  /** Hourglass grant id: the idempotency key. */
  grantId: string;
  identity: { id: string; name: string; kind: string; environment: string };
  entitlement: { id: string; name: string; target: unknown };
  /** End of the window; drivers set the system's native expiry to it as a backstop. */
  expiresAt: Date;
  /** For issuers that certify a requester-held key (SSH). */
  publicKey?: string | null;
};

export type Credential =
  | { type: "postgres"; username: string; password: string; connectionString: string }
  | { type: "jwt"; token: string; expiresAt: string }
  | { type: "ssh-certificate"; certificate: string }
  | { type: "webhook"; data: unknown };

export type IssueResult = {
  /** The system's name for the privilege: role name, token jti, certificate serial. */
  reference: string;
  credential?: Credential;
  /** The native expiry actually set in the target system. */
  expiresAt: Date;
  /** Non-secret details needed later to revoke and verify (e.g. the role's OID). */
  meta?: Record<string, unknown>;
};

export type GrantRef = { grantId: string; reference: string; meta: Record<string, unknown>; expiresAt: Date };

export type StandingPrivilege = { principal: string; privilege: string; detail?: Record<string, unknown> };

/**
 * What removing a standing privilege found by discovery did: `not_member` when the principal does
 * not hold it (already removed), `issuer_admin` when the principal is the role the issuer itself
 * connects as (removing it would break the issuer; nothing was changed).
 */
export type StandingRevocation =
  | { outcome: "revoked"; grantors: string[]; sessionsEnded: number }
  | { outcome: "not_member" }
  | { outcome: "issuer_admin" };

export interface IssuerDriver {
  readonly type: IssuerType;
  /**
   * The grant creates nothing outside Hourglass (a signed token): it may be issued inside the
   * transaction that approves it, since a credential whose transaction does not commit is never
   * handed out to anyone.
   */
  readonly selfContained?: boolean;
  grant(input: IssueInput): Promise<IssueResult>;
  /** The reference grant() gives (or would give) the grant with this id, derived from the id alone. */
  referenceFor(grantId: string): string;
  revoke(ref: GrantRef): Promise<void>;
  verifyRevoked(ref: GrantRef): Promise<boolean>;
  /**
   * Revokes and verifies a batch of grants in a few round trips and commits for the whole batch,
   * where the system allows it: what the revoke worker calls when a driver has it. Same contract
   * as revoke() then verifyRevoked() for each grant; per grant, in order: null when its revoke is
   * verified, else why not.
   */
  revokeMany?(refs: GrantRef[]): Promise<(Error | null)[]>;
  /** Moves the native expiry of a live grant (after an approved extension). */
  extend?(ref: GrantRef, expiresAt: Date): Promise<void>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * The entitlement target of revocation-drill canaries, creating in the system what it needs (a
   * privilege-less group role); absent when any target will do.
   */
  canaryTarget?(): Promise<unknown>;
  /** Standing privileges present in the target, for drift detection. */
  discover?(): Promise<StandingPrivilege[]>;
  /**
   * Removes a standing privilege that discovery found (not an Hourglass grant) and verifies it is
   * gone; with `endSessions`, also ends the principal's open sessions, which keep what they had.
   */
  revokeStanding?(privilege: Pick<StandingPrivilege, "principal" | "privilege">, options: { endSessions: boolean }): Promise<StandingRevocation>;
  close?(): Promise<void>;
}

/**
 * An issuer's refusal. `transient`: the issuer could not be reached or answered as down (the
 * issuer is marked unhealthy; its failing revokes are retried as soon as it is back). `permanent`:
 * the issuer answered and refused this one call (an issue fails; a revoke keeps its own retry
 * schedule, the issuer stays healthy).
 */
export class IssuerError extends Error {
  constructor(
    message: string,
    readonly kind: "transient" | "permanent",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "IssuerError";
  }
}

/** Anything thrown by a driver that is not an IssuerError counts as transient (worth a retry). */
export function issuerErrorKind(e: unknown): "transient" | "permanent" {
  return e instanceof IssuerError ? e.kind : "transient";
}

/** What a driver module exports: build a driver from an issuer row's config and unsealed secret. */
export type IssuerFactory = (args: {
  id: string;
  name: string;
  /** Non-secret configuration (Issuer.config). */
  config: unknown;
  /** Unsealed secret configuration (Issuer.secretSealed), or null. */
  secret: unknown;
}) => IssuerDriver;
