import { getDb } from "../db";
import { env } from "../env";
import { DEMO_EMAIL_DOMAIN } from "../../prisma/demo-data";

/** The accounts a demo's sign-in page offers, one per role; none unless this is a demo with local sign-in. */
const ROLE_ACCOUNTS = ["admin", "security", "approver", "approver2", "owner", "requester", "auditor"].map((local) => `${local}@${DEMO_EMAIL_DOMAIN}`);

export type DemoAccount = { email: string; name: string; roles: string[] };

export async function findDemoAccounts(): Promise<DemoAccount[]> {
  if (!env.HOURGLASS_DEMO || !env.HOURGLASS_LOCAL_SIGNIN) return [];
  const rows = await getDb().user.findMany({ where: { email: { in: ROLE_ACCOUNTS }, active: true }, select: { email: true, name: true, roles: true } });
  return ROLE_ACCOUNTS.flatMap((email) => rows.filter((r) => r.email === email));
}
