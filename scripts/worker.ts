// `npm run worker`: the worker as its own process, for replicas apart from the web servers.
import { startWorker } from "../lib/worker/worker";
import { disconnectDb } from "../lib/db";
import { assertSealKeyConfigured } from "../lib/crypto/seal";

try {
  assertSealKeyConfigured();
} catch (e) {
  console.error(`[worker] ${(e as Error).message}`);
  process.exit(1);
}
const worker = startWorker();
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    await disconnectDb();
    process.exit(0);
  });
}
