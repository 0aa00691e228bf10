import { expect, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { demo, E2E_ADMIN_TOKEN, signIn } from "./support";

// The charts draw the numbers the API serves: same range, same breakdown, same privilege-hours.

type Row = Record<string, string | number>;
const totals = (rows: Row[]) => {
  const t: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (k !== "bucket") t[k] = Math.round(((t[k] ?? 0) + Number(v)) * 1e4) / 1e4;
  return t;
};

test("the security lead changes the range and the breakdown, and the chart matches the API", async ({ page, request }) => {
  await signIn(page, demo.security);
  await page.goto("/metrics");
  await expect(page.getByRole("heading", { name: "How much privilege was live, and how much of it was standing?" })).toBeVisible();
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "7d" }).click();
  await expect(page).toHaveURL(/range=7d/);

  // A closed range in the past, so grants that are live while the test runs cannot move the numbers.
  const to = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000);
  const from = new Date(to.getTime() - 3 * 86400_000);
  const local = (d: Date) => d.toISOString().slice(0, 16);
  await page.getByLabel("From (UTC)").fill(local(from));
  await page.getByLabel("To (UTC)").fill(local(to));
  await page.getByLabel("Breakdown").selectOption("environment");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/by=environment/);
  await expect(page).toHaveURL(/from=/);

  const shown = JSON.parse((await page.locator('[data-series="privilege-hours"]').textContent()) ?? "[]") as Row[];
  const api = await request.get(`/api/v1/metrics/privilege?from=${from.toISOString()}&to=${to.toISOString()}&by=environment`, { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  expect(api.status()).toBe(200);
  const m = await api.json();
  expect(m.by).toBe("environment");
  const fromApi: Record<string, number> = {};
  for (const p of m.privilegeHoursSeries as { kind: string; key: string; hours: number }[]) {
    const k = p.kind === "jit" ? `JIT ${p.key}` : "standing";
    fromApi[k] = Math.round(((fromApi[k] ?? 0) + p.hours) * 1e4) / 1e4;
  }
  expect(Object.keys(fromApi).length).toBeGreaterThan(0);
  expect(totals(shown)).toEqual(fromApi);
  // The approval chart: decisions per bucket, split by who decided, as the API counts them.
  const approvals = JSON.parse((await page.locator('[data-series="approval-latency"]').textContent()) ?? "[]") as Row[];
  const series = m.approvalLatencySeries as { bucket: string; decided: number; auto: number }[];
  expect(series.reduce((s, p) => s + p.decided, 0)).toBe(m.approvalLatencySeconds.decided);
  expect(approvals.map((r) => [r.bucket, Number(r["by a person"]) + Number(r["by policy"]), r["by policy"]])).toEqual(series.map((p) => [p.bucket, p.decided, p.auto]));
  // The outlived chart: per bucket of window end, the grants the card counts.
  const outlivedRows = JSON.parse((await page.locator('[data-series="outlived"]').textContent()) ?? "[]") as Row[];
  expect(outlivedRows.reduce((s, r) => s + Number(r.grants), 0)).toBe(m.outlived.count);
  // (A grant still live past its window outlives it by more each second, so only counts are compared.)
  expect(outlivedRows.map((r) => [r.bucket, r.grants])).toEqual((m.outlivedSeries as { bucket: string; count: number }[]).map((p) => [p.bucket, p.count]));
  // The never-used chart: the JIT hours of grants never reported used, and the used rest.
  const unusedRows = JSON.parse((await page.locator('[data-series="unused"]').textContent()) ?? "[]") as Row[];
  const jitPoints = (m.privilegeHoursSeries as { kind: string; hours: number; unusedHours: number }[]).filter((p) => p.kind === "jit");
  const unusedApi = Math.round(jitPoints.reduce((s, p) => s + p.unusedHours, 0) * 1e4) / 1e4;
  const unusedShown = totals(unusedRows);
  if (unusedApi > 0) {
    expect(Math.round(Object.entries(unusedShown).filter(([k]) => k.startsWith("never used")).reduce((s, [, v]) => s + v, 0) * 1e4) / 1e4).toBeCloseTo(unusedApi, 3);
    expect(unusedShown.used).toBeCloseTo(jitPoints.reduce((s, p) => s + p.hours - p.unusedHours, 0), 3);
  } else expect(unusedRows).toEqual([]);
  // The card shows the same JIT privilege-hours.
  await expect(page.locator("dt", { hasText: "Privilege-hours" }).locator("..")).toContainText(`${m.privilegeHours.toLocaleString("en")} h`);

  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${dir}/metrics-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${dir}/metrics-390.png`, fullPage: true });
  }
});

test("a bad range is explained, not a server error", async ({ page }) => {
  await signIn(page, demo.security);
  await page.goto("/metrics?by=colour");
  await expect(page.getByRole("status")).toContainText("Bad metrics query");
});
