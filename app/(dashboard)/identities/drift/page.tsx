import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { discoverDrift } from "@/lib/identities/discover-drift";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { DriftResolutions } from "./_components/drift-resolutions";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Drift" };
export const dynamic = "force-dynamic";

export default async function DriftPage() {
  const actor = await requireArea("identities");
  if (!can(actor, "identity:quarantine")) redirect("/forbidden");
  const report = await discoverDrift({ actor });
  return (
    <>
      <PageHeader
        title="Drift"
        description="Standing privileges found in the issuers' targets that Hourglass did not grant: no live grant holds them and no accepted exception covers them. Adopt each one as an exception, revoke it, or attach it to the identity it belongs to."
        actions={
          <Link href="/identities" className="text-sm underline">
            Back to identities
          </Link>
        }
      />
      <p className="mb-4 text-sm text-zinc-600" data-testid="drift-summary">
        Scanned <Time iso={report.scannedAt} />: {report.findings} finding{report.findings === 1 ? "" : "s"} across {report.issuers.filter((i) => i.supported).length} issuer
        {report.issuers.filter((i) => i.supported).length === 1 ? "" : "s"} that can list what exists.
      </p>
      {report.issuers.length === 0 ? <EmptyState title="No issuer is configured">An admin adds issuers; those that can list their target are scanned here.</EmptyState> : null}
      <div className="space-y-6">
        {report.issuers.map((issuer) => (
          <section key={issuer.id} className="rounded-lg border border-zinc-200 bg-white" data-testid="drift-issuer" data-issuer={issuer.name}>
            <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-3">
              <h2 className="font-semibold">{issuer.name}</h2>
              <Badge>{issuer.type}</Badge>
              {!issuer.supported ? (
                <span className="text-sm text-zinc-500">cannot list what exists in its target</span>
              ) : !issuer.ok ? (
                <span className="text-sm text-red-700">scan failed: {issuer.error}</span>
              ) : (
                <span className="text-sm text-zinc-600">
                  {issuer.findings.length} unmanaged, {issuer.managed} accounted for
                </span>
              )}
            </header>
            {issuer.ok && issuer.supported && issuer.findings.length === 0 ? <p className="px-4 py-3 text-sm text-emerald-700">No drift: every standing privilege found is accounted for.</p> : null}
            {issuer.findings.length ? (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Drift on {issuer.name}</caption>
                  <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                    <tr>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Principal
                      </th>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Privilege
                      </th>
                      <th scope="col" className="px-3 py-2 font-medium">
                        State
                      </th>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Resolve
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-zinc-100">
                    {issuer.findings.map((f) => (
                      <tr key={f.key} data-finding={`${f.principal}:${f.privilege}`}>
                        <td className="px-3 py-2 align-top">
                          <span className="font-mono text-xs">{f.principal}</span>
                          <span className="mt-1 flex flex-wrap gap-1">
                            {f.detail.superuser ? <Badge tone="red">superuser</Badge> : null}
                            {f.detail.adminOption ? <Badge tone="amber">admin option</Badge> : null}
                            {f.detail.issuerAdmin ? <Badge tone="blue">issuer&apos;s admin</Badge> : null}
                            {typeof f.detail.validUntil === "string" ? <Badge>valid until {f.detail.validUntil.slice(0, 10)}</Badge> : null}
                          </span>
                        </td>
                        <td className="px-3 py-2 align-top">
                          <span className="font-mono text-xs">{f.privilege}</span>
                          <span className="block text-xs text-zinc-500">{f.entitlement ? `entitlement ${f.entitlement.name}` : "no entitlement grants it"}</span>
                        </td>
                        <td className="px-3 py-2 align-top">
                          {f.attachedTo ? (
                            <span>
                              attached to{" "}
                              <Link href={`/identities/${f.attachedTo.id}`} className="underline">
                                {f.attachedTo.name}
                              </Link>{" "}
                              {f.attachedTo.status !== "active" ? <StatusBadge value={f.attachedTo.status} /> : null}
                            </span>
                          ) : (
                            <span className="text-red-700">unmanaged</span>
                          )}
                          {f.exception ? (
                            <span className="mt-1 block">
                              exception <StatusBadge value={f.exception.status} />
                            </span>
                          ) : null}
                        </td>
                        <td className="px-3 py-2 align-top">
                          <DriftResolutions
                            issuerId={issuer.id}
                            issuerType={issuer.type}
                            principal={f.principal}
                            privilege={f.privilege}
                            attachedTo={f.attachedTo?.name ?? null}
                            adoptable={!!f.entitlement && !f.exception}
                            issuerAdmin={!!f.detail.issuerAdmin}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </section>
        ))}
      </div>
    </>
  );
}
