// The operationId and tags of every operation in the OpenAPI document (lib/api/openapi.ts), by
// "METHOD path". Generated clients in any language name their methods after the operationId and
// group them by tag, so an id, once published, is never renamed; a new route adds its line here
// (lib/api/openapi.test.ts fails for an operation without one).

export const TAGS = {
  "Access requests": "Request access, read, cancel, approve and deny requests",
  Grants: "Issued privileges: read, revoke, extend, report use",
  Identities: "The inventory of non-human identities",
  Delegations: "Agents that request for a principal",
  Issuers: "Systems that grant and revoke",
  Entitlements: "What can be granted through an issuer",
  Exceptions: "Risk-accepted standing access",
  Policies: "The Cedar policy set",
  "Workload issuers": "Trusted OIDC issuers of workload tokens",
  Tokens: "API tokens and the deny-list of signed tokens",
  Audit: "The hash-chained audit trail and its signed checkpoints",
  Metrics: "Privilege-duration metrics and the Prometheus exposition",
  Health: "Database, worker and issuers",
} as const;

export type Tag = keyof typeof TAGS;
export type Operation = { operationId: string; tags: [Tag, ...Tag[]] };

const op = (operationId: string, tag: Tag): Operation => ({ operationId, tags: [tag] });

export const OPERATIONS: Record<string, Operation> = {
  "POST /api/v1/access-requests": op("createAccessRequest", "Access requests"),
  "GET /api/v1/access-requests/{id}": op("getAccessRequest", "Access requests"),
  "POST /api/v1/access-requests/{id}/cancel": op("cancelAccessRequest", "Access requests"),
  "POST /api/v1/access-requests/{id}/approve": op("approveAccessRequest", "Access requests"),
  "POST /api/v1/access-requests/{id}/deny": op("denyAccessRequest", "Access requests"),
  "GET /api/v1/grants": op("listGrants", "Grants"),
  "GET /api/v1/grants/{id}": op("getGrant", "Grants"),
  "POST /api/v1/grants/{id}/revoke": op("revokeGrant", "Grants"),
  "POST /api/v1/grants/{id}/extend": op("extendGrant", "Grants"),
  "POST /api/v1/grants/{id}/usage": op("reportGrantUsage", "Grants"),
  "POST /api/v1/tokens": op("createApiToken", "Tokens"),
  "GET /api/v1/tokens/revoked": op("listRevokedTokens", "Tokens"),
  "GET /api/v1/identities": op("listIdentities", "Identities"),
  "POST /api/v1/identities": op("createIdentity", "Identities"),
  "GET /api/v1/identities/{id}": op("getIdentity", "Identities"),
  "PATCH /api/v1/identities/{id}": op("updateIdentity", "Identities"),
  "POST /api/v1/identities/import": op("importIdentities", "Identities"),
  "POST /api/v1/delegations": op("createDelegation", "Delegations"),
  "POST /api/v1/delegations/withdraw": op("withdrawDelegation", "Delegations"),
  "GET /api/v1/issuers": op("listIssuers", "Issuers"),
  "POST /api/v1/issuers": op("createIssuer", "Issuers"),
  "GET /api/v1/issuers/{id}/drills": op("listIssuerDrills", "Issuers"),
  "POST /api/v1/issuers/{id}/drills": op("runIssuerDrill", "Issuers"),
  "PATCH /api/v1/issuers/{id}/drills": op("setIssuerDrillSchedule", "Issuers"),
  "GET /api/v1/entitlements": op("listEntitlements", "Entitlements"),
  "POST /api/v1/entitlements": op("createEntitlement", "Entitlements"),
  "GET /api/v1/exceptions": op("listExceptions", "Exceptions"),
  "POST /api/v1/exceptions": op("proposeException", "Exceptions"),
  "POST /api/v1/exceptions/{id}/accept": op("acceptException", "Exceptions"),
  "POST /api/v1/exceptions/{id}/revoke": op("revokeException", "Exceptions"),
  "POST /api/v1/exceptions/{id}/renew": op("renewException", "Exceptions"),
  "GET /api/v1/policies": op("getPolicySet", "Policies"),
  "POST /api/v1/policies": op("savePolicySet", "Policies"),
  "GET /api/v1/workload-issuers": op("listWorkloadIssuers", "Workload issuers"),
  "POST /api/v1/workload-issuers": op("createWorkloadIssuer", "Workload issuers"),
  "PATCH /api/v1/workload-issuers/{id}": op("updateWorkloadIssuer", "Workload issuers"),
  "GET /api/v1/audit": op("exportAuditEvents", "Audit"),
  "GET /api/v1/audit/verify": op("verifyAuditChain", "Audit"),
  "GET /api/v1/audit/checkpoints": op("getAuditCheckpoints", "Audit"),
  "POST /api/v1/audit/checkpoints": op("createAuditCheckpoint", "Audit"),
  "GET /api/v1/metrics/privilege": op("getPrivilegeMetrics", "Metrics"),
  "GET /api/v1/metrics/prometheus": op("getPrometheusMetrics", "Metrics"),
  "GET /api/v1/health": op("getHealth", "Health"),
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** The document's paths with each operation's operationId and tags from OPERATIONS. */
export function withOperations<P extends Record<string, Record<string, object>>>(paths: P): P {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => {
          const known = (METHODS as readonly string[]).includes(method) ? OPERATIONS[`${method.toUpperCase()} ${path}`] : undefined;
          return [method, known ? { operationId: known.operationId, tags: known.tags, ...operation } : operation];
        }),
      ),
    ]),
  ) as P;
}

export const tagList = () => Object.entries(TAGS).map(([name, description]) => ({ name, description }));
