import { apiRoute, objectBody } from "@/lib/web/api";
import { createTrustedIssuer, findTrustedIssuers } from "@/lib/workloads/create-trusted-issuer";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ auth }) => ({ issuers: await findTrustedIssuers({ actor: auth.actor }) }));

export const POST = apiRoute(async ({ auth, body }) => Response.json(await createTrustedIssuer({ actor: auth.actor, ...(objectBody(body) as never) }), { status: 201 }));
