import { defineConfig } from "@playwright/test";

// End-to-end tests drive Debian's Chromium against a production build started the way a user
// starts Hourglass (`npm start`), on a fresh embedded PostgreSQL with the demo data.

export const E2E_DATA_DIR = "/tmp/hourglass-e2e";
const port = 3100;

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
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && tsx scripts/start.ts`,
    url: `http://127.0.0.1:${port}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      HOURGLASS_DATA_DIR: E2E_DATA_DIR,
      HOURGLASS_PG_PORT: "54420",
      HOURGLASS_LOCAL_SIGNIN: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
