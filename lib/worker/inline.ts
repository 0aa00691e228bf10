import { env } from "../env";
import { startWorker } from "./worker";

/** The worker inside the web server process (the default), unless HOURGLASS_WORKER=off. */
export function startInlineWorker(): void {
  if (env.HOURGLASS_WORKER !== "inline") return;
  const worker = startWorker();
  const stop = () => void worker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
