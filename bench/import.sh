#!/usr/bin/env bash
# Outcome import of 100,000 CSV lines through the coordinator's app (bench/import.mjs), with the
# release bundle and server. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests >/dev/null
scripts/build-web.sh | tail -n 7
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
HEARD_SERVER_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/heard-server" node bench/import.mjs
