import { z } from "zod";
import { accessRequestOut, createAccessRequestBody, createTokenBody, decisionBody, errorOut, extendBody, grantOut, revokeBody, usageBody } from "./schemas";
import { identityBody, identityPatch } from "./inventory";
import { proposeBody } from "./exceptions";
import { delegateInput, withdrawDelegationInput } from "../delegations/delegations";
import { tagList, withOperations } from "./operations";

// OpenAPI 3.1 for the machine API, generated from the zod schemas the handlers validate with.

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: "draft-2020-12", unrepresentable: "any" });

const errors = {
  "400": { description: "Bad input (validation_failed, bad_request)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "401": { description: "Missing, unknown, expired or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "403": { description: "Not allowed (forbidden)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "404": { description: "No such object (not_found)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "409": { description: "Conflicting state, or an Idempotency-Key reused with another body", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "413": { description: "Body larger than 64 KiB", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "415": { description: "Body not application/json", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "429": { description: "Rate limited; see Retry-After", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

const json = (ref: string) => ({ content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const idempotencyKey = { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 200 }, description: "Same key and body → the same result; same key, other body → 409" };

export function openApiDocument(serverUrl = "/") {
  const doc = {
    openapi: "3.1.0",
    info: { title: "Hourglass machine API", version: "1", description: "Just-in-time access for non-human identities. Errors are {error: {code, message}} with a 4xx status." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token bound to an identity or a user" } },
      schemas: {
        Error: schema(errorOut),
        CreateAccessRequest: schema(createAccessRequestBody),
        AccessRequest: schema(accessRequestOut),
        Grant: schema(grantOut),
        Decision: schema(decisionBody),
        Revoke: schema(revokeBody),
        Extend: schema(extendBody),
        Usage: schema(usageBody),
        CreateToken: schema(createTokenBody),
        Identity: schema(identityBody),
        IdentityPatch: schema(identityPatch),
        ProposeException: schema(proposeBody),
        Delegate: schema(delegateInput),
        WithdrawDelegation: schema(withdrawDelegationInput),
      },
    },
    paths: {
      "/api/v1/access-requests": {
        post: { summary: "Request access; decided now, and issued at once when approved", parameters: [idempotencyKey], requestBody: { required: true, ...json("CreateAccessRequest") }, responses: { "201": { description: "Created", ...json("AccessRequest") }, ...errors } },
      },
      "/api/v1/access-requests/{id}": { get: { summary: "A request; the first read after issue carries the credential", parameters: [idParam], responses: { "200": { description: "OK", ...json("AccessRequest") }, ...errors } } },
      "/api/v1/access-requests/{id}/cancel": { post: { summary: "Cancel a pending request (requester)", parameters: [idParam], responses: { "200": { description: "OK", ...json("AccessRequest") }, ...errors } } },
      "/api/v1/access-requests/{id}/approve": { post: { summary: "Approve (a user's token with the approver role)", parameters: [idParam], requestBody: json("Decision"), responses: { "200": { description: "OK", ...json("AccessRequest") }, ...errors } } },
      "/api/v1/access-requests/{id}/deny": { post: { summary: "Deny (a user's token with the approver role)", parameters: [idParam], requestBody: json("Decision"), responses: { "200": { description: "OK", ...json("AccessRequest") }, ...errors } } },
      "/api/v1/grants": {
        get: {
          summary: "Grants, newest first",
          parameters: [
            { name: "identity", in: "query", schema: { type: "string" } },
            { name: "status", in: "query", schema: { type: "string" } },
            { name: "cursor", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
          ],
          responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object", properties: { grants: { type: "array", items: { $ref: "#/components/schemas/Grant" } }, nextCursor: { type: ["string", "null"] } } } } } }, ...errors },
        },
      },
      "/api/v1/grants/{id}": { get: { summary: "A grant", parameters: [idParam], responses: { "200": { description: "OK", ...json("Grant") }, ...errors } } },
      "/api/v1/grants/{id}/revoke": { post: { summary: "End a grant now; the worker revokes and verifies", parameters: [idParam, idempotencyKey], requestBody: { required: true, ...json("Revoke") }, responses: { "200": { description: "OK", ...json("Grant") }, ...errors } } },
      "/api/v1/grants/{id}/extend": { post: { summary: "Ask for more time: a new decision", parameters: [idParam, idempotencyKey], requestBody: { required: true, ...json("Extend") }, responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/grants/{id}/usage": { post: { summary: "Report that the grant was used", parameters: [idParam, idempotencyKey], requestBody: json("Usage"), responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/tokens": { post: { summary: "Create an API token (admin); shown once", requestBody: { required: true, ...json("CreateToken") }, responses: { "201": { description: "Created" }, ...errors } } },
      "/api/v1/identities": {
        get: { summary: "The inventory, paged (page, size, sort, dir)", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Register an identity (checked like an import row)", parameters: [idempotencyKey], requestBody: { required: true, ...json("Identity") }, responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/identities/{id}": {
        get: { summary: "An identity by id or name", parameters: [{ ...idParam, schema: { type: "string" } }], responses: { "200": { description: "OK" }, ...errors } },
        patch: { summary: "Change an identity's fields", parameters: [{ ...idParam, schema: { type: "string" } }], requestBody: { required: true, ...json("IdentityPatch") }, responses: { "200": { description: "OK" }, ...errors } },
      },
      "/api/v1/delegations": {
        post: { summary: "Let an agent request for a principal: {agent, principal, entitlements, endsAt, reason} (admin, or the principal's owner)", requestBody: { required: true, ...json("Delegate") }, responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/delegations/withdraw": {
        post: { summary: "Withdraw a delegation; what the agent obtained through it is revoked", requestBody: { required: true, ...json("WithdrawDelegation") }, responses: { "200": { description: "OK" }, ...errors } },
      },
      "/api/v1/identities/import": { post: { summary: "Import CSV or JSON (dryRun, upsert); all or nothing", responses: { "201": { description: "Imported" }, "200": { description: "Dry run" }, ...errors } } },
      "/api/v1/issuers": {
        get: { summary: "Issuers (secrets are never returned)", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Configure an issuer: {name, type, config}", responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/issuers/{id}/drills": {
        get: {
          summary: "An issuer's revocation drills, newest first, and its schedule: {issuer, schedule: {intervalSec, nextAt}, drills: [{id, trigger, ok, steps: [{name, ok, durationMs, error?}], timeToRevokeMs, error, startedAt, finishedAt}]} (admin)",
          parameters: [{ ...idParam, schema: { type: "string" } }, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } }],
          responses: { "200": { description: "OK" }, ...errors },
        },
        post: {
          summary: "Run a revocation drill now: a canary grant issued, proved, revoked and the revoke verified; 201 {id, ok, steps, timeToRevokeMs, error} whether it passed or failed; 409 while one runs (admin)",
          parameters: [{ ...idParam, schema: { type: "string" } }],
          responses: { "201": { description: "Drill finished" }, ...errors },
        },
        patch: {
          summary: "Set the drill schedule: {intervalMinutes} (0 = on demand only, else at least 5; default hourly) (admin)",
          parameters: [{ ...idParam, schema: { type: "string" } }],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object", additionalProperties: false, required: ["intervalMinutes"], properties: { intervalMinutes: { type: "integer", minimum: 0, maximum: 10080 } } } } } },
          responses: { "200": { description: "OK" }, ...errors },
        },
      },
      "/api/v1/entitlements": {
        get: { summary: "Entitlements", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Create an entitlement: {name, issuer, target, environment, riskTier, maxDuration, …}", responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/exceptions": {
        get: { summary: "Exceptions (status, page, size, sort, dir)", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Propose risk-accepted standing access", parameters: [idempotencyKey], requestBody: { required: true, ...json("ProposeException") }, responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/exceptions/{id}/accept": { post: { summary: "Accept (security; not your own)", parameters: [idParam], responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/exceptions/{id}/revoke": { post: { summary: "End early: {reason}", parameters: [idParam], responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/exceptions/{id}/renew": { post: { summary: "Renew as a new review: {endsAt, …}", parameters: [idParam], responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/policies": {
        get: { summary: "The Cedar policy set in force and its versions", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Save a new version: {text, comment}; refused with line numbers if it does not validate", responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/workload-issuers": {
        get: { summary: "Trusted OIDC issuers of workload tokens", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Trust an issuer: {name, issuer, audience, jwksUrl | jwks}", responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/workload-issuers/{id}": {
        patch: {
          summary: "Stop or resume trusting an issuer (by id or name): {enabled}; stopping withdraws the attestation of grants obtained with its tokens",
          parameters: [{ ...idParam, schema: { type: "string" } }],
          responses: { "200": { description: "OK" }, ...errors },
        },
      },
      "/api/v1/audit": { get: { summary: "NDJSON export, newest first; next page cursor in X-Next-Cursor; filters as on the Audit page", parameters: ["cursor", "action", "actor", "identity", "subjectType", "subjectId", "from", "to"].map((name) => ({ name, in: "query", schema: { type: "string" } })), responses: { "200": { description: "application/x-ndjson" }, ...errors } } },
      "/api/v1/audit/verify": { get: { summary: "Check the hash chain against the signed checkpoints, from the last verified one (full=true: from the genesis): {ok, events, firstBroken?: {seq, id, reason, detail?}, rowsRead, from, checkpoint?}", parameters: [{ name: "full", in: "query", schema: { type: "boolean" } }], responses: { "200": { description: "OK" }, ...errors } } },
      "/api/v1/audit/checkpoints": {
        get: { summary: "Whether signed checkpoints are on, and the newest one: {enabled, keyId, exportFile, latest}", responses: { "200": { description: "OK" }, ...errors } },
        post: { summary: "Sign a checkpoint of the chain's head now: 201 {checkpoint}", responses: { "201": { description: "Created" }, ...errors } },
      },
      "/api/v1/metrics/privilege": {
        get: {
          summary: "Privilege-duration metrics for a range (`range` preset 24h|7d|30d|90d, or `from`/`to` ISO 8601) and breakdown (`by`)",
          parameters: ["range", "from", "to", "by"].map((name) => ({ name, in: "query", schema: { type: "string" } })),
          responses: { "200": { description: "OK" }, ...errors },
        },
      },
      "/api/v1/metrics/prometheus": { get: { summary: "Prometheus text exposition (version 0.0.4)", responses: { "200": { description: "text/plain" }, ...errors } } },
      "/api/v1/health": { get: { summary: "Database, worker and issuers", security: [], responses: { "200": { description: "OK" }, "503": { description: "Database unreachable" } } } },
      "/api/v1/tokens/revoked": { get: { summary: "Revoked token ids (jti) for verifiers", security: [], responses: { "200": { description: "OK" } } } },
    },
  };
  // operationId and tags of each operation: lib/api/operations.ts.
  return { ...doc, tags: tagList(), paths: withOperations(doc.paths) };
}
