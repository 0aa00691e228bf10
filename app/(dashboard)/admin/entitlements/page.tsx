import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findIssuers } from "@/lib/issuers/find-issuers";
import { findEntitlements } from "@/lib/entitlements/find-entitlements";
import { humanDuration } from "@/lib/validation";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { CreateEntitlementForm } from "../_components/create-forms";
import { Section, td, th, thead } from "../_components/admin-section";

export const metadata: Metadata = { title: "Entitlements" };

export default async function EntitlementsPage() {
  const actor = await requireAdmin("admin:entitlements");
  const [entitlements, issuers] = await Promise.all([findEntitlements({ actor }), can(actor, "admin:issuers") ? findIssuers({ actor }) : null]);
  return (
    <>
      <PageHeader title="Entitlements" description="What can be granted, through which issuer, at what risk and for how long at most. Open one to edit or disable it." />
      <Section title="Grantable entitlements" description="What can be granted, through which issuer, at what risk and for how long at most.">
        <table className="w-full text-left text-sm" data-testid="entitlements-table">
          <thead className={thead}>
            <tr>
              <th className={th}>Name</th>
              <th className={th}>Issuer</th>
              <th className={th}>Env</th>
              <th className={th}>Risk</th>
              <th className={th}>Max</th>
              <th className={th}>Approvals</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {entitlements.map((e) => (
              <tr key={e.id} data-entitlement={e.name}>
                <td className={td}>
                  <Link href={`/admin/entitlements/${e.id}`} className="font-medium hover:underline">
                    {e.name}
                  </Link>
                  {!e.enabled ? (
                    <span className="ml-2">
                      <Badge tone="red">disabled</Badge>
                    </span>
                  ) : !e.issuerEnabled ? (
                    <span className="ml-2">
                      <Badge tone="amber">issuer disabled</Badge>
                    </span>
                  ) : null}
                  <div className="text-xs text-zinc-500">{e.description}</div>
                </td>
                <td className={td}>{e.issuer}</td>
                <td className={td}>
                  <StatusBadge value={e.environment} />
                </td>
                <td className={td}>
                  <StatusBadge value={e.riskTier} />
                </td>
                <td className={td}>{humanDuration(e.maxDurationSec)}</td>
                <td className={td}>
                  {e.approvalsRequired === 0 ? "policy may auto-approve" : `${e.approvalsRequired}${e.securityApprovalRequired ? " (one from security)" : ""}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {issuers ? (
          <div className="border-t border-zinc-200">
            <CreateEntitlementForm issuers={issuers.filter((i) => i.enabled).map((i) => ({ name: i.name, type: i.type }))} />
          </div>
        ) : null}
      </Section>
    </>
  );
}
