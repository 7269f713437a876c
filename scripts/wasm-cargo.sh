#!/usr/bin/env bash
# Builds the app's WebAssembly with one profile: `scripts/wasm-cargo.sh <profile> <cargo build args>`.
#
# The release bundle (profile wasm-release) is built by a pinned nightly toolchain that also
# compiles the standard library for it (-Zbuild-std), so that a panic is a bare trap
# (-Cpanic=immediate-abort: no message formatting, no Debug printing of values, no source
# locations) and std picks its smaller algorithms (optimize_for_size). Same code, same
# behaviour until a bug panics; 29.6 KB less for a tablet to download (303 KB brotli against
# 333 KB on stable, December 2026), so it stays (README, toolchain note).
# Every other profile (quick bundles, in-browser tests) uses the stable toolchain.
# scripts/setup.sh installs the toolchain named here.
set -euo pipefail
bundle_toolchain=nightly-2026-05-20
profile=$1; shift
# erase_components makes Leptos type-erase component views: one copy of the rendering code
# instead of one per component, ~14 KB smaller compressed for the release bundle.
flags="${RUSTFLAGS:-} --cfg erase_components"
if [ "$profile" = wasm-release ]; then
  RUSTFLAGS="$flags -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    exec cargo "+$bundle_toolchain" build --locked --target wasm32-unknown-unknown --profile "$profile" \
      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
fi
RUSTFLAGS="$flags" exec cargo build --locked --target wasm32-unknown-unknown --profile "$profile" "$@"
