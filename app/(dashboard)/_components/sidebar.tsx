"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Logo } from "@/components/ui/logo";
import { Nav } from "./nav";

/**
 * The dashboard's one navigation. From the md breakpoint up it is the fixed sidebar; below, it
 * folds behind a Menu button in a top bar and opens as a panel over the page.
 */
export function Sidebar({ items, children }: { items: { key: string; label: string; href: string }[]; children: React.ReactNode }) {
  const pathname = usePathname();
  // The path the menu was opened on: moving to another page closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpenOn(null);
      button.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <>
      <header className="sticky top-0 z-40 flex h-14 items-center justify-between border-b border-zinc-200 bg-zinc-100 px-4 md:hidden">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold" onClick={() => setOpenOn(null)}>
          <Logo /> Hourglass
        </Link>
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setOpenOn(open ? null : pathname)}
          className="-mr-2 flex h-11 items-center gap-2 rounded-md px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-200"
        >
          <svg viewBox="0 0 24 24" className="h-5 w-5" aria-hidden fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
            {open ? <path d="M6 6l12 12M18 6L6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
          </svg>
          Menu
        </button>
      </header>
      <aside
        id="main-menu"
        // A tap on any link in the panel (the current page included) folds it away.
        onClick={(e) => {
          if ((e.target as HTMLElement).closest("a")) setOpenOn(null);
        }}
        className={`${open ? "flex" : "hidden"} fixed inset-x-0 bottom-0 top-14 z-40 flex-col overflow-y-auto overscroll-contain bg-zinc-100 px-3 py-4 md:sticky md:inset-auto md:top-0 md:flex md:h-screen md:w-56 md:shrink-0 md:border-r md:border-zinc-200`}
      >
        <Link href="/" className="mb-6 hidden items-center gap-2 px-3 text-lg font-semibold md:flex">
          <Logo /> Hourglass
        </Link>
        <Nav items={items} />
        {children}
      </aside>
    </>
  );
}
