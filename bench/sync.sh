#!/usr/bin/env bash
# The tablet's sync at scale: 10,000 responses queued in a real Chromium's IndexedDB (sealed as
# the app seals them) are sent by the app's own sync code to a release heard-server on SQLite.
# Prints the time and the memory used (bench/sync.mjs, src/bin/bench_sync.rs). Not part of the
# test command.   HEARD_SYNC_RESPONSES=10000 (default) sets the number of responses.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests >/dev/null
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
bash bench/page.sh "$dist" index.html
HEARD_DIST="$dist" HEARD_SERVER_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/heard-server" node bench/sync.mjs
