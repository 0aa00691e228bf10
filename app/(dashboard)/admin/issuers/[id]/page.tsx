import type { Metadata } from "next";
import Link from "next/link";
import { notFound as notFoundPage, redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { isAppError } from "@/lib/errors";
import { findDrills } from "@/lib/drills/find-drills";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { DrillScheduleForm, RunDrillButton } from "./_components/drill-controls";
import { Time } from "@/components/ui/time";
import { getIssuer } from "@/lib/issuers/get-issuer";
import { IssuerForm } from "../../_components/issuer-form";
import { EnabledToggle } from "../../_components/enabled-toggle";
import type { IssuerTypeName } from "../../_components/issuer-fields";

export const metadata: Metadata = { title: "Issuer" };

const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

export default async function IssuerPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea("admin");
  if (!can(actor, "admin:issuers")) redirect("/forbidden?area=admin");
  const { id } = await params;
  let found;
  try {
    found = await findDrills(actor, { issuer: id, limit: 20 });
  } catch (e) {
    if (isAppError(e) && (e.code === "not_found" || e.code === "validation_failed")) notFoundPage();
    throw e;
  }
  const { issuer, schedule, drills } = found;
  const row = await getIssuer({ actor, issuer: issuer.id });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/issuers" className="text-zinc-600 hover:underline">
          ← Issuers
        </Link>
      </p>
      <PageHeader
        title={issuer.name}
        actions={row.enabled ? null : <Badge tone="red">disabled</Badge>}
        description={`A ${issuer.type} issuer. A revocation drill issues a canary grant through it, proves the canary works, revokes it and verifies that access really ended.`}
      />
      <section className="mb-6 rounded-lg border border-zinc-200 bg-white">
        <h2 className="px-4 pt-4 font-semibold">Configuration</h2>
        <p className="px-4 text-sm text-zinc-600">
          {row.hasSecret ? "Its secret is sealed and never shown: leave the secret field empty to keep it, or give a new one to replace it. " : ""}
          The type stays: grants already issued are revoked through the same kind of issuer.
        </p>
        <IssuerForm issuer={{ id: row.id, name: row.name, type: row.type as IssuerTypeName, config: row.config, hasSecret: row.hasSecret }} />
      </section>
      <section className="mb-6 space-y-2 rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="font-semibold">{row.enabled ? "Disable" : "Disabled"}</h2>
        <p className="text-sm text-zinc-600">
          {row.enabled
            ? "A disabled issuer issues nothing new: its entitlements cannot be requested, pending requests cannot be approved, and approved grants not yet issued are not issued. Its live grants are not cut short: they end and are revoked through it as usual."
            : "This issuer issues nothing new. Its live grants are still revoked through it. Enable it to grant through it again."}
        </p>
        <EnabledToggle kind="issuer" id={row.id} name={row.name} enabled={row.enabled} />
      </section>
      <section className="mb-6 space-y-4 rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="font-semibold">Revocation drills</h2>
        <RunDrillButton issuerId={issuer.id} />
        <DrillScheduleForm issuerId={issuer.id} intervalMinutes={Math.round(schedule.intervalSec / 60)} />
        <p className="text-sm text-zinc-600">{schedule.nextAt ? `Next scheduled drill: ${formatTime(schedule.nextAt)}.` : "No scheduled drills: this issuer is drilled only on demand."}</p>
      </section>
      <section className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table className="w-full min-w-[40rem] text-left text-sm" data-testid="drill-history">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className={th}>Started</th>
              <th className={th}>Trigger</th>
              <th className={th}>Result</th>
              <th className={th}>Time to revoke</th>
              <th className={th}>Steps</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {drills.length === 0 ? (
              <tr>
                <td className={td} colSpan={5}>
                  <span className="text-zinc-600">No drill has run against this issuer yet.</span>
                </td>
              </tr>
            ) : null}
            {drills.map((d) => (
              <tr key={d.id}>
                <td className={td}><Time iso={d.startedAt} /></td>
                <td className={td}>{d.trigger}</td>
                <td className={td}>
                  {d.ok === null ? <Badge>running</Badge> : d.ok ? <Badge tone="green">passed</Badge> : <Badge tone="red">failed</Badge>}
                  {d.error ? <div className="mt-1 text-red-700">{d.error}</div> : null}
                </td>
                <td className={td}>{d.timeToRevokeMs === null ? "—" : `${d.timeToRevokeMs} ms`}</td>
                <td className={td}>
                  <ul className="space-y-0.5">
                    {d.steps.map((s) => (
                      <li key={s.name} className={s.ok ? "text-zinc-700" : "text-red-700"}>
                        {s.ok ? "✓" : "✗"} {s.name.replaceAll("_", " ")} ({s.durationMs} ms){s.error ? `: ${s.error}` : ""}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
