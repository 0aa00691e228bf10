// Child process for v8-workarounds.test.ts: makes V8 deoptimize, while a Cedar (wasm) call is
// running, a hot function that inlined that call. Exits 0 when the process survives.
// With `--with-workaround` the workaround module is loaded first, as the application does.

if (process.argv.includes("--with-workaround")) await import("./v8-workarounds");
const cedar = await import("@cedar-policy/cedar-wasm/nodejs");

const pre = cedar.preparsePolicySet("fixture", { staticPolicies: { p0: "permit(principal, action, resource);" } });
if (pre.type !== "success") throw new Error(JSON.stringify(pre.errors));

const holder = { value: 1 };
let invalidate = false;
const context: Record<string, number> = { a: 1 };
// Cedar reads the context from inside the wasm call; this getter then changes a field the
// optimized caller relies on (a constant that becomes a double), which deoptimizes the caller.
Object.defineProperty(context, "b", {
  enumerable: true,
  get() {
    if (invalidate) {
      invalidate = false;
      holder.value = 2.5;
    }
    return 1;
  },
});

function evaluate(): number {
  const r = cedar.statefulIsAuthorized({
    principal: { type: "U", id: "a" },
    action: { type: "A", id: "r" },
    resource: { type: "R", id: "b" },
    context,
    entities: [],
    preparsedPolicySetId: "fixture",
  });
  return r.type === "success" ? holder.value : -1;
}

for (let i = 0; i < 100_000; i++) evaluate();
invalidate = true;
const after = evaluate();
if (after !== 2.5) throw new Error(`unexpected result ${after}`);
console.log("survived");
export {};
