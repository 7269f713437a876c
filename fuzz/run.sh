#!/usr/bin/env bash
# Fuzzes the batch decoder with libFuzzer for $1 seconds (default 60), starting from the
# valid batches in fuzz/corpus. Needs cargo-fuzz (installed here if missing). The machine's
# Rust is stable; RUSTC_BOOTSTRAP lets cargo-fuzz use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
mkdir -p corpus/batch
cargo fuzz run batch corpus/batch -- -max_total_time="${1:-60}" -max_len=65536
