#!/usr/bin/env bash
# Server figures in one run: ingest against a raw batch insert, the summariser, the dashboard's
# query time and the CSV export, on SQLite and (when reachable) PostgreSQL; then a tablet's
# sync of 10,000 queued responses (bench/sync.sh). Not part of the test command.
#   HEARD_BENCH_RESPONSES=1000000 (default) sets the number of synthetic responses,
#   HEARD_BENCH_BACKENDS=sqlite,postgres (default) the backends.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked -p heard-server --bench server
echo
bash bench/sync.sh
