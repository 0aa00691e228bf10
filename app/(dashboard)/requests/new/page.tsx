import type { Metadata } from "next";
import { can } from "@/lib/authz";
import { findRequestOptions } from "@/lib/identities/find-requestable";
import { requireArea } from "@/lib/web/session";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { RequestForm } from "./_components/request-form";

export const metadata: Metadata = { title: "New request" };

export default async function NewRequestPage() {
  const actor = await requireArea("requests");
  if (!can(actor, "request:create")) redirect("/forbidden?area=requests");
  const { identities, entitlements } = await findRequestOptions({ actor });
  return (
    <>
      <PageHeader title="Request access" description="Temporary access for an identity you own or operate. It ends by itself when the window is over." />
      <RequestForm identities={identities} entitlements={entitlements} canBreakGlass={can(actor, "request:break_glass")} />
    </>
  );
}
