import { apiRoute, objectBody } from "@/lib/web/api";
import { findIssuers } from "@/lib/issuers/find-issuers";
import { createIssuer } from "@/lib/issuers/create-issuer";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ auth }) => ({ issuers: await findIssuers({ actor: auth.actor }) }));
export const POST = apiRoute(async ({ auth, body }) => {
  const b = objectBody(body);
  return Response.json(await createIssuer({ actor: auth.actor, name: b.name as string, type: b.type as never, config: b.config as never }), { status: 201 });
});
