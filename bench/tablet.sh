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
RUSTFLAGS="--cfg erase_components" \
  cargo build --locked --target wasm32-unknown-unknown -p heard --bin bench-sync --profile wasm-release 2>&1 | tail -n 1
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# The app as built, plus the bench page beside it (same origin, so the same IndexedDB).
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
cp -r dist/. "$dist/"
wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name bench-sync "$target_dir/wasm32-unknown-unknown/wasm-release/bench-sync.wasm"
cat > "$dist/bench.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heard tablet benchmark</title></head>
<body><script type="module">import init from "/bench-sync.js"; init({ module_or_path: "/bench-sync_bg.wasm" });</script></body>
</html>
HTML
HEARD_DIST="$dist" HEARD_SERVER_BIN="$PWD/target/release/heard-server" node bench/tablet.mjs
