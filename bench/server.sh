#!/usr/bin/env bash
# Server figures in one run: ingest against a raw batch insert, the dashboard's query time
# and the CSV export, on SQLite and (when reachable) PostgreSQL. Not part of the test command.
#   HEARD_BENCH_RESPONSES=1000000 (default) sets the number of synthetic responses.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked -p heard-server --bench server
