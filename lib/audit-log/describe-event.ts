import { humanDuration } from "../validation";

// Turns one recorded audit event into a sentence a person reads ("Dana Park approved the request:
// “ticket checked”"), with links to the objects it names. The recorded data itself stays as it was
// stored; pages show it beside the sentence for auditors.

/** A piece of a sentence: plain text, or text that links to an object's page. */
export type SentencePart = string | { text: string; href: string };

export type DescribableEvent = {
  action: string;
  /** As recorded: an e-mail, `identity:<name>` or `system:<name>`. */
  actorLabel: string;
  /** The person's display name, when the page resolved it. */
  actorName?: string | null;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
};

/** The object whose page shows the sentence: it is not linked to itself. */
export type Here = { subjectType: string; subjectId: string | null };

/** Where an object of this type is shown, or null if it has no page. */
export function subjectHref(subjectType: string, subjectId: string | null | undefined): string | null {
  if (!subjectId) return null;
  const base = SUBJECT_PAGES[subjectType];
  return base ? `${base}/${subjectId}` : null;
}

const SUBJECT_PAGES: Record<string, string> = {
  access_request: "/requests",
  grant: "/grants",
  exception: "/exceptions",
  identity: "/identities",
  attestation_campaign: "/attestations",
  issuer: "/admin/issuers",
};

const SUBJECT_NOUNS: Record<string, string> = {
  access_request: "the request",
  grant: "the grant",
  exception: "the exception",
  identity: "the identity",
  attestation_campaign: "the campaign",
  issuer: "the issuer",
  api_token: "the API token",
  user: "the user",
  policy: "the policies",
  entitlement: "the entitlement",
  signing_key: "the token signing key",
  seal_key: "the sealing key",
  workload_issuer: "the workload issuer",
  identity_import: "the import",
};

type Data = Record<string, unknown>;

type Ctx = {
  /** Who acted, as a person reads it ("Dana Park", "The worker", "orders-api"). */
  who: string;
  /** The subject, linked unless it is the page's own object. */
  it: SentencePart;
  d: Data;
  /** A link to another object named in the data. */
  link: (text: string, subjectType: string, id: unknown) => SentencePart;
};

type Sentence = (c: Ctx) => SentencePart[];

const text = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null);
const quoted = (v: unknown, lead = ": "): string => (text(v) ? `${lead}“${text(v)}”` : "");
const list = (v: unknown): string => (Array.isArray(v) ? v.map((x) => text(x) ?? JSON.stringify(x)).join(", ") : (text(v) ?? ""));
const count = (n: unknown, one: string, many = `${one}s`): string => `${typeof n === "number" ? n : 0} ${n === 1 ? one : many}`;
const when = (v: unknown): string => {
  const s = text(v);
  if (!s) return "an unknown time";
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
};
const secs = (v: unknown): string => (typeof v === "number" ? humanDuration(v) : "an unknown time");
const words = (v: unknown): string => (text(v) ?? "").replaceAll("_", " ");

const REVOKE_REASONS: Record<string, string> = {
  expired: "window ended",
  early: "ended early",
  emergency: "emergency",
  exception_ended: "the exception ended",
  identity_quarantined: "the identity was taken out of service",
  issue_failed: "the issue failed",
  delegation_withdrawn: "the delegation was withdrawn",
  policy_changed: "the policy changed",
};
const revokeReason = (v: unknown): string => (text(v) ? (REVOKE_REASONS[text(v)!] ?? words(v)) : "no reason given");
const OUTCOMES: Record<string, string> = { auto_approve: "approved by policy", require_approval: "needs approval", deny: "refused by policy" };
const inParens = (s: string): string => (s ? ` (${s})` : "");

