import { apiRoute, objectBody } from "@/lib/web/api";
import { createApiToken } from "@/lib/api-tokens/create-api-token";
import { createTokenBody } from "@/lib/api/schemas";
import { parseInput } from "@/lib/validation";

export const dynamic = "force-dynamic";

// The token is in this response only; it is stored hashed. Not idempotent by design: a replay
// would have to keep the secret.
export const POST = apiRoute(async ({ auth, body }) => {
  const input = parseInput(createTokenBody, objectBody(body));
  return Response.json(await createApiToken({ ...input, scopes: input.scopes as never, actor: auth.actor }), { status: 201 });
});
