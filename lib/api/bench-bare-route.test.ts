import { describe, expect, it } from "vitest";
import { reloadEnv } from "../env";
import { POST } from "../../app/api/bench/bare/route";

describe("POST /api/bench/bare (bench:api's floor)", () => {
  it("answers 404 and touches nothing unless the server was started for the benchmark", async () => {
    delete process.env.HOURGLASS_BENCH_BARE_ROUTE;
    reloadEnv();
    const res = await POST();
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "Not found" } });
  });
});