const grantRevokeRequested: Sentence = ({ who, it, d }) => [`${who} asked to revoke `, it, ` (${revokeReason(d.reason)})${quoted(d.comment)}`];
const identityOut = (verb: string): Sentence => ({ who, it, d }) => [
  `${who} ${verb} `,
  it,
  `${quoted(d.reason)}${inParens(
    [d.grantsRevoking ? `${count(d.grantsRevoking, "grant")} being revoked` : "", d.requestsCancelled ? `${count(d.requestsCancelled, "request")} cancelled` : "", d.tokensRevoked ? `${count(d.tokensRevoked, "API token")} ended` : ""]
      .filter(Boolean)
      .join(", "),
  )}`,
];
const exceptionEnded = (how: string): Sentence => ({ it, d, link }) => [
  "",
  it,
  ` ${how}`,
  ...(d.grantId ? [" and its ", link("grant", "grant", d.grantId), d.verifiedAtIssuer ? " was revoked at the issuer" : ` is ${words(d.grantStatus)}`] : []),
];
const delegation = (verb: string): Sentence => ({ who, d }) => [
  `${who} ${verb} ${text(d.agent) ?? "an agent"} acting for ${text(d.principal) ?? "an identity"}`,
  d.entitlements ? ` (${list(d.entitlements)}${d.endsAt ? `, until ${when(d.endsAt)}` : ""})` : "",
  quoted(d.reason),
];
const drillEnded = (ok: boolean): Sentence => ({ it, d }) => [
  `The revocation drill on `,
  it,
  ok ? ` passed${typeof d.timeToRevokeMs === "number" ? `: revoked in ${(d.timeToRevokeMs / 1000).toFixed(1)} s` : ""}` : ` failed${quoted(d.error)}`,
];

