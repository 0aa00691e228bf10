import type { Tx } from "../db";
import type { Actor } from "../authz";
import type { Prisma } from "../generated/prisma/client";

// Who stands in which relation to an identity, a request or a grant: the one module every
// domain function asks, so "owner", "owning team" and "the agent's owner" mean the same everywhere.

type Owned = { ownerUserId: string | null; ownerTeamId: string | null };

/** Whether a user owns the identity, directly or through a team they belong to. */
export async function operatesIdentity(tx: Tx, actor: Actor, identity: Owned): Promise<boolean> {
  if (actor.type !== "user") return false;
  if (identity.ownerUserId === actor.id) return true;
  if (!identity.ownerTeamId) return false;
  const member = await tx.teamMember.findUnique({ where: { teamId_userId: { teamId: identity.ownerTeamId, userId: actor.id } } });
  return member !== null;
}

/** Never matches: the scope of an actor that stands in no relation at all. */
const NOBODY = "00000000-0000-0000-0000-000000000000";

/** The identities a user owns directly or through a team, as a query filter (none for machines). */
export function operatedIdentities(actor: Actor): Prisma.IdentityWhereInput {
  if (actor.type !== "user") return { id: NOBODY };
  return { OR: [{ ownerUserId: actor.id }, { ownerTeam: { members: { some: { userId: actor.id } } } }] };
}

/** The requests the actor made, as a query filter: the person's, or the identity's whose token asked. */
export function madeRequests(actor: Actor): Prisma.AccessRequestWhereInput {
  if (actor.type === "user") return { requesterUserId: actor.id };
  if (actor.type === "identity") return { requesterIdentityId: actor.id };
  return { id: NOBODY };
}

/** Whether the person proposed the exception: theirs to follow, resubmit and revoke. */
export function proposedException(actor: Actor, exception: { proposedById: string | null }): boolean {
  return actor.type === "user" && exception.proposedById === actor.id;
}

/** The exceptions {@link proposedException} calls the actor's, as a query filter. */
export function proposedExceptions(actor: Actor): Prisma.ExceptionWhereInput {
  return actor.type === "user" ? { proposedById: actor.id } : { id: NOBODY };
}

/** The grants {@link holdsGrant} calls the actor's own, as a query filter. */
export function heldGrants(actor: Actor): Prisma.GrantWhereInput {
  if (actor.type === "user") return { OR: [{ request: { requesterUserId: actor.id } }, { exception: { proposedById: actor.id } }] };
  if (actor.type === "identity") return { OR: [{ identityId: actor.id }, { request: { requesterIdentityId: actor.id } }] };
  return { id: NOBODY };
}

/**
 * Separation of duties for a decision on a request: why this person may not decide on it, or null.
 * Nobody decides on a request they made, for an identity they or their team own, or for what an
 * agent (or any identity) they or their team own asked for — directly or on behalf of another.
 */
export async function requestDecisionConflict(
  tx: Tx,
  actor: Actor,
  request: { requesterUserId: string | null; requesterIdentityId: string | null; onBehalfOf: string[]; identity: Owned },
): Promise<string | null> {
  if (actor.type !== "user") return "Only people decide on requests";
  if (request.requesterUserId === actor.id) return "You cannot decide on your own request";
  if (await operatesIdentity(tx, actor, request.identity)) return "You or your team own this identity; someone else must decide on its access";
  const askers = [request.requesterIdentityId, ...request.onBehalfOf].filter((id): id is string => Boolean(id));
  if (askers.length > 0) {
    const rows = await tx.identity.findMany({ where: { id: { in: askers } }, select: { name: true, ownerUserId: true, ownerTeamId: true } });
    for (const asker of rows) {
      if (await operatesIdentity(tx, actor, asker)) return `You or your team own ${asker.name}, which asked for this; someone else must decide`;
    }
  }
  return null;
}

/** Separation of duties for a review of an exception: why this person may not review it, or null. */
export async function exceptionReviewConflict(tx: Tx, actor: Actor, exception: { proposedById: string | null; identity: Owned }): Promise<string | null> {
  if (actor.type !== "user") return "Only people accept risk";
  if (exception.proposedById === actor.id) return "You cannot review your own proposal: someone else must accept the risk";
  if (await operatesIdentity(tx, actor, exception.identity)) return "You or your team own this identity; someone else must review its exception";
  return null;
}

/**
 * Separation of duties for the after-action review of a break-glass use: the same people who may
 * not decide on the request may not review how it was used.
 */
export async function breakGlassReviewConflict(
  tx: Tx,
  actor: Actor,
  request: Parameters<typeof requestDecisionConflict>[2],
): Promise<string | null> {
  if (actor.type !== "user") return "Only people review break-glass use";
  if (request.requesterUserId === actor.id) return "Someone else must review your own break-glass use";
  return requestDecisionConflict(tx, actor, request);
}

/** Whether the actor made the request: the person, or the identity whose token asked. */
export function isRequester(actor: Actor, request: { requesterUserId: string | null; requesterIdentityId: string | null }): boolean {
  return (actor.type === "user" && request.requesterUserId === actor.id) || (actor.type === "identity" && request.requesterIdentityId === actor.id);
}

/**
 * Whether the grant is the actor's own to read, revoke, extend or report use of: a person's if they
 * requested it (or proposed the exception behind it); an identity's if it holds it or asked for it.
 */
export function holdsGrant(
  actor: Actor,
  grant: { identityId: string; request?: { requesterUserId: string | null; requesterIdentityId: string | null } | null; exception?: { proposedById: string | null } | null },
): boolean {
  if (actor.type === "user") return grant.request?.requesterUserId === actor.id || grant.exception?.proposedById === actor.id;
  if (actor.type === "identity") return grant.identityId === actor.id || grant.request?.requesterIdentityId === actor.id;
  return false;
}

/**
 * Whether the grant's one-time credential goes to the actor: to whoever asked for it (the requester,
 * person or identity) or, for standing access, to the person who proposed the exception. Narrower
 * than {@link holdsGrant}: an identity a person requested for does not take the person's credential.
 */
export function receivesCredential(
  actor: Actor,
  grant: { request?: { requesterUserId: string | null; requesterIdentityId: string | null } | null; exception?: { proposedById: string | null } | null },
): boolean {
  if (actor.type === "user") return grant.request?.requesterUserId === actor.id || grant.exception?.proposedById === actor.id;
  if (actor.type === "identity") return grant.request?.requesterIdentityId === actor.id;
  return false;
}
