import { apiRoute, objectBody } from "@/lib/web/api";
import { createTrustedIssuer, findTrustedIssuers } from "@/lib/workloads/create-trusted-issuer";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ auth }) => ({ issuers: await findTrustedIssuers({ actor: auth.actor }) }));

export const POST = apiRoute(async ({ auth, body }) => {
  const input = objectBody(body) as Parameters<typeof createTrustedIssuer>[0];
  return Response.json(await createTrustedIssuer({ ...input, actor: auth.actor }), { status: 201 });
});
