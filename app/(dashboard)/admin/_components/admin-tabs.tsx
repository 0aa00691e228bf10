"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The admin pages a person may open, as a row of tabs (the Main navigation stays the one nav). */
export function AdminTabs({ tabs }: { tabs: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <ul aria-label="Admin pages" className="-mt-2 mb-6 flex flex-wrap gap-1 border-b border-zinc-200 text-sm">
      {tabs.map((t) => {
        const active = t.href === "/admin" ? pathname === "/admin" : pathname === t.href || pathname.startsWith(`${t.href}/`);
        return (
          <li key={t.href}>
            <Link
              href={t.href}
              aria-current={active ? "page" : undefined}
              className={`-mb-px inline-block border-b-2 px-3 py-2 ${active ? "border-zinc-900 font-medium text-zinc-900" : "border-transparent text-zinc-600 hover:text-zinc-900"}`}
            >
              {t.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
