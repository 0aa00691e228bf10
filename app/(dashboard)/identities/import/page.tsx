import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can } from "@/lib/authz";
import { importColumns, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, requiredColumns } from "@/lib/identities/import-rows";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { ImportForm } from "./_components/import-form";

export const metadata: Metadata = { title: "Import identities" };

export default async function ImportIdentitiesPage() {
  const actor = await requireArea("identities");
  if (!can(actor, "identity:write")) redirect("/forbidden");
  return (
    <>
      <PageHeader
        title="Import identities"
        description={`Upload or paste a CSV or JSON file of up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB (${MAX_IMPORT_ROWS.toLocaleString("en")} rows). Preview checks every row and writes nothing; the import then writes all rows or none.`}
        actions={
          <Link href="/identities" className="text-sm underline">
            Back to identities
          </Link>
        }
      />
      <ImportForm />
      <section className="mt-8 max-w-3xl rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-700">
        <h2 className="mb-2 font-semibold">File format</h2>
        <p>
          Columns: {importColumns.map((c, n) => (
            <span key={c}>
              {n ? ", " : ""}
              <code className={requiredColumns.includes(c) ? "font-semibold" : undefined}>{c}</code>
            </span>
          ))}{" "}
          (the first four are required). A CSV file starts with a header line naming its columns; a JSON file is an array of objects with these fields (or{" "}
          <code>{'{"identities": [...]}'}</code>).
        </p>
        <p className="mt-2">
          <code>kind</code>: service_account, api_key, workload, ci_job, ai_agent or bot. <code>environment</code>: dev, staging or prod. <code>criticality</code>: low, medium
          (default), high or critical. <code>owner</code>: a user&apos;s email or a team&apos;s name. A workload binding is <code>workloadIssuer</code> (the OIDC issuer URL) with{" "}
          <code>workloadSubject</code>, and/or a <code>spiffeId</code>.
        </p>
        <p className="mt-2">
          With &ldquo;update existing identities&rdquo;, a row whose name exists updates that identity: an empty cell clears the field, a missing column leaves it as it is.
        </p>
        <pre className="mt-3 overflow-x-auto rounded bg-zinc-50 p-3 font-mono text-xs">
          {`name,kind,environment,system,owner,description
svc-billing-batch,service_account,prod,billing,payments,"Nightly invoices, EU"
gh-deploy-web,ci_job,prod,web,alice@example.com,`}
        </pre>
      </section>
    </>
  );
}
