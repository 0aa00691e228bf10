import type { Metadata } from "next";
import { permissionsOf } from "@/lib/authz";
import { findApiTokens } from "@/lib/api-tokens/create-api-token";
import { requireActor } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { ApiTokens } from "../../admin/_components/api-tokens";

export const metadata: Metadata = { title: "Your API tokens" };

export default async function MyTokensPage() {
  const actor = await requireActor();
  const tokens = await findApiTokens({ actor, mine: true });
  return (
    <>
      <PageHeader
        title="Your API tokens"
        description="Tokens that act as you on the machine API (approve from a script, export the audit trail). A token carries at most what your roles allow; nobody else can create one in your name."
      />
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <ApiTokens tokens={tokens} self={{ email: actor.email, scopes: [...permissionsOf(actor)] }} />
      </div>
    </>
  );
}
