import { listRevokedTokens } from "@/lib/issuers/token";

// The jti deny-list of the built-in token issuer: revoked tokens that have not yet expired.
// Public (no secrets) so that verifiers caching our JWKS can also reject revoked tokens.

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    return Response.json(await listRevokedTokens(), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    console.error("tokens/revoked failed", e);
    return Response.json({ error: { code: "internal", message: "Could not load the revoked tokens" } }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
