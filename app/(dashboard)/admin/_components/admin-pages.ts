import type { Permission } from "@/lib/authz";

/** The admin pages, each with the permission it needs. */
export const adminPages: { href: string; label: string; needs: Permission; description: string }[] = [
  { href: "/admin/issuers", label: "Issuers", needs: "admin:issuers", description: "Connections to the systems that grant and revoke." },
  { href: "/admin/entitlements", label: "Entitlements", needs: "admin:entitlements", description: "What can be granted, through which issuer, at what risk and for how long at most." },
  { href: "/admin/policies", label: "Policies", needs: "admin:policies", description: "Cedar policies that decide each request, with a simulator and their history." },
  { href: "/admin/workload-issuers", label: "Workload issuers", needs: "admin:issuers", description: "OIDC issuers whose workload tokens prove what a caller is." },
  { href: "/admin/tokens", label: "API tokens", needs: "admin:tokens", description: "Bearer tokens for the machine API, bound to an identity or a person." },
  { href: "/admin/users", label: "Users", needs: "admin:users", description: "People and their roles." },
];
