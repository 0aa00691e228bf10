import type { Metadata } from "next";
import { findTrustedIssuers } from "@/lib/workloads/create-trusted-issuer";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { WorkloadIssuers } from "../_components/workload-issuers";
import { Section } from "../_components/admin-section";

export const metadata: Metadata = { title: "Workload issuers" };

export default async function WorkloadIssuersPage() {
  const actor = await requireAdmin("admin:issuers");
  const issuers = await findTrustedIssuers({ actor });
  return (
    <>
      <PageHeader title="Workload issuers" description="Who may prove what a workload is, with a signed token instead of a stored secret." />
      <Section
        title="Trusted workload issuers"
        description="OIDC issuers whose workload tokens (GitHub Actions, Kubernetes service accounts, SPIFFE JWT-SVIDs) prove what a caller is. Each token is checked for signature, issuer, audience and expiry; its subject must match an identity's binding, set on import."
      >
        <WorkloadIssuers issuers={issuers} />
      </Section>
    </>
  );
}
