#!/usr/bin/env bash
# Builds the release bundle and the server, then serves Heard on http://127.0.0.1:8080
# with its SQLite file under ./data/. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-web.sh
cargo build --locked --release -p heard-server
mkdir -p data
echo
exec target/release/heard-server --addr "${HEARD_ADDR:-127.0.0.1:8080}" --database-url "sqlite:data/heard.sqlite3" --dist dist --demo
