import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { findPolicyVersions } from "@/lib/policy/save-policies";
import { findSimulationSubjects } from "@/lib/policy/find-simulation-subjects";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { PolicyEditor } from "./_components/policy-editor";
import { findPolicyHistory } from "@/lib/policy/find-policy-history";
import { PolicyHistory } from "./_components/policy-history";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  const actor = await requireArea("admin");
  if (!can(actor, "admin:policies")) redirect("/forbidden?area=admin");
  const [policies, history, subjects] = await Promise.all([findPolicyVersions({ actor }), findPolicyHistory({ actor }), findSimulationSubjects({ actor })]);
  return (
    <>
      <PageHeader
        title="Policies"
        description={`Cedar policies decide each request when it is made. Version ${policies.version} is in force. Annotate a permit with @approvals("2"), @securityApproval("true") or @maxDuration("PT30M"); @reason("…") explains a decision.`}
      />
      <PolicyEditor
        text={policies.text}
        version={policies.version}
        identities={subjects.identities}
        entitlements={subjects.entitlements}
      />
      <section className="mt-8">
        <h2 className="mb-2 font-semibold">History</h2>
        <PolicyHistory entries={history.entries} older={history.older} />
      </section>
    </>
  );
}
