import { apiRoute, objectBody } from "@/lib/web/api";
import { setTrustedIssuerEnabled } from "@/lib/workloads/create-trusted-issuer";

export const dynamic = "force-dynamic";

export const PATCH = apiRoute(async ({ auth, params, body }) =>
  setTrustedIssuerEnabled({ ...(objectBody(body) as { enabled: boolean }), actor: auth.actor, ref: params.id ?? "" }),
);
