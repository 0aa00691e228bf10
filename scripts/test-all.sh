#!/usr/bin/env bash
# `npm test`: every layer, cheapest first, stopping at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

# What the suite needs (the browser, promtool, the PostgreSQL binaries, Node 24), in a second,
# before minutes of tests: one line naming what to install.
bash scripts/preflight.sh

step "type check"
npm run --silent typecheck
step "unit tests"
npm run --silent test:unit
step "integration tests (real PostgreSQL)"
npm run --silent test:integration
step "end-to-end tests (Chromium, production build)"
npm run --silent test:e2e
