// Static tables of the demo organisation, Northwind Logistics, and the deterministic
// generators that expand them. Pure data and pure functions: no database access here.
import type { Criticality, Environment, IdentityKind, IdentityStatus, IssuerType, RiskTier, Role } from "../lib/generated/prisma/client";

export const DEMO_ORG = "Northwind Logistics";
export const DEMO_EMAIL_DOMAIN = "hourglass.local";
export const DEFAULT_DEMO_PASSWORD = "hourglass-demo";
export const TARGET_DATABASE = "hourglass_target";

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers (mulberry32), so every run produces the same organisation.

export type Rng = {
  next(): number;
  int(min: number, max: number): number;
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  shuffle<T>(items: readonly T[]): T[];
  hex(length: number): string;
  uuid(): string;
};

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const hex = (length: number) => {
    let s = "";
    while (s.length < length) s += Math.floor(next() * 16).toString(16);
    return s;
  };
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    hex,
    // RFC 4122 version 4 layout, from the seeded stream.
    uuid: () => {
      const h = hex(32).split("");
      h[12] = "4";
      h[16] = "89ab"[parseInt(h[16], 16) & 3];
      const s = h.join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

// ---------------------------------------------------------------------------------------------
// People and teams.

export type UserSpec = { email: string; name: string; roles: Role[]; onCall?: boolean };
export type TeamSpec = { name: string; description: string; members: string[] };

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

export const users: UserSpec[] = [
  { email: email("admin"), name: "Alex Morgan", roles: ["admin"] },
  { email: email("security"), name: "Priya Raman", roles: ["security", "approver"], onCall: true },
  { email: email("secops"), name: "Marcus Webb", roles: ["security", "approver"] },
  { email: email("approver"), name: "Jordan Lee", roles: ["approver"] },
  { email: email("approver2"), name: "Sam Okafor", roles: ["approver"] },
  { email: email("owner"), name: "Taylor Brooks", roles: ["owner", "requester"] },
  { email: email("chen.wei"), name: "Chen Wei", roles: ["owner", "requester"] },
  { email: email("maria.gonzalez"), name: "Maria Gonzalez", roles: ["owner", "requester"] },
  { email: email("dev.patel"), name: "Dev Patel", roles: ["owner", "requester"] },
  { email: email("hannah.schmidt"), name: "Hannah Schmidt", roles: ["owner", "requester"] },
  { email: email("kofi.mensah"), name: "Kofi Mensah", roles: ["owner", "requester"] },
  { email: email("lena.novak"), name: "Lena Novak", roles: ["owner", "requester"] },
  { email: email("auditor"), name: "Robin Clarke", roles: ["auditor"] },
  { email: email("requester"), name: "Casey Nguyen", roles: ["requester"] },
];

export const teams: TeamSpec[] = [
  { name: "platform", description: "Kubernetes, CI/CD, observability and the shared edge", members: [email("owner"), email("dev.patel"), email("approver")] },
  { name: "payments", description: "Payment capture, ledger, refunds, billing and fraud", members: [email("maria.gonzalez"), email("kofi.mensah"), email("approver2")] },
  { name: "fulfilment", description: "Orders, warehouse and shipping", members: [email("owner"), email("kofi.mensah"), email("requester")] },
  { name: "data", description: "Analytics warehouse, ETL and reverse ETL", members: [email("chen.wei"), email("hannah.schmidt")] },
  { name: "ml", description: "Recommendations, forecasting and the agent platform", members: [email("hannah.schmidt"), email("lena.novak")] },
  { name: "support", description: "Customer support tooling and integrations", members: [email("lena.novak"), email("requester")] },
  { name: "security", description: "Identity, secrets and security operations", members: [email("security"), email("secops"), email("admin")] },
];

/** Users who may request access (never the approvers: separation of duties). */
export const requesterEmails = users.filter((u) => u.roles.includes("requester")).map((u) => u.email);
export const approverEmails = [email("approver"), email("approver2")];
export const securityEmails = [email("security"), email("secops")];
export const ownerEmails = users.filter((u) => u.roles.includes("owner")).map((u) => u.email);

// ---------------------------------------------------------------------------------------------
// Systems and the non-human identities that run them.

export type SystemSpec = { key: string; label: string; team: string; components: string[]; repo: string; database?: boolean };

export const systems: SystemSpec[] = [
  { key: "orders", label: "Orders", team: "fulfilment", components: ["api", "worker", "reconciler", "search-indexer"], repo: "orders", database: true },
  { key: "payments", label: "Payments", team: "payments", components: ["api", "ledger", "refunds", "fraud-scorer"], repo: "payments", database: true },
  { key: "billing", label: "Billing", team: "payments", components: ["invoicer", "dunning"], repo: "billing", database: true },
  { key: "warehouse", label: "Warehouse", team: "fulfilment", components: ["erp-sync", "picking", "inventory"], repo: "warehouse", database: true },
  { key: "shipping", label: "Shipping", team: "fulfilment", components: ["rates", "labels", "tracking"], repo: "shipping" },
  { key: "analytics", label: "Analytics", team: "data", components: ["etl", "dbt-runner", "loader", "reverse-etl"], repo: "data-platform" },
  { key: "recommendations", label: "Recommendations", team: "ml", components: ["trainer", "feature-store", "serving"], repo: "recsys" },
  { key: "support", label: "Support", team: "support", components: ["desk-sync", "chat-router"], repo: "support-tools" },
  { key: "identity", label: "Identity", team: "security", components: ["auth", "scim-sync", "secrets-sync"], repo: "identity" },
  { key: "notifications", label: "Notifications", team: "platform", components: ["email", "sms", "push"], repo: "notifications" },
  { key: "platform", label: "Platform", team: "platform", components: ["ingress", "observability", "backup", "cert-manager"], repo: "platform" },
];

const systemByKey = new Map(systems.map((s) => [s.key, s]));
export const teamOfSystem = (key: string) => systemByKey.get(key)?.team ?? "platform";

const apiKeys: { vendor: string; system: string; envs: Environment[]; purpose: string }[] = [
  { vendor: "stripe", system: "payments", envs: ["prod", "staging", "dev"], purpose: "card payments" },
  { vendor: "adyen", system: "payments", envs: ["prod", "staging"], purpose: "European payment methods" },
  { vendor: "sendgrid", system: "notifications", envs: ["prod", "staging"], purpose: "transactional email" },
  { vendor: "twilio", system: "notifications", envs: ["prod", "staging"], purpose: "SMS delivery updates" },
  { vendor: "datadog", system: "platform", envs: ["prod", "staging", "dev"], purpose: "metrics and logs" },
  { vendor: "pagerduty", system: "platform", envs: ["prod"], purpose: "incident routing" },
  { vendor: "shipstation", system: "shipping", envs: ["prod", "staging"], purpose: "label purchase" },
  { vendor: "fedex", system: "shipping", envs: ["prod"], purpose: "rates and tracking" },
  { vendor: "dhl", system: "shipping", envs: ["prod", "staging"], purpose: "rates and tracking" },
  { vendor: "zendesk", system: "support", envs: ["prod", "staging"], purpose: "ticket sync" },
  { vendor: "snowflake", system: "analytics", envs: ["prod", "dev"], purpose: "warehouse loads" },
  { vendor: "openai", system: "support", envs: ["prod", "staging"], purpose: "reply drafting" },
  { vendor: "anthropic", system: "recommendations", envs: ["prod", "dev"], purpose: "catalog enrichment" },
  { vendor: "algolia", system: "orders", envs: ["prod", "staging", "dev"], purpose: "order search" },
  { vendor: "sentry", system: "platform", envs: ["prod"], purpose: "error reporting" },
  { vendor: "github", system: "platform", envs: ["prod"], purpose: "repository automation" },
  { vendor: "netsuite", system: "billing", envs: ["prod", "staging"], purpose: "general ledger export" },
  { vendor: "avalara", system: "billing", envs: ["prod"], purpose: "sales tax" },
  { vendor: "okta", system: "identity", envs: ["prod", "staging"], purpose: "SCIM provisioning" },
  { vendor: "cloudflare", system: "platform", envs: ["prod"], purpose: "DNS and WAF automation" },
  { vendor: "mapbox", system: "shipping", envs: ["prod", "dev"], purpose: "geocoding delivery addresses" },
];

export type AgentSpec = { name: string; system: string; envs: Environment[]; purpose: string; actsFor: string[] };

export const agents: AgentSpec[] = [
  { name: "agent-support-triage", system: "support", envs: ["prod", "staging"], purpose: "triages inbound support tickets and looks up orders", actsFor: ["svc-support-desk-sync", "svc-orders-api"] },
  { name: "agent-refund-assistant", system: "payments", envs: ["prod", "staging"], purpose: "prepares refunds for human confirmation", actsFor: ["svc-payments-refunds"] },
  { name: "agent-incident-summariser", system: "platform", envs: ["prod"], purpose: "summarises incidents from logs and metrics", actsFor: ["svc-platform-observability"] },
  { name: "agent-sql-analyst", system: "analytics", envs: ["prod", "dev"], purpose: "answers ad-hoc questions with read-only SQL", actsFor: ["svc-analytics-etl"] },
  { name: "agent-code-reviewer", system: "platform", envs: ["dev"], purpose: "reviews pull requests", actsFor: [] },
  { name: "agent-invoice-reconciler", system: "billing", envs: ["prod", "staging"], purpose: "matches invoices to payments", actsFor: ["svc-billing-invoicer"] },
  { name: "agent-inventory-forecaster", system: "warehouse", envs: ["prod", "staging"], purpose: "forecasts stock levels", actsFor: ["svc-warehouse-inventory"] },
  { name: "agent-fraud-investigator", system: "payments", envs: ["prod"], purpose: "investigates flagged transactions", actsFor: ["svc-payments-fraud-scorer"] },
  { name: "agent-release-notes", system: "platform", envs: ["dev"], purpose: "drafts release notes", actsFor: [] },
  { name: "agent-oncall-copilot", system: "platform", envs: ["prod", "staging"], purpose: "assists the on-call engineer", actsFor: [] },
  { name: "agent-data-quality", system: "analytics", envs: ["prod", "staging", "dev"], purpose: "checks freshness and anomalies in warehouse tables", actsFor: [] },
  { name: "agent-email-drafter", system: "support", envs: ["prod", "staging"], purpose: "drafts customer emails", actsFor: [] },
  { name: "agent-route-optimiser", system: "shipping", envs: ["prod", "staging", "dev"], purpose: "optimises carrier selection", actsFor: [] },
  { name: "agent-catalog-enricher", system: "recommendations", envs: ["prod", "dev"], purpose: "enriches product metadata", actsFor: [] },
];

const bots: { name: string; system: string; envs: Environment[]; purpose: string }[] = [
  { name: "bot-slack-ops", system: "platform", envs: ["prod"], purpose: "ChatOps commands in #ops" },
  { name: "bot-dependabot", system: "platform", envs: ["dev"], purpose: "dependency update pull requests" },
  { name: "bot-renovate", system: "platform", envs: ["dev", "staging"], purpose: "dependency update pull requests" },
  { name: "bot-pagerduty-sync", system: "platform", envs: ["prod"], purpose: "syncs schedules to Slack" },
  { name: "bot-jira-sync", system: "platform", envs: ["prod"], purpose: "links deploys to Jira issues" },
  { name: "bot-backup-verifier", system: "platform", envs: ["prod", "staging"], purpose: "restores backups nightly to verify them" },
  { name: "bot-cert-renewer", system: "platform", envs: ["prod", "staging", "dev"], purpose: "renews TLS certificates" },
  { name: "bot-statuspage", system: "platform", envs: ["prod"], purpose: "updates the public status page" },
  { name: "bot-release-train", system: "platform", envs: ["prod", "staging"], purpose: "cuts and promotes releases" },
  { name: "bot-cost-reporter", system: "analytics", envs: ["prod"], purpose: "weekly cloud cost reports" },
  { name: "bot-terraform-drift", system: "platform", envs: ["prod", "staging"], purpose: "detects infrastructure drift" },
  { name: "bot-stock-alerts", system: "warehouse", envs: ["prod", "staging"], purpose: "low-stock alerts" },
  { name: "bot-chargeback-notifier", system: "payments", envs: ["prod"], purpose: "notifies finance of chargebacks" },
  { name: "bot-sla-watch", system: "shipping", envs: ["prod"], purpose: "watches carrier SLAs" },
];

export const GITHUB_OIDC = "https://token.actions.githubusercontent.com";
export const GITLAB_OIDC = "https://gitlab.northwind.example";
export const AGENT_OIDC = "https://agents.northwind.example";
const K8S_OIDC: Record<Environment, string> = {
  prod: "https://oidc.eks.eu-west-1.amazonaws.com/id/8C2D7E1F4A9B0C3D5E6F7A8B9C0D1E2F",
  staging: "https://oidc.eks.eu-west-1.amazonaws.com/id/1F0E9D8C7B6A5F4E3D2C1B0A9F8E7D6C",
  dev: "https://kubernetes.default.svc.cluster.local",
};
export const SPIFFE_TRUST_DOMAIN = "spiffe://northwind.example";

export type OwnerSpec = { team: string } | { user: string } | null;

export type IdentitySpec = {
  name: string;
  kind: IdentityKind;
  environment: Environment;
  system: string;
  criticality: Criticality;
  description: string;
  status: IdentityStatus;
  owner: OwnerSpec;
  workloadIssuer: string | null;
  workloadSubject: string | null;
  spiffeId: string | null;
  /** Seconds before the seed's `now`. */
  createdAgoSec: number;
  lastAttestedAgoSec: number | null;
  /** Earlier owners, oldest first, for IdentityOwnerChange rows. */
  previousOwners: { owner: OwnerSpec; changedAgoSec: number; reason: string }[];
};

const envSuffix = (env: Environment) => (env === "prod" ? "" : `-${env}`);
const envLabel: Record<Environment, string> = { prod: "production", staging: "staging", dev: "development" };

function criticalityFor(rng: Rng, env: Environment, system: string): Criticality {
  if (env === "dev") return rng.chance(0.85) ? "low" : "medium";
  if (env === "staging") return rng.chance(0.7) ? "medium" : "low";
  if (["payments", "orders", "identity", "billing"].includes(system)) return rng.chance(0.55) ? "critical" : "high";
  return rng.weighted([
    ["high", 5],
    ["medium", 4],
    ["critical", 1],
  ] as const);
}

const ownerChangeReasons = [
  "Team reorganisation: fulfilment split from platform",
  "Previous owner moved to another team",
  "Handover after the service was rewritten",
  "Ownership clarified during the quarterly attestation",
  "Owner left the company",
];

/** The identity inventory: about 300 identities of every kind, the same on every run. */
export function buildIdentities(): IdentitySpec[] {
  const rng = createRng(0x1d3);
  const out: IdentitySpec[] = [];
  const envs: Environment[] = ["prod", "staging", "dev"];

  const add = (partial: Omit<IdentitySpec, "criticality" | "status" | "owner" | "createdAgoSec" | "lastAttestedAgoSec" | "previousOwners"> & { criticality?: Criticality }) => {
    out.push({
      criticality: partial.criticality ?? criticalityFor(rng, partial.environment, partial.system),
      status: "active",
      owner: null,
      createdAgoSec: 0,
      lastAttestedAgoSec: null,
      previousOwners: [],
      ...partial,
    });
  };

  for (const sys of systems) {
    for (const component of sys.components) {
      for (const env of envs) {
        // Every production service account exists; lower environments have gaps, as real estates do.
        if (env === "prod" || rng.chance(0.85)) {
          add({
            name: `svc-${sys.key}-${component}-${env}`,
            kind: "service_account",
            environment: env,
            system: sys.key,
            description: `${sys.label} ${component} service account (${envLabel[env]})`,
            workloadIssuer: null,
            workloadSubject: null,
            spiffeId: null,
          });
        }
        if (rng.chance(env === "prod" ? 0.8 : 0.65)) {
          const ns = `${sys.key}-${env}`;
          const sa = `${sys.key}-${component}`;
          const spiffe = rng.chance(0.35) ? `${SPIFFE_TRUST_DOMAIN}/ns/${ns}/sa/${sa}` : null;
          const spiffeOnly = spiffe !== null && rng.chance(0.4);
          add({
            name: `k8s-${sys.key}-${component}-${env}`,
            kind: "workload",
            environment: env,
            system: sys.key,
            description: `${sys.label} ${component} pods in namespace ${ns}`,
            workloadIssuer: spiffeOnly ? null : K8S_OIDC[env],
            workloadSubject: spiffeOnly ? null : `system:serviceaccount:${ns}:${sa}`,
            spiffeId: spiffe,
          });
        }
      }
    }
  }

  for (const sys of systems) {
    const repo = `repo:northwind/${sys.repo}`;
    add({ name: `gha-deploy-${sys.key}`, kind: "ci_job", environment: "prod", system: sys.key, description: `GitHub Actions: deploy ${sys.label} to production`, workloadIssuer: GITHUB_OIDC, workloadSubject: `${repo}:ref:refs/heads/main`, spiffeId: null });
    add({ name: `gha-deploy-${sys.key}-staging`, kind: "ci_job", environment: "staging", system: sys.key, description: `GitHub Actions: deploy ${sys.label} to staging`, workloadIssuer: GITHUB_OIDC, workloadSubject: `${repo}:environment:staging`, spiffeId: null });
    add({ name: `gha-test-${sys.key}`, kind: "ci_job", environment: "dev", system: sys.key, description: `GitHub Actions: integration tests for ${sys.label}`, workloadIssuer: GITHUB_OIDC, workloadSubject: `${repo}:pull_request`, spiffeId: null });
    if (sys.database) {
      add({ name: `gha-migrate-${sys.key}`, kind: "ci_job", environment: "prod", system: sys.key, description: `GitHub Actions: run ${sys.label} schema migrations`, workloadIssuer: GITHUB_OIDC, workloadSubject: `${repo}:environment:production`, spiffeId: null });
    }
  }
  add({ name: "glci-terraform-apply", kind: "ci_job", environment: "prod", system: "platform", description: "GitLab CI: terraform apply for production infrastructure", workloadIssuer: GITLAB_OIDC, workloadSubject: "project_path:infra/terraform:ref_type:branch:ref:main", spiffeId: null });
  add({ name: "glci-terraform-plan", kind: "ci_job", environment: "dev", system: "platform", description: "GitLab CI: terraform plan on merge requests", workloadIssuer: GITLAB_OIDC, workloadSubject: "project_path:infra/terraform:ref_type:branch:ref:*", spiffeId: null });
  add({ name: "glci-dbt-build", kind: "ci_job", environment: "prod", system: "analytics", description: "GitLab CI: nightly dbt build", workloadIssuer: GITLAB_OIDC, workloadSubject: "project_path:data/dbt:ref_type:branch:ref:main", spiffeId: null });

  for (const key of apiKeys) {
    for (const env of key.envs) {
      add({ name: `key-${key.vendor}-${key.system}-${env}`, kind: "api_key", environment: env, system: key.system, description: `${key.vendor} API key for ${key.purpose} (${envLabel[env]})`, workloadIssuer: null, workloadSubject: null, spiffeId: null });
    }
  }

  for (const agent of agents) {
    for (const env of agent.envs) {
      const name = `${agent.name}${envSuffix(env)}`;
      const spiffe = rng.chance(0.5);
      add({
        name,
        kind: "ai_agent",
        environment: env,
        system: agent.system,
        description: `AI agent that ${agent.purpose}`,
        workloadIssuer: spiffe ? null : AGENT_OIDC,
        workloadSubject: spiffe ? null : `agent:${name}`,
        spiffeId: spiffe ? `${SPIFFE_TRUST_DOMAIN}/agents/${name}` : null,
      });
    }
  }

  for (const bot of bots) {
    for (const env of bot.envs) {
      add({ name: `${bot.name}${envSuffix(env)}`, kind: "bot", environment: env, system: bot.system, description: `Bot: ${bot.purpose}`, workloadIssuer: null, workloadSubject: null, spiffeId: null });
    }
  }

  // Ownership, lifecycle and attestation history.
  const ownersOfTeam = new Map(teams.map((t) => [t.name, t.members.filter((m) => ownerEmails.includes(m))]));
  const anyOwner = (team: string) => {
    const candidates = ownersOfTeam.get(team) ?? [];
    return candidates.length ? rng.pick(candidates) : rng.pick(ownerEmails);
  };
  for (const id of out) {
    const team = teamOfSystem(id.system);
    const unowned = rng.chance(0.05);
    id.owner = unowned ? null : rng.chance(0.6) ? { team } : { user: anyOwner(team) };
    const isNew = rng.chance(0.09);
    id.createdAgoSec = Math.round((isNew ? rng.between(4, 60) : rng.between(210, 900)) * DAY);
    id.lastAttestedAgoSec = isNew || (unowned && rng.chance(0.6)) ? null : Math.round(rng.between(0.5, 200) * DAY);
    if (!unowned && !isNew && rng.chance(0.07)) {
      const from: OwnerSpec = "team" in id.owner! ? { user: anyOwner(team) } : rng.chance(0.5) ? { team: rng.pick(teams.map((t) => t.name)) } : { user: rng.pick(ownerEmails) };
      id.previousOwners.push({ owner: from, changedAgoSec: Math.round(rng.between(5, 180) * DAY), reason: rng.pick(ownerChangeReasons) });
    }
  }

  // A few identities are quarantined (suspected leak) or decommissioned (system retired).
  const quarantine = new Map<string, string>([
    ["key-openai-support-staging", "Quarantined: key found in a public gist by secret scanning (SEC-311)"],
    ["key-sendgrid-notifications-staging", "Quarantined: unusual send volume from an unknown ASN (SEC-318)"],
    ["bot-renovate-staging", "Quarantined: token scope broader than declared (SEC-322)"],
    ["key-dhl-shipping-staging", "Quarantined: key committed to a feature branch (SEC-325)"],
    ["agent-email-drafter-staging", "Quarantined: prompt-injection finding under review (SEC-329)"],
    ["k8s-shipping-labels-dev", "Quarantined: image pulled from an untrusted registry (SEC-330)"],
  ]);
  const decommission = new Set(["key-adyen-payments-staging", "bot-dependabot-dev", "key-fedex-shipping-prod", "agent-release-notes-dev", "gha-test-support", "svc-billing-dunning-dev", "svc-orders-search-indexer-staging", "key-snowflake-analytics-dev"]);
  for (const id of out) {
    const q = quarantine.get(id.name);
    if (q) {
      id.status = "quarantined";
      id.description = `${id.description}. ${q}`;
    } else if (decommission.has(id.name)) {
      id.status = "decommissioned";
      id.description = `${id.description}. Decommissioned: replaced or retired`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Issuers and entitlements.

export type IssuerSpec = { name: string; type: IssuerType; config: Record<string, unknown> };

export const tokenAudience = "https://api.northwind.example";

export const issuers: Omit<IssuerSpec, "config">[] = [
  { name: "demo-postgres", type: "postgres" },
  { name: "hourglass-tokens", type: "token" },
  { name: "ops-webhook", type: "webhook" },
];

export type EntitlementSpec = {
  name: string;
  description: string;
  issuer: string;
  target: Record<string, unknown>;
  environment: Environment;
  riskTier: RiskTier;
  maxDurationSec: number;
  defaultDurationSec: number;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  responseTargetSec: number;
  requestTtlSec: number;
  breakGlassAllowed: boolean;
  /** How often the demo history requests it (relative weight). */
  popularity: number;
  /** Kinds that typically request it, most likely first. */
  kinds: IdentityKind[];
};

const ent = (e: Omit<EntitlementSpec, "securityApprovalRequired" | "breakGlassAllowed"> & Partial<Pick<EntitlementSpec, "securityApprovalRequired" | "breakGlassAllowed">>): EntitlementSpec => ({
  securityApprovalRequired: false,
  breakGlassAllowed: false,
  ...e,
});

export const entitlements: EntitlementSpec[] = [
  ent({ name: "orders-db-read-dev", description: "Read the orders tables in the development database", issuer: "demo-postgres", target: { role: "orders_read" }, environment: "dev", riskTier: "low", maxDurationSec: 8 * HOUR, defaultDurationSec: HOUR, approvalsRequired: 0, responseTargetSec: 4 * HOUR, requestTtlSec: DAY, popularity: 14, kinds: ["service_account", "ci_job", "ai_agent", "workload"] }),
  ent({ name: "orders-db-read-staging", description: "Read the orders tables in staging", issuer: "demo-postgres", target: { role: "orders_read" }, environment: "staging", riskTier: "low", maxDurationSec: 8 * HOUR, defaultDurationSec: 2 * HOUR, approvalsRequired: 1, responseTargetSec: DAY, requestTtlSec: 3 * DAY, popularity: 8, kinds: ["service_account", "ci_job", "workload", "ai_agent"] }),
  ent({ name: "orders-db-write-staging", description: "Insert and update orders in staging", issuer: "demo-postgres", target: { role: "orders_write" }, environment: "staging", riskTier: "medium", maxDurationSec: 2 * HOUR, defaultDurationSec: 30 * MINUTE, approvalsRequired: 1, responseTargetSec: DAY, requestTtlSec: 3 * DAY, popularity: 5, kinds: ["ci_job", "service_account", "workload"] }),
  ent({ name: "orders-db-read-prod", description: "Read the production orders tables", issuer: "demo-postgres", target: { role: "orders_read" }, environment: "prod", riskTier: "medium", maxDurationSec: 4 * HOUR, defaultDurationSec: HOUR, approvalsRequired: 2, responseTargetSec: 2 * HOUR, requestTtlSec: DAY, popularity: 14, kinds: ["service_account", "ai_agent", "workload", "ci_job", "bot"] }),
  ent({ name: "orders-db-write-prod", description: "Insert and update production orders (data fixes, migrations)", issuer: "demo-postgres", target: { role: "orders_write" }, environment: "prod", riskTier: "high", maxDurationSec: 30 * MINUTE, defaultDurationSec: 15 * MINUTE, approvalsRequired: 2, securityApprovalRequired: true, responseTargetSec: 30 * MINUTE, requestTtlSec: 4 * HOUR, breakGlassAllowed: true, popularity: 6, kinds: ["ci_job", "service_account", "workload"] }),
  ent({ name: "payments-db-read-staging", description: "Read the payments tables in staging", issuer: "demo-postgres", target: { role: "payments_read" }, environment: "staging", riskTier: "medium", maxDurationSec: 4 * HOUR, defaultDurationSec: HOUR, approvalsRequired: 1, responseTargetSec: DAY, requestTtlSec: 3 * DAY, popularity: 4, kinds: ["service_account", "ci_job", "ai_agent"] }),
  ent({ name: "payments-db-read-prod", description: "Read production payments (PCI scope: masked card data only)", issuer: "demo-postgres", target: { role: "payments_read" }, environment: "prod", riskTier: "high", maxDurationSec: HOUR, defaultDurationSec: 30 * MINUTE, approvalsRequired: 1, securityApprovalRequired: true, responseTargetSec: HOUR, requestTtlSec: 8 * HOUR, breakGlassAllowed: true, popularity: 7, kinds: ["service_account", "ai_agent", "workload"] }),
  ent({ name: "orders-api-read-prod", description: "Short-lived token for the Orders API, read scope", issuer: "hourglass-tokens", target: { audience: tokenAudience, scope: "orders:read" }, environment: "prod", riskTier: "low", maxDurationSec: HOUR, defaultDurationSec: 15 * MINUTE, approvalsRequired: 0, responseTargetSec: HOUR, requestTtlSec: 4 * HOUR, popularity: 16, kinds: ["workload", "ai_agent", "bot", "service_account", "api_key"] }),
  ent({ name: "orders-api-write-prod", description: "Short-lived token for the Orders API, write scope", issuer: "hourglass-tokens", target: { audience: tokenAudience, scope: "orders:write" }, environment: "prod", riskTier: "medium", maxDurationSec: HOUR, defaultDurationSec: 15 * MINUTE, approvalsRequired: 1, responseTargetSec: HOUR, requestTtlSec: 8 * HOUR, popularity: 7, kinds: ["workload", "ai_agent", "service_account", "bot"] }),
  ent({ name: "inventory-api-read-staging", description: "Short-lived token for the Inventory API in staging", issuer: "hourglass-tokens", target: { audience: tokenAudience, scope: "inventory:read" }, environment: "staging", riskTier: "low", maxDurationSec: HOUR, defaultDurationSec: 30 * MINUTE, approvalsRequired: 0, responseTargetSec: 4 * HOUR, requestTtlSec: DAY, popularity: 8, kinds: ["workload", "ci_job", "ai_agent", "bot"] }),
  ent({ name: "payments-api-refund-prod", description: "Token allowed to issue refunds through the Payments API", issuer: "hourglass-tokens", target: { audience: tokenAudience, scope: "payments:refund" }, environment: "prod", riskTier: "high", maxDurationSec: 30 * MINUTE, defaultDurationSec: 10 * MINUTE, approvalsRequired: 2, securityApprovalRequired: true, responseTargetSec: 30 * MINUTE, requestTtlSec: 4 * HOUR, popularity: 4, kinds: ["ai_agent", "service_account", "workload"] }),
  ent({ name: "customers-api-pii-read-prod", description: "Token to read customer PII (names, addresses, phone numbers)", issuer: "hourglass-tokens", target: { audience: tokenAudience, scope: "customers:pii:read" }, environment: "prod", riskTier: "critical", maxDurationSec: 15 * MINUTE, defaultDurationSec: 10 * MINUTE, approvalsRequired: 2, securityApprovalRequired: true, responseTargetSec: 30 * MINUTE, requestTtlSec: 2 * HOUR, popularity: 3, kinds: ["ai_agent", "service_account", "workload"] }),
  ent({ name: "warehouse-erp-admin-prod", description: "Administrator in the warehouse ERP (via signed webhook)", issuer: "ops-webhook", target: { action: "grant-admin", system: "warehouse-erp" }, environment: "prod", riskTier: "critical", maxDurationSec: HOUR, defaultDurationSec: 30 * MINUTE, approvalsRequired: 2, securityApprovalRequired: true, responseTargetSec: 30 * MINUTE, requestTtlSec: 4 * HOUR, breakGlassAllowed: true, popularity: 3, kinds: ["service_account", "bot", "ci_job"] }),
  ent({ name: "warehouse-erp-operator-staging", description: "Operator in the staging warehouse ERP (via signed webhook)", issuer: "ops-webhook", target: { action: "grant-operator", system: "warehouse-erp" }, environment: "staging", riskTier: "low", maxDurationSec: 8 * HOUR, defaultDurationSec: 2 * HOUR, approvalsRequired: 0, responseTargetSec: 4 * HOUR, requestTtlSec: DAY, popularity: 5, kinds: ["bot", "service_account", "ci_job", "ai_agent"] }),
  ent({ name: "support-desk-agent-prod", description: "Agent seat in the support desk (via signed webhook)", issuer: "ops-webhook", target: { action: "grant-agent-seat", system: "zendesk" }, environment: "prod", riskTier: "medium", maxDurationSec: 8 * HOUR, defaultDurationSec: 4 * HOUR, approvalsRequired: 1, responseTargetSec: 2 * HOUR, requestTtlSec: DAY, popularity: 5, kinds: ["ai_agent", "bot", "service_account"] }),
];

// ---------------------------------------------------------------------------------------------
// Words for the history.

export const justifications: Record<string, string[]> = {
  "demo-postgres:read": [
    "Investigate orders stuck in 'awaiting_payment' reported by support",
    "Reconcile yesterday's settlement file against captured payments",
    "Verify data after the address-normalisation backfill",
    "Nightly export of order volumes for the finance dashboard",
    "Debug slow checkout queries seen in the p99 latency alert",
    "Answer a customer escalation about a duplicated order",
    "Check row counts before the partition rotation",
    "Produce the monthly carrier-cost report",
  ],
  "demo-postgres:write": [
    "Run the schema migration for release 2026.11.3",
    "Fix 14 orders with a wrong currency after the FX incident",
    "Backfill the new `channel` column for historical orders",
    "Cancel orders created by the duplicate-submit bug",
    "Apply the data-retention purge approved by legal",
  ],
  "hourglass-tokens": [
    "Fetch order status for a support conversation",
    "Sync order updates to the search index",
    "Refund a damaged shipment approved by the customer team",
    "Scheduled inventory snapshot for forecasting",
    "Enrich ticket context with the customer's recent orders",
    "Replay failed webhook deliveries from the outbox",
    "Look up a customer's address to re-route a parcel",
  ],
  "ops-webhook": [
    "Reconfigure the pick-path rules after the layout change",
    "Create the seasonal SKUs in the ERP",
    "Investigate the stock mismatch in aisle 14",
    "Help the support team during the holiday peak",
    "Run the quarterly ERP user clean-up",
  ],
};

export const denyComments = [
  "No ticket linked — please attach the change request and resubmit",
  "Use orders-db-read-prod instead; write access is not needed for this",
  "Duration too long for production write access: ask for 15 minutes",
  "This identity is scheduled for decommission; use the replacement service account",
  "Not during the change freeze — resubmit after Monday 09:00",
  "The agent should act through the support desk integration, not direct DB access",
];

export const approveComments = ["", "", "", "LGTM", "Approved — ticket checked", "OK for the window requested", "Approved; please revoke when done"];

export const cancelReasons = ["No longer needed", "Fixed without database access", "Wrong entitlement requested", "Duplicate request", "Job rescheduled"];

export const issueFailures = [
  "issuer demo-postgres: connect ETIMEDOUT 10.0.4.12:5432",
  "issuer demo-postgres: role \"orders_write\" does not exist",
  "issuer ops-webhook: endpoint responded 502 Bad Gateway",
  "issuer hourglass-tokens: signing key unavailable (key rotation in progress)",
  "issuer ops-webhook: signature rejected by the endpoint (clock skew 312 s)",
];

export type ExceptionSpec = {
  key: string;
  identity: string;
  entitlement: string;
  status: "proposed" | "changes_requested" | "accepted" | "rejected" | "expired" | "revoked";
  riskRating: RiskTier;
  justification: string;
  compensatingControls: string;
  reviewCadenceDays: number;
  proposedBy: string;
  reviewer?: string;
  reviewComment?: string;
  /** Days relative to now (negative = past). */
  createdDays: number;
  acceptedDays?: number;
  expiresDays?: number;
  requestedEndDays: number;
  endedDays?: number;
  renewalOf?: string;
};

export const exceptions: ExceptionSpec[] = [
  {
    key: "etl-payments-1",
    identity: "svc-analytics-etl-prod",
    entitlement: "payments-db-read-prod",
    status: "expired",
    riskRating: "high",
    justification: "Nightly finance reconciliation reads the payments ledger continuously between 01:00 and 05:00 UTC.",
    compensatingControls: "Read-only role; pgaudit logs every statement to the SIEM; network-restricted to the analytics VPC.",
    reviewCadenceDays: 30,
    proposedBy: email("chen.wei"),
    reviewer: email("security"),
    createdDays: -95,
    acceptedDays: -93,
    expiresDays: -3,
    requestedEndDays: -3,
    endedDays: -3,
  },
  {
    key: "etl-payments-2",
    identity: "svc-analytics-etl-prod",
    entitlement: "payments-db-read-prod",
    status: "accepted",
    riskRating: "high",
    justification: "Renewal: nightly finance reconciliation still needs continuous reads; per-run JIT access lands with DATA-812.",
    compensatingControls: "Read-only role; pgaudit to SIEM; analytics VPC only; alert on any query returning more than 10k rows.",
    reviewCadenceDays: 30,
    proposedBy: email("chen.wei"),
    reviewer: email("security"),
    createdDays: -6,
    acceptedDays: -3,
    expiresDays: 9,
    requestedEndDays: 30,
    renewalOf: "etl-payments-1",
  },
  {
    key: "reconciler-write",
    identity: "svc-orders-reconciler-prod",
    entitlement: "orders-db-write-prod",
    status: "accepted",
    riskRating: "high",
    justification: "The reconciler corrects order states every 5 minutes; it cannot wait for approval on each run.",
    compensatingControls: "Writes limited to orders.status via a trigger; daily diff report to the fulfilment team; break-glass alerts on schema changes.",
    reviewCadenceDays: 30,
    proposedBy: email("owner"),
    reviewer: email("secops"),
    createdDays: -20,
    acceptedDays: -18,
    expiresDays: 12,
    requestedEndDays: 60,
  },
  {
    key: "erp-sync-admin",
    identity: "svc-warehouse-erp-sync-prod",
    entitlement: "warehouse-erp-admin-prod",
    status: "accepted",
    riskRating: "critical",
    justification: "The ERP vendor's sync API only accepts admin sessions; vendor ticket ERP-5521 tracks a scoped role.",
    compensatingControls: "Source IP pinned to the sync pods; ERP admin actions mirrored to the SIEM; weekly review of admin audit log.",
    reviewCadenceDays: 14,
    proposedBy: email("kofi.mensah"),
    reviewer: email("security"),
    createdDays: -40,
    acceptedDays: -38,
    expiresDays: 45,
    requestedEndDays: 90,
  },
  {
    key: "migrate-orders",
    identity: "gha-migrate-orders",
    entitlement: "orders-db-write-prod",
    status: "accepted",
    riskRating: "medium",
    justification: "Migrations run on every merge to main during the Q4 re-platforming; JIT per run returns in January.",
    compensatingControls: "Only runs from protected main with two reviewers; migration diff posted to #db-changes; no DROP allowed by linter.",
    reviewCadenceDays: 30,
    proposedBy: email("owner"),
    reviewer: email("secops"),
    createdDays: -12,
    acceptedDays: -10,
    expiresDays: 27,
    requestedEndDays: 40,
  },
  {
    key: "sql-analyst-read",
    identity: "agent-sql-analyst",
    entitlement: "orders-db-read-prod",
    status: "accepted",
    riskRating: "medium",
    justification: "Analysts query order data through the agent all day; per-question requests would be hundreds a day.",
    compensatingControls: "Row-level security hides customer PII; every generated query is logged with the analyst's name; 1,000-row result cap.",
    reviewCadenceDays: 30,
    proposedBy: email("hannah.schmidt"),
    reviewer: email("security"),
    createdDays: -5,
    acceptedDays: -2,
    expiresDays: 78,
    requestedEndDays: 90,
  },
  {
    key: "triage-desk",
    identity: "agent-support-triage",
    entitlement: "support-desk-agent-prod",
    status: "proposed",
    riskRating: "medium",
    justification: "The triage agent works every inbound ticket and needs a permanent desk seat.",
    compensatingControls: "Agent can only add internal notes and tags; replies require a human.",
    reviewCadenceDays: 30,
    proposedBy: email("lena.novak"),
    createdDays: -1,
    requestedEndDays: 60,
  },
  {
    key: "fraud-payments",
    identity: "svc-payments-fraud-scorer-prod",
    entitlement: "payments-db-read-prod",
    status: "proposed",
    riskRating: "high",
    justification: "Real-time fraud scoring reads recent payments on every checkout.",
    compensatingControls: "Reads only the last 24 h through a view; masked card data; anomaly alerts on volume.",
    reviewCadenceDays: 30,
    proposedBy: email("maria.gonzalez"),
    createdDays: -2,
    requestedEndDays: 28,
  },
  {
    key: "cost-reporter",
    identity: "bot-cost-reporter",
    entitlement: "orders-db-read-prod",
    status: "proposed",
    riskRating: "medium",
    justification: "Weekly cost report joins cloud spend with order volume.",
    compensatingControls: "Runs weekly; aggregates only.",
    reviewCadenceDays: 90,
    proposedBy: email("chen.wei"),
    createdDays: 0,
    requestedEndDays: 85,
  },
  {
    key: "refund-standing",
    identity: "agent-refund-assistant",
    entitlement: "payments-api-refund-prod",
    status: "changes_requested",
    riskRating: "high",
    justification: "The refund assistant needs to refund without waiting for approvals during the holiday peak.",
    compensatingControls: "Refunds under 50 EUR only.",
    reviewCadenceDays: 14,
    proposedBy: email("maria.gonzalez"),
    reviewer: email("security"),
    reviewComment: "The 50 EUR cap must be enforced by the Payments API, not the agent prompt. Add the server-side limit and a daily refund total alarm, then resubmit.",
    createdDays: -4,
    requestedEndDays: 40,
  },
  {
    key: "observability-erp",
    identity: "svc-platform-observability-prod",
    entitlement: "orders-db-read-prod",
    status: "changes_requested",
    riskRating: "medium",
    justification: "Database health checks read pg_stat views and sample the orders table.",
    compensatingControls: "Monitoring role only.",
    reviewCadenceDays: 30,
    proposedBy: email("dev.patel"),
    reviewer: email("secops"),
    reviewComment: "pg_monitor is enough for pg_stat views; sampling the orders table needs its own justification.",
    createdDays: -9,
    requestedEndDays: 90,
  },
  {
    key: "pii-analyst",
    identity: "agent-sql-analyst",
    entitlement: "customers-api-pii-read-prod",
    status: "rejected",
    riskRating: "critical",
    justification: "Analysts want customer addresses in ad-hoc answers.",
    compensatingControls: "Answers are shown only to the analyst who asked.",
    reviewCadenceDays: 30,
    proposedBy: email("hannah.schmidt"),
    reviewer: email("security"),
    reviewComment: "Standing PII access for an agent is not acceptable. Use aggregated geography from the warehouse instead.",
    createdDays: -30,
    requestedEndDays: 60,
  },
  {
    key: "deploy-erp",
    identity: "gha-deploy-warehouse",
    entitlement: "warehouse-erp-admin-prod",
    status: "rejected",
    riskRating: "critical",
    justification: "Deploys update ERP configuration.",
    compensatingControls: "Only from main.",
    reviewCadenceDays: 30,
    proposedBy: email("kofi.mensah"),
    reviewer: email("secops"),
    reviewComment: "Request just-in-time admin for the deploy window instead; a deploy does not need standing admin.",
    createdDays: -50,
    requestedEndDays: 40,
  },
  {
    key: "backup-orders",
    identity: "svc-platform-backup-prod",
    entitlement: "orders-db-read-prod",
    status: "expired",
    riskRating: "medium",
    justification: "Logical backups of the orders database before the storage migration.",
    compensatingControls: "Backups encrypted with the KMS key; job runs from the backup subnet only.",
    reviewCadenceDays: 30,
    proposedBy: email("dev.patel"),
    reviewer: email("security"),
    createdDays: -75,
    acceptedDays: -74,
    expiresDays: -14,
    requestedEndDays: -14,
    endedDays: -14,
  },
  {
    key: "chat-router-desk",
    identity: "svc-support-chat-router-prod",
    entitlement: "support-desk-agent-prod",
    status: "revoked",
    riskRating: "medium",
    justification: "Chat router assigns conversations to desk agents.",
    compensatingControls: "Assignment API only.",
    reviewCadenceDays: 30,
    proposedBy: email("lena.novak"),
    reviewer: email("secops"),
    reviewComment: "Revoked early: the vendor integration that needed it was retired.",
    createdDays: -60,
    acceptedDays: -58,
    expiresDays: 30,
    requestedEndDays: 30,
    endedDays: -7,
  },
];
