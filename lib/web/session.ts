import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth";
import { findUserActor } from "../users/get-user-actor";
import { can, canOpenArea, type AreaKey, type Permission, type UserActor } from "../authz";

/** The signed-in user, or null. Cached per request. */
export const currentActor = cache(async (): Promise<UserActor | null> => {
  const session = await auth();
  const id = session?.user?.id;
  return id ? findUserActor(id) : null;
});

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireActor(): Promise<UserActor> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  return actor;
}

/** For pages: the signed-in user if they may open the area, else a redirect to the 403 page. */
export async function requireArea(area: AreaKey): Promise<UserActor> {
  const actor = await requireActor();
  if (!canOpenArea(actor, area)) redirect(`/forbidden?area=${area}`);
  return actor;
}

/** For admin pages: the signed-in user if they hold this admin permission, else the 403 page. */
export async function requireAdmin(permission: Permission): Promise<UserActor> {
  const actor = await requireArea("admin");
  if (!can(actor, permission)) redirect("/forbidden?area=admin");
  return actor;
}