/** One sentence per action the code records. A test checks that every action appended in lib/ has one. */
export const SENTENCES: Record<string, Sentence> = {
  "api_token.created": ({ who, d, link }) => [
    `${who} created the API token “${text(d.name) ?? "unnamed"}” for `,
    d.identityId ? link("an identity", "identity", d.identityId) : "a person",
    `${d.scopes ? ` with scopes ${list(d.scopes)}` : ""}${d.expiresAt ? `, expiring ${when(d.expiresAt)}` : ""}`,
  ],
  "api_token.revoked": ({ who, it }) => [`${who} revoked `, it],
  "attestation.recorded": ({ who, it, d, link }) => [
    `${who} attested `,
    it,
    `: ${words(d.decision) || "no decision"}${d.newOwner ? `, new owner ${text(d.newOwner)}` : ""} (campaign `,
    link(text(d.campaign) ?? "a campaign", "attestation_campaign", d.campaignId),
    `)${quoted(d.comment, " — ")}`,
  ],
  "break_glass.reviewed": ({ who, it, d }) => [`${who} completed the after-action review of the break-glass use of `, it, quoted(d.findings)],
  "campaign.opened": ({ who, it, d }) => [`${who} opened the attestation campaign “${text(d.name) ?? ""}” (`, it, `) for ${count(d.identities, "identity", "identities")}, due ${when(d.dueAt)}`],
  "campaign.closed": ({ who, d }) => [`${who} closed the campaign “${text(d.name) ?? ""}”: ${count(d.attested, "identity", "identities")} attested, ${typeof d.open === "number" ? d.open : 0} left open`],
  "campaign.reminded": ({ who, d }) => [`${who} reminded ${count(d.owners, "owner")} of the campaign “${text(d.name) ?? ""}”: ${typeof d.open === "number" ? d.open : 0} still open`],
  "campaign.escalated": ({ who, d }) => [`${who} escalated the campaign “${text(d.name) ?? ""}” to ${text(d.escalatedTo) ?? "security"}: ${typeof d.open === "number" ? d.open : 0} of ${typeof d.total === "number" ? d.total : 0} still open`],
  "delegation.created": delegation("let"),
  "delegation.changed": delegation("changed what"),
  "delegation.withdrawn": ({ who, d }) => [
    `${who} withdrew ${text(d.agent) ?? "an agent"}'s delegation for ${text(d.principal) ?? "an identity"}${quoted(d.reason)}`,
    d.grantsRevoking ? ` (${count(d.grantsRevoking, "grant")} it obtained being revoked)` : "",
  ],
  "drift.attached": ({ who, it, d }) => [`${who} attached the account ${text(d.principal) ?? "?"} on ${text(d.issuer) ?? "an issuer"} to `, it, quoted(d.note)],
  "drift.adopted": ({ who, d, link }) => [
    `${who} adopted standing access of ${text(d.principal) ?? "an account"} found by discovery (${text(d.privilege) ?? "?"}) as `,
    link("an exception", "exception", d.exceptionId),
    d.entitlement ? ` for ${text(d.entitlement)}` : "",
  ],
  "drift.revoke_requested": ({ who, it, d }) => [`${who} asked `, it, ` to revoke ${text(d.privilege) ?? "a privilege"} from ${text(d.principal) ?? "an account"} found by discovery${quoted(d.reason)}`],
  "drift.revoked": ({ it, d }) => [`${text(d.privilege) ?? "A privilege"} was revoked from ${text(d.principal) ?? "an account"} at `, it, d.sessionsEnded ? ` (${count(d.sessionsEnded, "session")} ended)` : ""],
  "drift.revoke_failed": ({ it, d }) => [`Revoking ${text(d.privilege) ?? "a privilege"} from ${text(d.principal) ?? "an account"} at `, it, ` failed${quoted(d.error)}`],
  "bench.bare": ({ who, it }) => [`${who} wrote a benchmark floor request `, it],
  "drill.requested": ({ who, it }) => [`${who} asked for a revocation drill on `, it],
  "drill.started": ({ it }) => ["A scheduled revocation drill started on ", it],
  "drill.passed": drillEnded(true),
  "drill.failed": drillEnded(false),
  "entitlement.created": ({ who, d }) => [`${who} created the entitlement ${text(d.name) ?? ""} on ${text(d.issuer) ?? "an issuer"} (${words(d.riskTier)} risk, at most ${secs(d.maxDurationSec)})`],
  "entitlement.updated": ({ who, it, d }) => [`${who} changed `, it, Array.isArray(d.changes) && d.changes.length ? ` (${list(d.changes)})` : ""],
  "entitlement.disabled": ({ who, it, d }) => [`${who} disabled `, it, `: nothing new is issued for it`, typeof d.liveGrants === "number" && d.liveGrants > 0 ? `; ${count(d.liveGrants, "live grant")} end as planned` : ""],
  "entitlement.enabled": ({ who, it }) => [`${who} enabled `, it, " again"],
  "issuer.updated": ({ who, it, d }) => [`${who} changed the configuration of `, it, d.secret === "replaced" ? " and replaced its secret" : ""],
  "issuer.disabled": ({ who, it, d }) => [`${who} disabled `, it, `: it issues nothing new`, typeof d.liveGrants === "number" && d.liveGrants > 0 ? `; ${count(d.liveGrants, "live grant")} through it are still revoked as planned` : ""],
  "issuer.enabled": ({ who, it }) => [`${who} enabled `, it, " again"],
  "exception.proposed": ({ who, it, d }) => [`${who} proposed `, it, `: ${text(d.entitlement) ?? "access"} for ${text(d.identity) ?? "an identity"} until ${when(d.requestedEndAt)} (${words(d.riskRating)} risk${d.source === "drift" ? ", found by discovery" : ""})`],
  "exception.resubmitted": ({ who, it, d }) => [`${who} resubmitted `, it, d.changed ? ` (changed: ${list(d.changed)})` : "", quoted(d.answering, ", answering ")],
  "exception.accepted": ({ who, it, d }) => [`${who} accepted the risk of `, it, d.expiresAt ? ` until ${when(d.expiresAt)}` : "", quoted(d.comment)],
  "exception.rejected": ({ who, it, d }) => [`${who} rejected `, it, quoted(d.comment)],
  "exception.changes_requested": ({ who, d, it }) => [`${who} asked for changes to `, it, quoted(d.comment)],
  "exception.expired": exceptionEnded("expired"),
  "exception.revoked": exceptionEnded("ended early"),
  "exception.revoke_requested": ({ who, it, d }) => [`${who} asked to end `, it, quoted(d.comment)],
  "exception.reminded": ({ it, d }) => ["The owners of ", it, ` were reminded that it ends ${when(d.expiresAt)}`],
  "exception.renewal_proposed": ({ who, it, d, link }) => [`${who} proposed `, it, " as a renewal of ", link("an exception", "exception", d.renewalOf), `, until ${when(d.requestedEndAt)}`],
  "exception.renewal_requested": ({ who, it, d, link }) => [`${who} asked to renew `, it, ": ", link("the renewal", "exception", d.renewalId), " is under review"],
  "grant.issued": ({ who, it, d }) => [`${who} issued `, it, ` at ${text(d.issuer) ?? "the issuer"}${d.reference ? ` as ${text(d.reference)}` : ""}, until ${when(d.expiresAt)}`],
  "grant.issue_retry": ({ d }) => [`Issuing failed${quoted(d.error)} — retrying (attempt ${text(d.attempt) ?? "?"})`],
  "grant.issue_failed": ({ it, d }) => ["Issuing ", it, ` failed for good${quoted(d.error)}`],
  "grant.issue_cleaned_up": ({ who, it }) => [`${who} confirmed that nothing of the failed `, it, " is left at the issuer"],
  "grant.issued_after_revoke": ({ it, d }) => ["The issuer created ", it, ` after it was revoked${d.reference ? ` (${text(d.reference)})` : ""}; it is being revoked again`],
  "grant.credential_delivered": ({ who, it }) => [`The credential of `, it, ` was handed once to ${who}`],
  "grant.used": ({ who, it, d }) => [`${who} reported `, it, ` used${typeof d.count === "number" && d.count > 1 ? ` ${d.count} times` : ""} at ${when(d.at)}${quoted(d.detail, " — ")}`],
  "grant.extension_requested": ({ who, it, d, link }) => [`${who} asked to extend `, it, ` by ${secs(d.durationSec)}: `, link("the extension request", "access_request", d.requestId), ` was ${words(d.outcome) || "routed"}`],
  "grant.extended": ({ it, d, link }) => ["", it, ` was extended from ${when(d.from)} to ${when(d.to)}`, ...(d.requestId ? [" (", link("request", "access_request", d.requestId), ")"] : [])],
  "grant.native_expiry_moved": ({ it, d }) => ["The issuer's own expiry of ", it, ` moved to ${when(d.expiresAt)}${d.supported === false ? " (this issuer cannot move it)" : ""}`],
  "grant.revoke_requested": grantRevokeRequested,
  "grant.revoke_recheck_scheduled": ({ it, d }) => ["Revoking ", it, ` waits until ${when(d.recheckAt)}: ${text(d.reason) ?? "it is checked again"}`],
  "grant.revoked": ({ who, it, d }) => [`${who} revoked `, it, ` at the issuer (${revokeReason(d.reason)})${d.verified ? ", verified" : ""}`],
  "grant.revoke_failed": ({ d }) => [`Revocation failed${quoted(d.error)} — retrying ${d.nextAttemptAt ? `at ${when(d.nextAttemptAt)}` : "later"} (attempt ${text(d.attempt) ?? "?"})`],
  "grant.irrevocable": ({ it, d }) => ["", it, ` could not be revoked after ${text(d.attempt) ?? "many"} attempts${quoted(d.error)}; it needs a person`],
  "grant.force_resolved": ({ who, it, d }) => [`${who} closed `, it, ` by hand (it was ${words(d.was)})${quoted(d.note)}`],
  "grant.policy_drift": ({ it, d }) => ["The current policy would no longer allow ", it, d.reasons ? `: ${list(d.reasons)}` : ""],
  "identities.imported": ({ who, d }) => [`${who} imported ${count(d.rows, "row")} (${text(d.format) ?? "file"}): ${typeof d.created === "number" ? d.created : 0} created, ${typeof d.updated === "number" ? d.updated : 0} updated, ${typeof d.unchanged === "number" ? d.unchanged : 0} unchanged`],
  "identity.registered": ({ who, it, d }) => [`${who} registered `, it, ` (${words(d.kind)} in ${words(d.environment)}${d.owner ? `, owned by ${text(d.owner)}` : ""})`],
  "identity.updated": ({ who, it, d }) => [`${who} updated `, it, d.changes ? `: ${list(d.changes)}` : ""],
  "identity.owner_changed": ({ who, it, d }) => [
    `${who} handed `,
    it,
    ` ${d.from ? `from ${text(d.from)} ` : ""}to ${text(d.to) ?? "a new owner"}${d.via === "attestation" ? " during attestation" : d.reason === "import" ? " by import" : ""}`,
    d.reason !== "import" ? quoted(d.reason) : "",
  ],
  "identity.quarantined": identityOut("quarantined"),
  "identity.decommissioned": identityOut("decommissioned"),
  "identity.reactivated": ({ who, it, d }) => [`${who} reactivated `, it, quoted(d.reason)],
  "issuer.configured": ({ who, it, d }) => [`${who} configured `, it, ` ${text(d.name) ?? ""} (${text(d.type) ?? "?"})`],
  "issuer.drill_schedule_set": ({ who, it, d }) => [`${who} set revocation drills on `, it, typeof d.intervalSec === "number" && d.intervalSec > 0 ? ` to every ${secs(d.intervalSec)}` : " off"],
  "policy.changed": ({ who, d }) => [`${who} changed the policies from version ${text(d.from) ?? "?"} to ${text(d.to) ?? "?"}${quoted(d.comment)}`],
  "policy.rolled_back": ({ who, d }) => [`${who} rolled the policies back to the text of version ${text(d.restored) ?? "?"}, saved as version ${text(d.to) ?? "?"}`],
  "request.created": ({ who, it, d }) => [
    `${who} requested ${text(d.entitlement) ?? "access"} for ${text(d.identity) ?? "an identity"} for ${secs(d.durationSec)}${d.breakGlass ? " (break-glass)" : ""} (`,
    it,
    `)${OUTCOMES[text((d.decision as Data | undefined)?.outcome) ?? ""] ? ` — ${OUTCOMES[text((d.decision as Data).outcome)!]}` : ""}`,
  ],
  "request.approval_given": ({ who, it, d }) => [`${who} approved `, it, `${d.asSecurity ? " for security" : ""}${quoted(d.comment)}`],
  "request.denied": ({ who, it, d }) => [`${who} denied `, it, `${d.asSecurity ? " for security" : ""}${quoted(d.comment)}`],
  "request.approved": ({ it, d, link }) => ["", it, " was approved", ...(d.grantId ? ["; ", link("the grant", "grant", d.grantId), " is being issued"] : [])],
  "request.auto_approved": ({ it, d, link }) => ["Policy approved ", it, " at once", d.reasons ? ` (${list(d.reasons)})` : "", ...(d.grantId ? ["; ", link("the grant", "grant", d.grantId), " is being issued"] : [])],
  "request.break_glass": ({ who, it, d, link }) => [`${who} used break-glass: `, it, " was granted at once and waits for an after-action review", ...(d.grantId ? [" (", link("grant", "grant", d.grantId), ")"] : [])],
  "request.cancelled": ({ who, it, d }) => [`${who} cancelled `, it, d.reason ? ` (${words(d.reason)})` : ""],
  "request.expired": ({ it }) => ["", it, " expired without a decision"],
  "request.reminded": ({ it, d }) => ["Approvers were reminded of ", it, `, waiting ${secs(d.waitingSec)}${d.team ? ` (team ${text(d.team)})` : ""}`],
  "request.escalated": ({ it, d }) => ["", it, ` was escalated after waiting ${secs(d.waitingSec)}${d.team ? ` (team ${text(d.team)})` : ""}`],
  "secrets.resealed": ({ who, d }) => [`${who} resealed the stored secrets under key ${text(d.keyId) ?? "?"}`],
  "signing_key.created": ({ who, d }) => [`${who} created a token signing key (${text(d.alg) ?? "?"})${quoted(d.reason)}`],
  "signing_key.rotated": ({ who, d }) => [`${who} rotated the token signing key${d.retiresAt ? `; the old one retires ${when(d.retiresAt)}` : ""}${quoted(d.reason)}`],
  "signing_key.compromised": ({ who, d }) => [`${who} marked the token signing key compromised: ${count(d.deniedTokens, "token")} denied, ${count(d.grantsRevoking, "grant")} being revoked${quoted(d.comment)}`],
  "user.signed_in": ({ who, d }) => [`${who} signed in${d.method ? ` (${words(d.method)})` : ""}`],
  "user.sign_in_throttled": ({ d }) => [`Sign-in for ${text(d.email) ?? "a user"} was refused: too many attempts, locked until ${when(d.lockedUntil)}`],
  "user.sso_linked": ({ who, d }) => [`${who} was linked to single sign-on at ${text(d.issuer) ?? "an issuer"}`],
  "user.invited": ({ who, it, d }) => [`${who} invited `, it, ` (${text(d.email) ?? "an email"}) with the roles ${list(d.roles) || "none"}`],
  "user.roles_changed": ({ who, it, d }) => [`${who} changed the roles of `, it, ` from ${list(d.from) || "none"} to ${list(d.to) || "none"}`],
  "workload_issuer.trusted": ({ who, d }) => [`${who} trusted the workload issuer ${text(d.name) ?? ""} (${text(d.issuer) ?? "?"})`],
  "workload_issuer.trusted_again": ({ who, d }) => [`${who} trusted the workload issuer ${text(d.name) ?? ""} again`],
  "workload_issuer.withdrawn": ({ who, d }) => [`${who} withdrew trust in the workload issuer ${text(d.name) ?? ""}`],
};

