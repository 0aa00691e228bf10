import { can } from "@/lib/authz";
import { currentActor } from "@/lib/web/session";
import { AdminTabs } from "./_components/admin-tabs";
import { adminPages } from "./_components/admin-pages";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  // Each page checks its own permission; the tabs only show what this person may open.
  const actor = await currentActor();
  const tabs = actor ? adminPages.filter((p) => can(actor, p.needs)) : [];
  return (
    <>
      {tabs.length > 0 ? <AdminTabs tabs={[{ href: "/admin", label: "Overview" }, ...tabs]} /> : null}
      {children}
    </>
  );
}
