import { getPublicJwks } from "@/lib/tokens/signing-keys";

// Public keys of the built-in token issuer (active and not-yet-retired). Verifiers may cache this
// for five minutes; a token revoked before its exp is on /api/v1/tokens/revoked.

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const jwks = await getPublicJwks();
    return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300" } });
  } catch (e) {
    console.error("jwks.json failed", e);
    return Response.json({ error: { code: "internal", message: "Could not load the signing keys" } }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
