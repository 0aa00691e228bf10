import type { Metadata } from "next";
import Link from "next/link";
import { areas } from "@/lib/authz";

export const metadata: Metadata = { title: "Not allowed" };

export default async function ForbiddenPage({ searchParams }: PageProps<"/forbidden">) {
  const { area } = await searchParams;
  const label = areas.find((a) => a.key === area)?.label;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center" data-testid="forbidden">
        <p className="text-sm font-medium text-red-700">403 · Not allowed</p>
        <h1 className="mt-2 text-xl font-semibold">
          {label ? `Your roles do not open ${label}.` : "Your roles do not allow this."}
        </h1>
        <p className="mt-2 text-sm text-zinc-600">
          If you need it for your work, ask an administrator for the role that grants it. Every role change is audited.
        </p>
        <Link href="/" className="mt-6 inline-block text-sm underline">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
