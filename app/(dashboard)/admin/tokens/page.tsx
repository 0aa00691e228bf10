import type { Metadata } from "next";
import { findApiTokens } from "@/lib/api-tokens/create-api-token";
import { requireAdmin } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { ApiTokens } from "../_components/api-tokens";
import { Section } from "../_components/admin-section";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await requireAdmin("admin:tokens");
  const tokens = await findApiTokens({ actor });
  return (
    <>
      <PageHeader title="API tokens" description="Every token for the machine API, whoever it is bound to." />
      <Section title="Tokens" description="Bearer tokens for the machine API, bound to an identity or a person and narrowed to scopes. Shown once, stored as a hash.">
        <ApiTokens tokens={tokens} />
      </Section>
    </>
  );
}
