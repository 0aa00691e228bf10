import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findUsers } from "@/lib/users/find-users";
import { findIssuers } from "@/lib/issuers/find-issuers";
import { findEntitlements } from "@/lib/entitlements/find-entitlements";
import { humanDuration } from "@/lib/validation";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { UserRolesForm } from "./_components/user-roles-form";
import { CreateEntitlementForm, CreateIssuerForm } from "./_components/create-forms";
import { ApiTokens } from "./_components/api-tokens";
import { findApiTokens } from "@/lib/api-tokens/create-api-token";
import { findTrustedIssuers } from "@/lib/workloads/create-trusted-issuer";
import { WorkloadIssuers } from "./_components/workload-issuers";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Admin" };

function Section({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <section className="mb-10">
      <h2 className="text-lg font-semibold">{title}</h2>
      <p className="mb-3 text-sm text-zinc-600">{description}</p>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">{children}</div>
    </section>
  );
}

const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

export default async function AdminPage() {
  const actor = await requireArea("admin");
  const [users, issuers, entitlements, tokens, workloadIssuers] = await Promise.all([
    can(actor, "admin:users") ? findUsers({ actor }) : null,
    can(actor, "admin:issuers") ? findIssuers({ actor }) : null,
    can(actor, "admin:entitlements") ? findEntitlements({ actor }) : null,
    can(actor, "admin:tokens") ? findApiTokens({ actor }) : null,
    can(actor, "admin:issuers") ? findTrustedIssuers({ actor }) : null,
  ]);
  return (
    <>
      <PageHeader
        title="Admin"
        description="People and their roles, the issuers Hourglass grants through, and what can be granted."
        actions={
          can(actor, "admin:policies") ? (
            <Link href="/admin/policies" className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50">
              Policies →
            </Link>
          ) : null
        }
      />
      {issuers ? (
        <Section title="Issuers" description="Connections to the systems that grant and revoke. Secrets are sealed at rest and never shown again.">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
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
                <tr key={i.id}>
                  <td className={`${td} font-medium`}>
                    <Link href={`/admin/issuers/${i.id}`} className="hover:underline">
                      {i.name}
                    </Link>
                  </td>
                  <td className={td}>{i.type}</td>
                  <td className={td}>{i.hasSecret ? "sealed" : "—"}</td>
                  <td className={td}>
                    {i.lastHealthAt === null ? (
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
            <CreateIssuerForm />
          </div>
        </Section>
      ) : null}
      {entitlements ? (
        <Section title="Entitlements" description="What can be granted, through which issuer, at what risk and for how long at most.">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
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
                <tr key={e.id}>
                  <td className={td}>
                    <div className="font-medium">{e.name}</div>
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
              <CreateEntitlementForm issuers={issuers.map((i) => ({ name: i.name, type: i.type }))} />
            </div>
          ) : null}
        </Section>
      ) : null}
      {tokens ? (
        <Section title="API tokens" description="Bearer tokens for the machine API, bound to an identity or a person and narrowed to scopes. Shown once, stored as a hash.">
          <ApiTokens tokens={tokens} />
        </Section>
      ) : null}
      {workloadIssuers ? (
        <Section
          title="Workload issuers"
          description="OIDC issuers whose workload tokens (GitHub Actions, Kubernetes service accounts, SPIFFE JWT-SVIDs) prove what a caller is. Each token is checked for signature, issuer, audience and expiry; its subject must match an identity's binding, set on import."
        >
          <WorkloadIssuers issuers={workloadIssuers} />
        </Section>
      ) : null}
      {users ? (
        <Section title="Users and roles" description="Roles decide which areas and actions a person has. SSO users get theirs from their groups at each sign-in.">
          <table className="w-full text-left text-sm" data-testid="users-table">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className={th}>User</th>
                <th className={th}>Teams</th>
                <th className={th}>Last sign-in</th>
                <th className={th}>Roles</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {users.map((u) => (
                <tr key={u.id} data-user={u.email}>
                  <td className={td}>
                    <div className="font-medium">{u.name}</div>
                    <div className="text-xs text-zinc-500">{u.email}</div>
                  </td>
                  <td className={`${td} text-xs`}>{u.teams.join(", ") || "—"}</td>
                  <td className={`${td} whitespace-nowrap text-xs`}><Time iso={u.lastSignInAt} /></td>
                  <td className={td}>
                    <UserRolesForm userId={u.id} current={u.roles} label={u.email} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
    </>
  );
}
