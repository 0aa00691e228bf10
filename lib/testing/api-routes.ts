import { readdirSync, statSync } from "node:fs";
import path from "node:path";

// Every route handler of the machine API (app/api/v1/**/route.ts), for suites that call them all.

export type ApiRoute = {
  /** "GET /grants/[id]" */
  key: string;
  method: string;
  file: string;
  handler: (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>;
};

const root = path.resolve(import.meta.dirname, "../..");

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) routeFiles(p, out);
    else if (name === "route.ts") out.push(p);
  }
  return out;
}

/** Imports every route module and returns its handlers, sorted by key. */
export async function loadApiRoutes(): Promise<ApiRoute[]> {
  const base = path.join(root, "app/api/v1");
  const routes: ApiRoute[] = [];
  for (const file of routeFiles(base)) {
    const rel = "/" + path.relative(base, path.dirname(file)).split(path.sep).join("/");
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      if (typeof mod[method] === "function") routes.push({ key: `${method} ${rel}`, method, file, handler: mod[method] as ApiRoute["handler"] });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}
