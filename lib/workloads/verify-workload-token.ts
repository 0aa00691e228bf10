import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet } from "jose";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { IdentityActor } from "../authz";

// Workload identity: a JWT from a trusted OIDC issuer (GitHub Actions, a Kubernetes service
// account, a SPIFFE JWT-SVID) proves what the caller is. Verified for signature against the
// issuer's keys, issuer, audience and expiry; its subject is matched to an identity's binding.

const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const CLOCK_TOLERANCE_SEC = 30;

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * `*` matches any run of characters within one `:`-separated part of the subject; `**` matches
 * across parts; everything else is literal. `repo:org/app:*` admits `repo:org/app:pull_request`
 * but not `repo:org/app:pull_request:…`, which takes `repo:org/app:**`, written on purpose.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const literal = (p: string) => p.replace(/[.+?^${}()|[\]\\*]/g, "\\$&");
  const body = pattern
    .split("**")
    .map((across) => across.split("*").map(literal).join("[^:]*"))
    .join(".*");
  return new RegExp(`^${body}$`).test(subject);
}

const refuse = (reason: string, message: string) => new AppError("unauthenticated", message, { reason });

export async function verifyWorkloadToken(token: string): Promise<IdentityActor> {
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    throw refuse("malformed_token", "The bearer token is not a valid JWT");
  }
  if (typeof claims.iss !== "string") throw refuse("unknown_issuer", "The workload token has no issuer");
  const db = getDb();
  const trusted = await db.trustedWorkloadIssuer.findUnique({ where: { issuer: claims.iss } });
  if (!trusted || !trusted.enabled) throw refuse("unknown_issuer", `Tokens from ${claims.iss} are not trusted here`);
  const keys = trusted.jwksInline
    ? createLocalJWKSet(trusted.jwksInline as unknown as JSONWebKeySet)
    : (() => {
        const url = trusted.jwksUrl!;
        let set = remoteSets.get(url);
        if (!set) remoteSets.set(url, (set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })));
        return set;
      })();
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: trusted.issuer, audience: trusted.audience, clockTolerance: CLOCK_TOLERANCE_SEC, requiredClaims: ["sub", "exp"] }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw refuse("token_expired", "The workload token has expired");
    if (e instanceof errors.JWTClaimValidationFailed) throw refuse(`bad_${e.claim}`, `The workload token's ${e.claim} claim is not accepted (${e.reason})`);
    if (e instanceof errors.JWKSNoMatchingKey) throw refuse("unknown_key", "The workload token is signed with a key the issuer does not publish");
    if (e instanceof errors.JWSSignatureVerificationFailed) throw refuse("bad_signature", "The workload token's signature does not verify");
    if (e instanceof errors.JOSEError) throw refuse("invalid_token", `The workload token is not valid: ${e.message}`);
    throw new AppError("issuer_unavailable", `Could not fetch the keys of ${trusted.issuer}: ${(e as Error).message}`);
  }
  const subject = String(payload.sub);
  const candidates = await db.identity.findMany({ where: { workloadIssuer: trusted.issuer, status: "active", workloadSubject: { not: null } } });
  const matches = candidates.filter((i) => subjectMatches(i.workloadSubject!, subject));
  if (matches.length === 0) throw refuse("unbound_subject", `No identity is bound to subject ${subject} of ${trusted.issuer}`);
  if (matches.length > 1) throw new AppError("forbidden", `Subject ${subject} matches ${matches.length} identities; make their bindings unambiguous`);
  return { type: "identity", id: matches[0].id, name: matches[0].name, scopes: ["request:create"], attestation: "oidc" };
}
