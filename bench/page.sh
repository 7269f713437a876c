#!/usr/bin/env bash
# Builds the tablet benchmarks' page (src/bin/bench_sync.rs) into folder $1 as page $2
# (e.g. index.html), beside whatever the folder already holds. Used by bench/sync.sh and
# bench/tablet.sh; the page is never part of dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1 page=$2
# Built as scripts/build-web.sh builds the app, so the two share compiled dependencies.
scripts/wasm-cargo.sh wasm-release -p heard --bin bench-sync 2>&1 | tail -n 1
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name bench-sync "$target_dir/wasm32-unknown-unknown/wasm-release/bench-sync.wasm"
# The start in a file of its own: the server's Content-Security-Policy runs no inline script.
echo 'import init from "/bench-sync.js"; init({ module_or_path: "/bench-sync_bg.wasm" });' > "$out/bench-start.js"
cat > "$out/$page" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heard tablet benchmark</title></head>
<body><script type="module" src="/bench-start.js"></script></body>
</html>
HTML
