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
# The same flags as scripts/build-web.sh, so the two share compiled dependencies.
RUSTFLAGS="--cfg erase_components" \
  cargo build --locked --target wasm32-unknown-unknown -p heard --bin bench-sync --profile wasm-release 2>&1 | tail -n 1
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name bench-sync "$target_dir/wasm32-unknown-unknown/wasm-release/bench-sync.wasm"
cat > "$dist/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heard sync benchmark</title></head>
<body><script type="module">import init from "/bench-sync.js"; init({ module_or_path: "/bench-sync_bg.wasm" });</script></body>
</html>
HTML
HEARD_DIST="$dist" HEARD_SERVER_BIN="$PWD/target/release/heard-server" node bench/sync.mjs
