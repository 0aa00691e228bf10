"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function Nav({ items }: { items: { key: string; label: string; href: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {items.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.key}
            href={item.href}
            data-area={item.key}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-2.5 text-base md:py-1.5 md:text-sm ${active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-200"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
