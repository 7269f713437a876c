#!/usr/bin/env bash
# Compares the tablet's start with another revision's, fairly: both release bundles built, each
# served by a release heard-server (this tree's) side by side, and measured in turns in one
# headless Chromium at 4x CPU throttling: cold (fresh profile), then warm (service worker).
# Timing figures swing by a third between machines, and over a session on 2 cores, so figures
# from different runs of bench/child.sh do not compare; figures taken in turns do (the same
# build against itself, 9 rounds: medians 3 % apart).
#   bench/compare.sh <git revision> [runs, default 15]      Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/compare.sh <git revision> [runs]}
runs=${2:-15}
scripts/setup.sh --for-tests >/dev/null
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The other revision builds in a target directory of its own (kept for the next comparison):
# two checkouts of one workspace sharing one would overwrite each other's crates.
CARGO_TARGET_DIR="$(realpath "${CARGO_TARGET_DIR:-target}")"
export CARGO_TARGET_DIR
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  git worktree remove --force "$work/other" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
git worktree add --detach "$work/other" "$rev" >/dev/null
ln -s "$PWD/node_modules" "$work/other/node_modules"
total() { grep -A6 "Tablet app" | tail -n 1 | awk '{print $NF " bytes brotli"}'; }
echo "$rev: $(cd "$work/other" && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/compare" scripts/build-web.sh | total)"
cp -r "$work/other/dist" "$work/dist-other"
echo "this tree: $(scripts/build-web.sh | total)"
cp -r dist "$work/dist-this"
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
serve() {
  "$CARGO_TARGET_DIR/release/heard-server" --addr 127.0.0.1:0 --database-url "sqlite:$work/$1.sqlite3" \
    --dist "$work/dist-$1" --demo --demo-cases 0 > "$work/$1.log" 2>&1 &
}
serve other
serve this
for _ in $(seq 50); do grep -q "running at" "$work/other.log" && grep -q "running at" "$work/this.log" && break; sleep 0.2; done
url() { grep -o 'http://127.0.0.1:[0-9]*' "$work/$1.log" | head -n 1; }
RUNS=$runs node bench/compare.mjs "$rev" "$(url other)" "this tree" "$(url this)"
