import { setFlagsFromString } from "node:v8";

// V8 11.3 (Node 20) and 12.4 (Node 22) abort the whole process ("Fatal error … unreachable code"
// in Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a call into
// WebAssembly is deoptimized while that call runs — which happens under load, because the wasm
// modules we run (Cedar's evaluator, Prisma's query compiler) call back into JavaScript during
// a call. Not inlining JS→Wasm calls avoids the faulty path; the cost is one ordinary call per
// wasm entry. Imported by every module that loads such a module, before it is first called.
// lib/platform/v8-workarounds.test.ts reproduces the abort and checks this prevents it. V8 13.6
// (Node 24, what `npm ci` installs) survives the reproduction; this stays while Node 22 is supported.

export const V8_FLAGS = ["--no-turbo-inline-js-wasm-calls"] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
