import type { Metadata } from "next";
import Link from "next/link";
import { notFound as notFoundPage } from "next/navigation";
import { can } from "@/lib/authz";
import { isAppError } from "@/lib/errors";
import { getIdentity } from "@/lib/identities/get-identity";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDate, formatTime } from "@/components/ui/format";
import { StatusChangeForm } from "./_components/status-change-form";
import { DelegateForm, WithdrawDelegationForm } from "./_components/delegation-forms";
import { Time } from "@/components/ui/time";
import { History } from "@/components/ui/history";
import { findTransferTargets } from "@/lib/identities/find-transfer-targets";
import { TransferForm } from "./_components/transfer-form";

export const metadata: Metadata = { title: "Identity" };

const card = "rounded-lg border border-zinc-200 bg-white p-4 text-sm";
const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

function Section({ title, count, children, testId }: { title: string; count?: number; children: React.ReactNode; testId?: string }) {
  return (
    <section className="mt-6" data-testid={testId}>
      <h2 className="mb-2 font-semibold">
        {title}
        {count !== undefined ? <span className="ml-1 font-normal text-zinc-500">({count})</span> : null}
      </h2>
      {children}
    </section>
  );
}

function Table({ head, empty, children, rows }: { head: string[]; empty: string; rows: number; children: React.ReactNode }) {
  if (rows === 0) return <p className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-3 text-sm text-zinc-500">{empty}</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className={th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}

export default async function IdentityPage({ params }: PageProps<"/identities/[id]">) {
  const actor = await requireArea("identities");
  const { id } = await params;
  const i = await getIdentity({ actor, identityId: id }).catch((e) => {
    if (isAppError(e) && (e.code === "not_found" || e.code === "validation_failed")) notFoundPage();
    throw e;
  });
  const mayChangeStatus = can(actor, "identity:quarantine") && i.status !== "decommissioned";
  const targets = i.may.transfer ? await findTransferTargets(actor, i.id) : null;
  const currentOwner = i.owner ? `${i.owner.type}:${i.owner.id}` : null;
  const action = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50";
  const none = <span className="text-zinc-400">—</span>;
  return (
    <>
      <PageHeader title={i.name} description={`${i.kind.replaceAll("_", " ")} in ${i.environment}, system ${i.system}.`} />
      {(
        <section className={`${card} mb-6 space-y-3`} data-testid="owner-actions" aria-label="Owner actions">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="mr-2 font-semibold">{i.owns ? "You own this identity" : "Ownership"}</h2>
            {i.may.requestAccess ? (
              <Link className={action} href={`/requests/new?identity=${i.id}`}>
                Request access
              </Link>
            ) : null}
            {i.openAttestation ? (
              <Link className={`${action} border-amber-400`} href={`/attestations?campaign=${i.openAttestation.campaignId}`}>
                Attest (due {formatDate(i.openAttestation.dueAt)})
              </Link>
            ) : null}
            {i.may.proposeException ? (
              <Link className={action} href={`/exceptions/new?identity=${i.id}`}>
                Propose an exception
              </Link>
            ) : null}
          </div>
          {targets ? (
            <div>
              <h3 className="mb-1 font-medium">Transfer ownership</h3>
              <p className="mb-2 text-zinc-600">Hand it to another person or team who will answer for it. The reason is kept in its owner history.</p>
              <TransferForm identityId={i.id} targets={targets} current={currentOwner} />
            </div>
          ) : (
            <p className="text-zinc-600" data-testid="transfer-refused">
              {i.status === "decommissioned" ? "It is decommissioned: its ownership no longer changes." : "Only its owner, a member of its owning team or an admin can transfer its ownership."}
            </p>
          )}
        </section>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <section className={card}>
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[9rem_minmax(0,1fr)] gap-y-2">
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex flex-wrap items-center gap-1" data-testid="identity-status">
              <StatusBadge value={i.status} />
              <StatusBadge value={i.environment} />
              <Badge>{i.kind.replaceAll("_", " ")}</Badge>
              <StatusBadge value={i.criticality} />
            </dd>
            <dt className="text-zinc-500">Owner</dt>
            <dd data-testid="identity-owner">
              {i.owner ? (i.owner.type === "user" ? `${i.owner.name} (${i.owner.email})` : `team ${i.owner.name}`) : <span className="text-red-700">unowned</span>}
            </dd>
            <dt className="text-zinc-500">Last attested</dt>
            <dd className={i.attestationOverdue ? "text-amber-800" : undefined}>
              {i.lastAttestedAt ? formatDate(i.lastAttestedAt) : "never"}
              {i.attestationOverdue ? ` · overdue (every ${i.attestationWindowDays} days)` : ""}
            </dd>
            <dt className="text-zinc-500">Description</dt>
            <dd className="whitespace-pre-line">{i.description || none}</dd>
            <dt className="text-zinc-500">Registered</dt>
            <dd><Time iso={i.createdAt} /></dd>
            <dt className="text-zinc-500">API tokens</dt>
            <dd>{i.activeApiTokens} active</dd>
            {i.delegation.actsFor.length ? (
              <>
                <dt className="text-zinc-500">Acts for</dt>
                <dd>
                  {i.delegation.actsFor.map((p, n) => (
                    <span key={p.id}>
                      {n ? ", " : ""}
                      <Link className="underline" href={`/identities/${p.id}`}>
                        {p.name}
                      </Link>
                      <span className="text-xs text-zinc-500">
                        {" "}
                        ({p.active ? `${p.entitlements} entitlement${p.entitlements === 1 ? "" : "s"}, until ${formatDate(p.endsAt)}` : "ended or withdrawn"})
                      </span>
                    </span>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
          <h3 className="mb-2 mt-4 font-semibold">Workload binding</h3>
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[9rem_minmax(0,1fr)] gap-y-2" data-testid="identity-workload">
            <dt className="text-zinc-500">OIDC issuer</dt>
            <dd className="break-all font-mono text-xs">{i.workload.issuer ?? none}</dd>
            <dt className="text-zinc-500">Subject</dt>
            <dd className="break-all font-mono text-xs">{i.workload.subject ?? none}</dd>
            <dt className="text-zinc-500">SPIFFE ID</dt>
            <dd className="break-all font-mono text-xs">{i.workload.spiffeId ?? none}</dd>
          </dl>
        </section>
        <section className={`${card} space-y-5`}>
          {mayChangeStatus ? (
            <>
              {i.status === "active" ? (
                <div>
                  <h2 className="mb-1 font-semibold">Quarantine</h2>
                  <p className="mb-2 text-zinc-600">Its active grants are revoked at their issuers and its pending requests cancelled. It can be reactivated later.</p>
                  <StatusChangeForm identityId={i.id} change="quarantine" label="Quarantine" tone="red" />
                </div>
              ) : null}
              {i.status === "quarantined" ? (
                <div>
                  <h2 className="mb-1 font-semibold">Reactivate</h2>
                  <p className="mb-2 text-zinc-600">Lifts the quarantine. Revoked grants stay revoked: access is requested again.</p>
                  <StatusChangeForm identityId={i.id} change="reactivate" label="Reactivate" tone="plain" />
                </div>
              ) : null}
              <div>
                <h2 className="mb-1 font-semibold">Decommission</h2>
                <p className="mb-2 text-zinc-600">Retires it for good: grants revoked, pending requests cancelled, API tokens ended.</p>
                <StatusChangeForm identityId={i.id} change="decommission" label="Decommission" tone="red" />
              </div>
            </>
          ) : (
            <p className="text-zinc-600">{i.status === "decommissioned" ? "This identity is decommissioned." : "Security or an admin can quarantine or decommission this identity."}</p>
          )}
          {i.attachedPrincipals.length ? (
            <div data-testid="identity-attached">
              <h2 className="mb-1 font-semibold">Accounts found by discovery</h2>
              <ul className="space-y-1">
                {i.attachedPrincipals.map((p) => (
                  <li key={`${p.issuerId}:${p.principal}`}>
                    <span className="font-mono text-xs">{p.principal}</span> on {p.issuer} <span className="text-xs text-zinc-500">attached {formatDate(p.at)}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      </div>

      <Section title="Owner history" count={i.ownerHistory.length} testId="identity-owner-history">
        <Table head={["When", "From", "To", "By", "Why"]} rows={i.ownerHistory.length} empty="The owner has not changed since the identity was registered.">
          {i.ownerHistory.map((h) => (
            <tr key={h.id}>
              <td className={`${td} whitespace-nowrap`}><Time iso={h.at} /></td>
              <td className={td}>{h.from ?? "unowned"}</td>
              <td className={td}>{h.to ?? "unowned"}</td>
              <td className={td}>{h.by}</td>
              <td className={td}>{h.reason || none}</td>
            </tr>
          ))}
        </Table>
      </Section>

      {i.mayManageDelegations || i.delegation.actedForBy.length ? (
        <Section title="Agents acting for it" count={i.delegation.actedForBy.length} testId="identity-delegations">
          <div className={`${card} space-y-3`}>
            {i.delegation.actedForBy.length ? (
              <ul className="space-y-2">
                {i.delegation.actedForBy.map((d) => (
                  <li key={d.id} className="flex flex-wrap items-center justify-between gap-2" data-agent={d.name}>
                    <span>
                      <Link className="font-medium underline" href={`/identities/${d.id}`}>
                        {d.name}
                      </Link>{" "}
                      <span className="text-zinc-600">{d.active ? `may ask for ${d.entitlements} entitlement${d.entitlements === 1 ? "" : "s"} until ${formatDate(d.endsAt)}` : "ended or withdrawn"}</span>
                    </span>
                    {d.active && i.mayManageDelegations ? <WithdrawDelegationForm principalId={i.id} agentId={d.id} agentName={d.name} /> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-zinc-500">No agent acts for this identity.</p>
            )}
            {i.mayManageDelegations ? <DelegateForm principalId={i.id} /> : null}
          </div>
        </Section>
      ) : null}

      {i.grants ? (
      <Section title={(i.grantCount ?? 0) > i.grants.length ? `Grants, the latest ${i.grants.length}` : "Grants"} count={i.grantCount} testId="identity-grants">
        <Table head={["Entitlement", "Issuer", "Status", "Issued", "Ends", "Revoked"]} rows={i.grants.length} empty="No grant yet.">
          {i.grants.map((g) => (
            <tr key={g.id}>
              <td className={td}>
                <Link className="font-medium hover:underline" href={`/grants/${g.id}`}>
                  {g.entitlement}
                </Link>
              </td>
              <td className={td}>{g.issuer}</td>
              <td className={td}>
                <span className="flex flex-wrap gap-1">
                  <StatusBadge value={g.status} />
                  {g.standing ? <Badge tone="violet">standing</Badge> : null}
                  {g.breakGlass ? <Badge tone="red">break-glass</Badge> : null}
                </span>
              </td>
              <td className={`${td} whitespace-nowrap`}><Time iso={g.issuedAt} /></td>
              <td className={`${td} whitespace-nowrap`}><Time iso={g.expiresAt} /></td>
              <td className={`${td} whitespace-nowrap`}>
                {g.revokedAt ? `${formatTime(g.revokedAt)} (${g.revokeReason?.replaceAll("_", " ")})` : g.revokeReason ? `pending (${g.revokeReason.replaceAll("_", " ")})` : none}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
      ) : null}

      {i.exceptions ? (
      <Section title="Exceptions" count={i.exceptions.length} testId="identity-exceptions">
        <Table head={["Entitlement", "Status", "Risk", "Why", "Proposed by", "Accepted by", "Ends"]} rows={i.exceptions.length} empty="No standing access was ever asked for.">
          {i.exceptions.map((e) => (
            <tr key={e.id}>
              <td className={td}>{e.entitlement}</td>
              <td className={td}>
                <StatusBadge value={e.status} />
              </td>
              <td className={td}>
                <StatusBadge value={e.riskRating} />
              </td>
              <td className={`${td} max-w-sm text-zinc-600`}>{e.justification}</td>
              <td className={td}>{e.proposedBy}</td>
              <td className={td}>{e.acceptedBy ?? none}</td>
              <td className={`${td} whitespace-nowrap`}>{formatDate(e.expiresAt ?? e.requestedEndAt)}</td>
            </tr>
          ))}
        </Table>
      </Section>
      ) : null}

      {i.attestations ? (
      <Section title="Attestations" count={i.attestations.length} testId="identity-attestations">
        <Table head={["Campaign", "Due", "Decision", "By", "When", "Comment"]} rows={i.attestations.length} empty="Not part of any attestation campaign yet.">
          {i.attestations.map((a) => (
            <tr key={a.id}>
              <td className={td}>{a.campaign}</td>
              <td className={`${td} whitespace-nowrap`}>{formatDate(a.dueAt)}</td>
              <td className={td}>{a.decision ? <StatusBadge value={a.decision} /> : <span className="text-amber-800">open</span>}</td>
              <td className={td}>{a.attestedBy ?? none}</td>
              <td className={`${td} whitespace-nowrap`}><Time iso={a.attestedAt} /></td>
              <td className={`${td} text-zinc-600`}>{a.comment || none}</td>
            </tr>
          ))}
        </Table>
      </Section>
      ) : null}

      {i.audit ? <History entries={i.audit} title="History" testId="identity-audit" empty="No event recorded about this identity." /> : null}
    </>
  );
}
