import { defineConfig } from "@playwright/test";
import { E2E_ADMIN_TOKEN, E2E_CHROMIUM, E2E_DATA_DIR, E2E_PG_PORT, E2E_PORT } from "./e2e/config";

// End-to-end tests drive Debian's Chromium against a production build started the way a user
// starts Hourglass (`npm start`), on a fresh embedded PostgreSQL with the demo data.

const port = E2E_PORT;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: E2E_CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && tsx scripts/start.ts`,
    url: `http://127.0.0.1:${port}/sign-in`,
    // Includes a production build when the sources changed: minutes on a loaded machine.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      HOURGLASS_DATA_DIR: E2E_DATA_DIR,
      HOURGLASS_PG_PORT: String(E2E_PG_PORT),
      HOURGLASS_LOCAL_SIGNIN: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      HOURGLASS_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    },
  },
});
