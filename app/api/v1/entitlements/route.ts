import { apiRoute, objectBody } from "@/lib/web/api";
import { findEntitlements } from "@/lib/entitlements/find-entitlements";
import { createEntitlement } from "@/lib/entitlements/create-entitlement";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ auth }) => ({ entitlements: await findEntitlements({ actor: auth.actor }) }));
export const POST = apiRoute(async ({ auth, body }) => {
  const input = objectBody(body) as Omit<Parameters<typeof createEntitlement>[0], "actor">;
  return Response.json(await createEntitlement({ ...input, actor: auth.actor }), { status: 201 });
});
