import type { Metadata } from "next";
import Link from "next/link";
import { notFound as notFoundPage } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { getEntitlement } from "@/lib/entitlements/get-entitlement";
import { formatDuration } from "@/lib/validation";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { EntitlementEditForm } from "../../_components/entitlement-form";
import { EnabledToggle } from "../../_components/enabled-toggle";

export const metadata: Metadata = { title: "Entitlement" };

export default async function EntitlementPage({ params }: PageProps<"/admin/entitlements/[id]">) {
  const actor = await requireAdmin("admin:entitlements");
  const { id } = await params;
  let e;
  try {
    e = await getEntitlement({ actor, entitlement: id });
  } catch (err) {
    if (isAppError(err) && (err.code === "not_found" || err.code === "validation_failed")) notFoundPage();
    throw err;
  }
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/entitlements" className="text-zinc-600 hover:underline">
          ← Entitlements
        </Link>
      </p>
      <PageHeader
        title={e.name}
        description={`Granted through the ${e.issuerType} issuer ${e.issuer}. ${e.liveGrants === 1 ? "1 grant is" : `${e.liveGrants} grants are`} live.`}
        actions={!e.enabled ? <Badge tone="red">disabled</Badge> : !e.issuerEnabled ? <Badge tone="amber">its issuer is disabled</Badge> : <Badge tone="green">requestable</Badge>}
      />
      <section className="mb-6 rounded-lg border border-zinc-200 bg-white">
        <h2 className="px-4 pt-4 font-semibold">Settings</h2>
        <EntitlementEditForm
          entitlement={{
            id: e.id,
            name: e.name,
            issuerType: e.issuerType,
            description: e.description,
            target: e.target,
            environment: e.environment,
            riskTier: e.riskTier,
            maxDuration: formatDuration(e.maxDurationSec),
            defaultDuration: formatDuration(e.defaultDurationSec),
            approvalsRequired: e.approvalsRequired,
            securityApprovalRequired: e.securityApprovalRequired,
            breakGlassAllowed: e.breakGlassAllowed,
            responseTarget: formatDuration(e.responseTargetSec),
            requestTtl: formatDuration(e.requestTtlSec),
          }}
        />
      </section>
      <section className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="font-semibold">{e.enabled ? "Disable" : "Disabled"}</h2>
        <p className="text-sm text-zinc-600">
          {e.enabled
            ? "A disabled entitlement can no longer be requested, pending requests for it cannot be approved, and approved grants not yet issued are not issued. Live grants are not cut short: they end and are revoked as usual."
            : "Nobody can request this entitlement. Enable it to make it requestable again."}
        </p>
        <EnabledToggle kind="entitlement" id={e.id} name={e.name} enabled={e.enabled} />
      </section>
    </>
  );
}
