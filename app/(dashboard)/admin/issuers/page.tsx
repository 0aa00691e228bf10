import type { Metadata } from "next";
import Link from "next/link";
import { findIssuers } from "@/lib/issuers/find-issuers";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { IssuerForm } from "../_components/issuer-form";
import { Section, td, th, thead } from "../_components/admin-section";

export const metadata: Metadata = { title: "Issuers" };

export default async function IssuersPage() {
  const actor = await requireAdmin("admin:issuers");
  const issuers = await findIssuers({ actor });
  return (
    <>
      <PageHeader title="Issuers" description="Connections to the systems that grant and revoke. Secrets are sealed at rest and never shown again. Open an issuer to edit, disable or drill it." />
      <Section title="Configured issuers" description="Connections to the systems that grant and revoke. Secrets are sealed at rest and never shown again.">
        <table className="w-full text-left text-sm" data-testid="issuers-table">
          <thead className={thead}>
            <tr>
              <th className={th}>Name</th>
              <th className={th}>Type</th>
              <th className={th}>Secret</th>
              <th className={th}>Health</th>
              <th className={th}>Entitlements</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {issuers.map((i) => (
              <tr key={i.id} data-issuer={i.name}>
                <td className={`${td} font-medium`}>
                  <Link href={`/admin/issuers/${i.id}`} className="hover:underline">
                    {i.name}
                  </Link>
                  {i.enabled ? null : (
                    <span className="ml-2">
                      <Badge tone="red">disabled</Badge>
                    </span>
                  )}
                </td>
                <td className={td}>{i.type}</td>
                <td className={td}>{i.hasSecret ? "sealed" : "—"}</td>
                <td className={td}>
                  {!i.enabled ? (
                    <span className="text-zinc-500">not checked while disabled</span>
                  ) : i.lastHealthAt === null ? (
                    <span className="text-zinc-500">not checked yet</span>
                  ) : i.lastHealthOk ? (
                    <Badge tone="green">healthy</Badge>
                  ) : (
                    <span className="text-red-700" title={i.lastHealthError ?? ""}>
                      failing since <Time iso={i.lastHealthAt} />
                    </span>
                  )}
                </td>
                <td className={`${td} tabular-nums`}>{i.entitlements}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="border-t border-zinc-200">
          <IssuerForm />
        </div>
      </Section>
    </>
  );
}
