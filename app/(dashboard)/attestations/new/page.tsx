import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { QUARANTINE_GRACE_MS } from "@/lib/attestations/escalate-campaigns";
import { CampaignForm } from "./_components/campaign-form";

export const metadata: Metadata = { title: "New attestation campaign" };

export default async function NewCampaignPage() {
  const actor = await requireArea("attestations");
  // Owners open the area to attest; only security and admins open campaigns.
  if (!can(actor, "attestation:manage")) redirect("/forbidden");
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return (
    <>
      <PageHeader
        title="New attestation campaign"
        description="Every active identity in scope gets one attestation for its owners. They are reminded 3 days before the due date; once it has passed, security is alerted."
      />
      <CampaignForm defaultDue={due} minDue={tomorrow} graceHours={Math.round(QUARANTINE_GRACE_MS / 3_600_000)} />
    </>
  );
}
