import Link from "next/link";
import { visibleAreas } from "@/lib/authz";
import { requireActor } from "@/lib/web/session";
import { Sidebar } from "./_components/sidebar";
import { signOutAction } from "./actions";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const items = visibleAreas(actor).map(({ key, label, href }) => ({ key, label, href }));
  return (
    <div className="min-h-screen md:flex">
      <Sidebar items={items}>
        <div className="mt-auto border-t border-zinc-200 px-3 pt-3 text-sm">
          <div className="font-medium" data-testid="current-user">
            {actor.name}
          </div>
          <div className="truncate text-xs text-zinc-500">{actor.email}</div>
          <Link href="/account/tokens" className="text-xs text-zinc-600 underline-offset-2 hover:underline max-md:inline-block max-md:py-2 max-md:text-sm">
            Your API tokens
          </Link>
          <div className="mt-1 flex flex-wrap gap-1" data-testid="current-roles">
            {actor.roles.map((r) => (
              <span key={r} className="rounded bg-zinc-200 px-1.5 py-0.5 text-[11px] text-zinc-700">
                {r}
              </span>
            ))}
          </div>
          <form action={signOutAction} className="mt-3">
            <button className="text-xs text-zinc-600 underline hover:text-zinc-900 max-md:py-2 max-md:text-sm">Sign out</button>
          </form>
        </div>
      </Sidebar>
      <main className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-6">{children}</main>
    </div>
  );
}