/** Who acted, as a person reads it. */
export function actorDisplay(e: Pick<DescribableEvent, "actorLabel" | "actorName">): string {
  if (e.actorName) return e.actorName;
  const label = e.actorLabel;
  if (label === "system:worker") return "The worker";
  if (label.startsWith("system:")) return `The system (${label.slice(7)})`;
  if (label.startsWith("identity:")) return label.slice(9);
  return label;
}

/** The recorded data as readable "key: value" pairs, nested values flattened with dots. */
export function dataPairs(data: unknown, prefix = ""): [string, string][] {
  if (data === null || typeof data !== "object") return prefix ? [[prefix, String(data)]] : [];
  if (Array.isArray(data)) return [[prefix || "value", data.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ")]];
  return Object.entries(data as Data).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? dataPairs(v, key) : [[key, Array.isArray(v) ? dataPairs(v, key)[0][1] : String(v)] as [string, string]];
  });
}

/** The sentence for one event, as parts (text and links). */
export function describeEvent(e: DescribableEvent, here?: Here): SentencePart[] {
  const d: Data = e.data && typeof e.data === "object" && !Array.isArray(e.data) ? (e.data as Data) : {};
  const link = (label: string, subjectType: string, id: unknown): SentencePart => {
    const target = typeof id === "string" ? id : null;
    if (here && here.subjectType === subjectType && here.subjectId === target) return label.startsWith("the ") || label.startsWith("an ") ? `this ${label.replace(/^(the|an?) /, "")}` : label;
    const href = subjectHref(subjectType, target);
    return href ? { text: label, href } : label;
  };
  const noun = SUBJECT_NOUNS[e.subjectType] ?? `the ${words(e.subjectType)}`;
  const it = link(noun, e.subjectType, e.subjectId);
  const who = actorDisplay(e);
  const sentence = Object.hasOwn(SENTENCES, e.action) ? SENTENCES[e.action] : null;
  const parts = sentence ? sentence({ who, it, d, link }) : fallback(e.action, who, it, d);
  return capitalize(parts.filter((p) => p !== ""));
}

function fallback(action: string, who: string, it: SentencePart, d: Data): SentencePart[] {
  const pairs = dataPairs(d).map(([k, v]) => `${k}: ${v}`);
  return [`${who} recorded “${action.replaceAll("_", " ")}” on `, it, pairs.length ? ` — ${pairs.join("; ")}` : ""];
}

function capitalize(parts: SentencePart[]): SentencePart[] {
  const [first, ...rest] = parts;
  if (first === undefined) return parts;
  const up = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [typeof first === "string" ? up(first) : { ...first, text: up(first.text) }, ...rest];
}

/** The sentence as plain text (for titles, notifications and tests). */
export function sentenceText(parts: SentencePart[]): string {
  return parts.map((p) => (typeof p === "string" ? p : p.text)).join("");
}
