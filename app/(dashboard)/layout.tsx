import Link from "next/link";
import { visibleAreas } from "@/lib/authz";
import { requireActor } from "@/lib/web/session";
import { Nav } from "./_components/nav";
import { Logo } from "@/components/ui/logo";
import { signOutAction } from "./actions";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const items = visibleAreas(actor).map(({ key, label, href }) => ({ key, label, href }));
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-zinc-200 bg-zinc-100 px-3 py-4">
        <Link href="/" className="mb-6 flex items-center gap-2 px-3 text-lg font-semibold">
          <Logo /> Hourglass
        </Link>
        <Nav items={items} />
        <div className="mt-auto border-t border-zinc-200 px-3 pt-3 text-sm">
          <div className="font-medium" data-testid="current-user">
            {actor.name}
          </div>
          <div className="truncate text-xs text-zinc-500">{actor.email}</div>
          <Link href="/account/tokens" className="text-xs text-zinc-600 underline-offset-2 hover:underline">
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
            <button className="text-xs text-zinc-600 underline hover:text-zinc-900">Sign out</button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
