// Where the end-to-end app runs and keeps its data; shared by playwright.config.ts and the specs.
// Each can be moved with an environment variable, so two checkouts can run their suites at once.
const envInt = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? "/tmp/hourglass-e2e";
export const E2E_PORT = envInt("E2E_PORT", 3100);
export const E2E_PG_PORT = envInt("E2E_PG_PORT", 54420);
/** The bootstrap admin token the e2e app starts with (HOURGLASS_ADMIN_TOKEN); creates API tokens. */
export const E2E_ADMIN_TOKEN = "e2e-bootstrap-admin-token-0123456789abcdef-not-a-secret";
/** The browser the tests launch: Debian's Chromium (Playwright never downloads one here). scripts/preflight.sh checks the same path. */
export const E2E_CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
