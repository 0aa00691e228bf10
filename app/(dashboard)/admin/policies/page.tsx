import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { findPolicyVersions } from "@/lib/policy/save-policies";
import { findSimulationSubjects } from "@/lib/policy/find-simulation-subjects";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { PolicyEditor } from "./_components/policy-editor";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  const actor = await requireArea("admin");
  if (!can(actor, "admin:policies")) redirect("/forbidden?area=admin");
  const [policies, subjects] = await Promise.all([findPolicyVersions({ actor }), findSimulationSubjects({ actor })]);
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
        <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm">
          {policies.versions.length === 0 ? <li className="px-4 py-2 text-zinc-600">Version 1: the shipped defaults. No change saved yet.</li> : null}
          {policies.versions.map((v) => (
            <li key={v.version} className="flex justify-between gap-4 px-4 py-2">
              <span>
                v{v.version}: {v.comment}
              </span>
              <span className="text-zinc-500"><Time iso={v.createdAt} /></span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
