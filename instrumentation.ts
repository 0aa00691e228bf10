// Next.js calls this once per server process; the worker runs only in the Node.js runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startInlineWorker } = await import("./lib/worker/inline");
    startInlineWorker();
  }
}
