import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { countAdminObjects, type AdminCounts } from "@/lib/admin/count-admin-objects";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { adminPages } from "./_components/admin-pages";

export const metadata: Metadata = { title: "Admin" };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What each card says of its kind, in words. */
function summary(href: string, c: AdminCounts): string | null {
  switch (href) {
    case "/admin/issuers":
      return c.issuers ? [plural(c.issuers.total, "issuer"), c.issuers.disabled ? `${c.issuers.disabled} disabled` : "", c.issuers.failing ? `${c.issuers.failing} failing` : ""].filter(Boolean).join(" · ") : null;
    case "/admin/entitlements":
      return c.entitlements ? [plural(c.entitlements.total, "entitlement"), c.entitlements.disabled ? `${c.entitlements.disabled} disabled` : ""].filter(Boolean).join(" · ") : null;
    case "/admin/policies":
      return c.policies ? `version ${c.policies.version} in force` : null;
    case "/admin/workload-issuers":
      return c.workloadIssuers ? [plural(c.workloadIssuers.total, "trusted issuer"), c.workloadIssuers.withdrawn ? `${c.workloadIssuers.withdrawn} withdrawn` : ""].filter(Boolean).join(" · ") : null;
    case "/admin/tokens":
      return c.tokens ? plural(c.tokens.active, "active token") : null;
    case "/admin/users":
      return c.users ? [plural(c.users.total, "user"), c.users.inactive ? `${c.users.inactive} not active` : ""].filter(Boolean).join(" · ") : null;
  }
  return null;
}

export default async function AdminPage() {
  const actor = await requireArea("admin");
  const counts = await countAdminObjects({ actor });
  const pages = adminPages.filter((p) => can(actor, p.needs));
  return (
    <>
      <PageHeader title="Admin" description="People and their roles, the issuers Hourglass grants through, what can be granted, and the policies that decide." />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="admin-index">
        {pages.map((p) => (
          <li key={p.href}>
            <Link href={p.href} className="block h-full rounded-lg border border-zinc-200 bg-white p-4 hover:border-zinc-400" data-kind={p.href.slice("/admin/".length)}>
              <span className="font-semibold">{p.label}</span>
              <span className="mt-1 block text-sm tabular-nums text-zinc-900">{summary(p.href, counts)}</span>
              <span className="mt-1 block text-sm text-zinc-600">{p.description}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
