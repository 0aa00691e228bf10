"use server";

import { revalidatePath } from "next/cache";
import { setUserRoles } from "@/lib/users/set-user-roles";
import { runAction, type ActionResult } from "@/lib/web/action";

export async function setUserRolesAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await setUserRoles({ actor, userId: String(form.get("userId") ?? ""), roles: form.getAll("roles").map(String) as never });
    return undefined;
  }, "Roles saved");
  if (result.ok) revalidatePath("/admin");
  return result;
}
