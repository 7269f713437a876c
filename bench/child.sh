#!/usr/bin/env bash
# Prints the child-screen speed figures (bench/child.mjs) for the release bundle, served by a
# fresh heard-server on a spare port. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests >/dev/null
scripts/build-web.sh | tail -n 7
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
dir=$(mktemp -d)
"${CARGO_TARGET_DIR:-target}/release/heard-server" --addr 127.0.0.1:0 --database-url "sqlite:$dir/bench.sqlite3" --dist dist --demo --demo-cases 0 > "$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q "running at" "$dir/log" && break; sleep 0.2; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/log")
echo
HEARD_URL="$url" HEARD_ENROLMENT=$(grep -o 'HEARD-[^ ]*' "$dir/log") \
  HEARD_KEY_FILE=$(sed -n 's/.*partnership key file: *//p' "$dir/log") node bench/child.mjs
