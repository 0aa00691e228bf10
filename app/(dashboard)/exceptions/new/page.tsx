import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { findProposalOptions } from "@/lib/exceptions/find-proposal-options";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { ProposeForm } from "./_components/propose-form";

export const metadata: Metadata = { title: "Propose exception" };

export default async function ProposeExceptionPage({ searchParams }: { searchParams: Promise<{ identity?: string | string[] }> }) {
  const actor = await requireArea("exceptions");
  const { identity } = await searchParams;
  if (!can(actor, "exception:propose")) redirect("/forbidden?area=exceptions");
  const { identities, entitlements } = await findProposalOptions({ actor });
  return (
    <>
      <PageHeader
        title="Propose exception"
        description="Standing access for an identity you own or operate, when just-in-time requests cannot work. Security reviews it; if accepted, the access is issued through the issuer and revoked at the end date."
      />
      <ProposeForm identities={identities} entitlements={entitlements} initialIdentityId={typeof identity === "string" ? identity : undefined} />
    </>
  );
}
