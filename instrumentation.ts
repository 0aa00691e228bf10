// Starts the worker inside the Next.js server process unless HOURGLASS_WORKER=off
// (then run `npm run worker` as separate replicas).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  if (env.HOURGLASS_WORKER !== "inline") return;
  const { startWorker } = await import("./lib/worker/worker");
  const worker = startWorker();
  const stop = () => void worker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
