import path from "node:path";
import { env } from "../env";

/** The Next.js command line, run with this Node.js so the flags below reach the server itself. */
export const nextCli = (root: string) => path.join(root, "node_modules", "next", "dist", "bin", "next");

/**
 * Node.js flags of the web server process. A larger initial old generation makes V8 collect it
 * less often: under a steady API load each full collection stalls answers for tens of ms (its
 * concurrent marking competes with PostgreSQL for the cores), so fewer of them is a shorter tail,
 * paid for in memory that is only used while garbage accumulates.
 */
export function serverNodeFlags(): string[] {
  const mb = env.HOURGLASS_SERVER_OLD_SPACE_MB;
  return mb > 0 ? [`--initial-old-space-size=${mb}`] : [];
}
