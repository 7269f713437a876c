#!/usr/bin/env bash
# Soak (issue 24): a release heard-server under 50 tablets' concurrent sends, 20 slow clients and
# 100 wrong-password logins a second for five minutes, with the dashboard read every two seconds,
# on SQLite and then on PostgreSQL (when reachable). Prints, per backend: responses confirmed and
# stored (loss, duplicates), answers by status (no 5xx), slow clients cut off, dashboard times,
# and the server's memory (flat). Not part of the test command.
#   HEARD_SOAK_SECS=300 (default) sets the length, HEARD_SOAK_TABLETS=50, HEARD_SOAK_SLOW=20,
#   HEARD_SOAK_LOGINS=100, HEARD_BENCH_BACKENDS=sqlite,postgres (default) the backends,
#   HEARD_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 the PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release -p heard-server 2>&1 | tail -n 1
export HEARD_SERVER_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/heard-server"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for backend in $(echo "${HEARD_BENCH_BACKENDS:-sqlite,postgres}" | tr ',' ' '); do
  echo
  case "$backend" in
    sqlite)
      db="$work/soak.sqlite3"
      HEARD_DATABASE_URL="sqlite:$db" HEARD_SOAK_IDS="sqlite3 '$db' 'SELECT id FROM responses'" node bench/soak.mjs || status=1
      ;;
    postgres)
      pg="${HEARD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
      if ! command -v psql >/dev/null || ! psql "$pg/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1; then
        echo "soak on PostgreSQL skipped: no server at $pg (or no psql)"
        continue
      fi
      name="heard_soak_$$"
      psql "$pg/postgres" -qc "CREATE DATABASE $name"
      HEARD_DATABASE_URL="$pg/$name" HEARD_SOAK_IDS="psql '$pg/$name' -qAtc 'SELECT id FROM responses'" node bench/soak.mjs || status=1
      psql "$pg/postgres" -qc "DROP DATABASE $name WITH (FORCE)"
      ;;
    *) echo "unknown backend $backend"; status=1 ;;
  esac
done
exit $status
