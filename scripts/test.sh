#!/usr/bin/env bash
# Runs every test of Heard: native (domain, server on SQLite and, when reachable,
# PostgreSQL), in-browser (wasm-bindgen-test in headless Chromium, real IndexedDB), and end
# to end (Playwright driving Chromium against the real server, with axe scans).
# Installs what it needs first (scripts/setup.sh). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

stage() { printf '\n=== %s ===\n' "$*"; }
passed_in() { grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$1" | awk '{s += $4} END {print s + 0}'; }

stage "formatting and lints (cargo fmt, clippy on the host and on wasm32)"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p heard --all-targets -- -D warnings

stage "native tests: domain and server (cargo test)"
pg_url="${HEARD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
skip=()
if pg_isready -q -t 3 -d "$pg_url/postgres"; then
  pg_note="ran against PostgreSQL at ${pg_url##*@}"
else
  pg_note="SKIPPED: no PostgreSQL server answered at ${pg_url##*@} (set HEARD_TEST_POSTGRES to point at one)"
  skip=(--skip "postgres::")
fi
echo "PostgreSQL half of the server suite: $pg_note"
HEARD_TEST_POSTGRES="$pg_url" cargo test --locked -p heard-domain -p heard-server -- "${skip[@]}" 2>&1 | tee "$logs/native"

stage "in-browser tests: wasm-bindgen-test in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --locked --target wasm32-unknown-unknown -p heard 2>&1 | tee "$logs/browser"

stage "release bundle and server for the end-to-end tests"
scripts/build-web.sh
cargo build --locked -p heard-server 2>&1 | tail -n 1

stage "end-to-end tests (Playwright + axe against the real server) and translation checks"
node --test --test-concurrency=1 tests/e2e/*.test.mjs tests/i18n/*.test.mjs 2>&1 | tee "$logs/e2e"

native=$(passed_in "$logs/native")
browser=$(passed_in "$logs/browser")
e2e=$(awk '/^# pass /{print $3}' "$logs/e2e")
stage "summary"
echo "native:      $native passed (PostgreSQL half $pg_note)"
echo "in-browser:  $browser passed"
echo "end-to-end and translation checks: $e2e passed"
for n in "$native" "$browser" "$e2e"; do
  if [ "${n:-0}" -eq 0 ]; then echo "a stage ran no tests: that is a failure" >&2; exit 1; fi
done
echo "all: $((native + browser + e2e)) passed, 0 failed"
