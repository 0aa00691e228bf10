// Plays `npm start` on a data folder without building the web app: claims the folder, starts the
// embedded PostgreSQL with the launcher's code, and serves through a child process in the web
// server's place (app.fixture.ts), recorded the way the launcher records next-server.
// Arguments: dataDir pgPort appPort. Prints "ready <launcherPid> <appPid>" once it serves.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { claimDataDir, releaseDataDir, spawnApp, stopApp } from "./launcher-state";

const [dataDir, pgPort, appPort] = process.argv.slice(2);
mkdirSync(dataDir, { recursive: true });
await claimDataDir(dataDir, (m) => console.log(m));
const server = await startEmbeddedPostgres({
  dataDir: path.join(dataDir, "pg"),
  port: Number(pgPort),
  password: "launcher-fixture",
  databases: ["hourglass"],
  logFile: path.join(dataDir, "postgres.log"),
});
const app = spawnApp(dataDir, process.execPath, [path.join(import.meta.dirname, "app.fixture.mjs"), server.url("hourglass"), appPort], { stdio: ["ignore", "pipe", "inherit"] });
app.stdout!.on("data", (c: Buffer) => {
  if (c.toString().includes("listening")) console.log(`ready ${process.pid} ${app.pid}`);
});
const stop = async () => {
  stopApp(app);
  await server.stop();
  releaseDataDir(dataDir);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
