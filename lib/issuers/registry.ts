import type { Issuer, IssuerType } from "../generated/prisma/client";
import { unsealJson } from "../crypto/seal";
import { IssuerError, type IssuerDriver, type IssuerFactory } from "./types";

// Issuer rows → live drivers, built once per issuer version and reused (each holds its own pool).

const factories: Partial<Record<IssuerType, () => Promise<IssuerFactory>>> = {
  postgres: async () => (await import("./postgres")).createPostgresIssuer,
  token: async () => (await import("./token")).createTokenIssuer,
  webhook: async () => (await import("./webhook")).createWebhookIssuer,
};

type Cached = { version: number; driver: Promise<IssuerDriver> };
const cache = new Map<string, Cached>();

export function supportedIssuerTypes(): IssuerType[] {
  return Object.keys(factories) as IssuerType[];
}

/** The driver for an issuer row; rebuilt when the row changes (updatedAt). */
export function driverFor(issuer: Pick<Issuer, "id" | "name" | "type" | "config" | "secretSealed" | "updatedAt">): Promise<IssuerDriver> {
  const version = issuer.updatedAt.getTime();
  const hit = cache.get(issuer.id);
  if (hit && hit.version === version) return hit.driver;
  if (hit) void hit.driver.then((d) => d.close?.()).catch(() => undefined);
  const load = factories[issuer.type];
  const driver = (async () => {
    if (!load) throw new IssuerError(`Issuer type ${issuer.type} is not supported by this build`, "permanent");
    const factory = await load();
    return factory({
      id: issuer.id,
      name: issuer.name,
      config: issuer.config,
      secret: issuer.secretSealed ? unsealJson(issuer.secretSealed) : null,
    });
  })();
  // A failed construction is not cached: the next call tries again.
  driver.catch(() => cache.delete(issuer.id));
  cache.set(issuer.id, { version, driver });
  return driver;
}

export async function closeAllDrivers(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map((c) => c.driver.then((d) => d.close?.()).catch(() => undefined)));
}
