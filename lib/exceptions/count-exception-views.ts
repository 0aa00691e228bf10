import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { exceptionViewWhere } from "./find-exceptions";

/** How many exceptions each view holds, for the tabs. */
export async function countExceptionViews({ actor }: { actor: Actor }): Promise<Record<"queue" | "expiring" | "overdue", number>> {
  assertCan(actor, "exception:read");
  const db = getDb();
  const now = new Date();
  const [queue, expiring, overdue] = await Promise.all(
    (["queue", "expiring", "overdue"] as const).map((v) => db.exception.count({ where: exceptionViewWhere(actor, v, now) })),
  );
  return { queue, expiring, overdue };
}
