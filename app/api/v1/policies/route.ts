import { apiRoute, objectBody } from "@/lib/web/api";
import { findPolicyVersions, savePolicies } from "@/lib/policy/save-policies";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth }) => findPolicyVersions({ actor: auth.actor }));

export const POST = apiRoute(async ({ auth, body }) => {
  const b = objectBody(body);
  return Response.json(await savePolicies({ actor: auth.actor, text: b.text as string, comment: b.comment as string }), { status: 201 });
});
