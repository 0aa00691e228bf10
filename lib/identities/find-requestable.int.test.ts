import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { setEntitlementEnabled } from "../entitlements/set-entitlement-enabled";
import { setIssuerEnabled } from "../issuers/set-issuer-enabled";
import { createRequest } from "../requests/create-request";
import { findRequestOptions } from "./find-requestable";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("the request form's options", () => {
  it("offers only entitlements that can be granted now, and the domain refuses a disabled one in words", async () => {
    const admin = await createUser(["admin"]);
    const owner = await createUser(["owner"]);
    const identity = await createIdentity({ ownerUserId: owner.id });
    const kept = await createIssuerAndEntitlement();
    const retired = await createIssuerAndEntitlement();
    const offline = await createIssuerAndEntitlement();
    const offered = async () => (await findRequestOptions({ actor: owner })).entitlements.map((e) => e.id);
    expect(await offered()).toEqual(expect.arrayContaining([kept.entitlement.id, retired.entitlement.id, offline.entitlement.id]));

    await setEntitlementEnabled({ actor: admin, entitlement: retired.entitlement.id, enabled: false });
    await setIssuerEnabled({ actor: admin, issuer: offline.issuer.id, enabled: false });
    const now = await offered();
    expect(now).toContain(kept.entitlement.id);
    expect(now).not.toContain(retired.entitlement.id);
    expect(now).not.toContain(offline.entitlement.id);
    expect((await findRequestOptions({ actor: owner })).identities.map((i) => i.id)).toContain(identity.id);

    // A form posted anyway (an old tab, a forged call) is refused by the domain, with the reason.
    await expect(createRequest({ actor: owner, identityId: identity.id, entitlementId: retired.entitlement.id, durationSec: 600, justification: "nightly reconciliation" })).rejects.toMatchObject({
      code: "invalid_state",
      message: `${retired.entitlement.name} is disabled: it can no longer be requested or granted`,
    });

    await setEntitlementEnabled({ actor: admin, entitlement: retired.entitlement.id, enabled: true });
    expect(await offered()).toContain(retired.entitlement.id);
  });
});
