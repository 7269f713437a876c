#!/usr/bin/env bash
# The tablet with 10,000 responses waiting (bench/tablet.mjs): how long each answer takes to
# become durable in IndexedDB, and how long the app takes to start, against a tablet with none.
# Release bundle and server, headless Chromium. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests >/dev/null
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/build-web.sh | tail -n 1
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
# The app as built, plus the bench page beside it (same origin, so the same IndexedDB).
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
cp -r dist/. "$dist/"
bash bench/page.sh "$dist" bench.html
HEARD_DIST="$dist" HEARD_SERVER_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/heard-server" node bench/tablet.mjs
