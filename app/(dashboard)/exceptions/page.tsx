import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { exceptionSortable, exceptionViews, findExceptions, type ExceptionView } from "@/lib/exceptions/find-exceptions";
import { countExceptionViews } from "@/lib/exceptions/count-exception-views";
import { EXPIRING_SOON_DAYS } from "@/lib/exceptions/limits";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { ExceptionsTable } from "@/components/tables/exceptions-table";

export const metadata: Metadata = { title: "Exceptions" };

const statuses = ["proposed", "changes_requested", "accepted", "rejected", "expired", "revoked"] as const;

const empty: Record<ExceptionView, string> = {
  queue: "Nothing waits for a security review.",
  expiring: `No accepted exception ends within ${EXPIRING_SOON_DAYS} days.`,
  overdue: "None: every exception past its end has had its standing access revoked.",
  mine: "You have proposed no exception with these filters.",
  all: "No exception matches these filters.",
};

export default async function ExceptionsPage({ searchParams }: PageProps<"/exceptions">) {
  const actor = await requireArea("exceptions");
  const sp = await searchParams;
  const reviewer = can(actor, "exception:review");
  const mayPropose = can(actor, "exception:propose");
  const view = parseEnumParam(sp, "view", exceptionViews) ?? (reviewer ? "queue" : mayPropose ? "mine" : "all");
  const params = parseListParams(sp, {
    sortable: exceptionSortable,
    defaultSort: view === "queue" || view === "mine" ? "createdAt" : "expiresAt",
    defaultDir: view === "mine" ? "desc" : "asc",
  });
  const [page, counts] = await Promise.all([
    findExceptions({ actor, params, filters: { view, status: view === "all" || view === "mine" ? parseEnumParam(sp, "status", statuses) : undefined } }),
    countExceptionViews({ actor }),
  ]);
  const tabs: { view: ExceptionView; label: string; count?: number; tone?: "red" }[] = [
    { view: "queue", label: "Review queue", count: counts.queue },
    { view: "expiring", label: "Expiring soon", count: counts.expiring },
    { view: "overdue", label: "Overdue", count: counts.overdue, tone: "red" },
    ...(mayPropose ? [{ view: "mine" as const, label: "Mine" }] : []),
    { view: "all", label: "All" },
  ];
  return (
    <>
      <PageHeader
        title="Exceptions"
        description="Standing access is debt: each exception names an identity, an entitlement, a reason, the person who accepted the risk, and an end date. At the end the worker revokes it like any grant; renewal is a new review."
        actions={
          mayPropose ? (
            <Link href="/exceptions/new" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
              Propose exception
            </Link>
          ) : null
        }
      />
      <nav aria-label="Exception views" className="mb-3 flex flex-wrap gap-1 border-b border-zinc-200 text-sm">
        {tabs.map((t) => (
          <Link
            key={t.view}
            href={`/exceptions?view=${t.view}`}
            aria-current={t.view === view ? "page" : undefined}
            data-testid={`exceptions-tab-${t.view}`}
            className={`-mb-px flex items-center gap-1.5 border-b-2 px-3 py-2 ${t.view === view ? "border-zinc-900 font-semibold" : "border-transparent text-zinc-600 hover:text-zinc-900"}`}
          >
            {t.label}
            {t.count !== undefined ? (
              <span className={`rounded-full px-1.5 text-xs tabular-nums ${t.tone === "red" && t.count > 0 ? "bg-red-600 text-white" : "bg-zinc-200 text-zinc-700"}`}>{t.count}</span>
            ) : null}
          </Link>
        ))}
      </nav>
      {view === "overdue" && counts.overdue > 0 ? (
        <p role="alert" className="mb-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {counts.overdue === 1 ? "One exception is" : `${counts.overdue} exceptions are`} past the end and not closed: the worker has not confirmed the revoke of its standing
          access. The standing grant&apos;s state and last error are shown below; the worker keeps retrying.
        </p>
      ) : null}
      {view === "all" || view === "mine" ? <FilterBar filters={[{ key: "status", label: "Status", options: options(statuses) }]} /> : null}
      <ExceptionsTable {...page} sort={params.sort} dir={params.dir} empty={empty[view]} />
    </>
  );
}
