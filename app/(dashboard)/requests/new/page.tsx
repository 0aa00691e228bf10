import type { Metadata } from "next";
import { can } from "@/lib/authz";
import { findRequestOptions } from "@/lib/identities/find-requestable";
import { requireArea } from "@/lib/web/session";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { RequestForm, type RequestDraft } from "./_components/request-form";
import { getRequest } from "@/lib/requests/get-request";
import { isAppError } from "@/lib/errors";

export const metadata: Metadata = { title: "New request" };

export default async function NewRequestPage({ searchParams }: { searchParams: Promise<{ again?: string | string[]; identity?: string | string[] }> }) {
  const actor = await requireArea("requests");
  if (!can(actor, "request:create")) redirect("/forbidden?area=requests");
  const { again, identity } = await searchParams;
  const [{ identities, entitlements }, fromAgain] = await Promise.all([findRequestOptions({ actor }), typeof again === "string" ? draftFrom(actor, again) : undefined]);
  // ?identity=<id> preselects one the person may request for; any other value starts as usual.
  const draft = fromAgain ?? (typeof identity === "string" && identities.some((i) => i.id === identity) ? { identityId: identity } : undefined);
  return (
    <>
      <PageHeader title="Request access" description="Temporary access for an identity you own or operate. It ends by itself when the window is over." />
      <RequestForm identities={identities} entitlements={entitlements} canBreakGlass={can(actor, "request:break_glass")} draft={draft} />
    </>
  );
}

/** A request of one's own, asked again: its fields, to change what policy refused. Someone else's request starts an empty form. */
async function draftFrom(actor: Parameters<typeof getRequest>[0]["actor"], requestId: string): Promise<RequestDraft | undefined> {
  const r = await getRequest({ actor, requestId }).catch((e) => {
    if (isAppError(e)) return null;
    throw e;
  });
  if (!r || !r.mine) return undefined;
  return {
    identityId: r.identityId,
    entitlementId: r.entitlementId,
    durationMin: Math.round(r.durationSec / 60),
    justification: r.justification,
    ticketRef: r.ticketRef ?? undefined,
    incidentRef: r.incidentRef ?? undefined,
    changeRef: r.changeRef ?? undefined,
  };
}
