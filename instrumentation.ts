// Next.js calls this once per server process; the worker runs only in the Node.js runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { warmDatabasePool } = await import("./lib/db");
    // Not awaited: the server answers (health, sign-in page) while the pool opens; a database that
    // is down at start is reported by the requests that need it, as at any other time.
    warmDatabasePool().catch((e: Error) => console.error(`[db] could not open the connection pool at start: ${e.message}`));
    const { startInlineWorker } = await import("./lib/worker/inline");
    startInlineWorker();
  }
}
