#!/usr/bin/env bash
# Installs what Heard needs to build (and, with --for-tests, to test), skipping whatever is
# already there. Safe to run again. Works as root on Debian; only reaches Debian's packages,
# crates.io and the npm registry (see ../shared/TOOLCHAIN.md for why each pin is what it is).
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[ "${1:-}" = "--for-tests" ] && for_tests=true
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }
apt_updated=false
apt_install() {
  if ! $apt_updated; then apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Rust toolchain (rustup); the machines here come with one.
if ! command -v cargo >/dev/null; then
  say "installing Rust with rustup"
  apt_install curl ca-certificates build-essential pkg-config
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# rustfmt and clippy: the test command checks formatting and lints first.
if $for_tests; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding the $component component"
      rustup component add "$component"
    fi
  done
fi

# The release bundle's pinned nightly, with the standard library's source (scripts/wasm-cargo.sh).
bundle_toolchain=$(sed -n 's/^bundle_toolchain=//p' scripts/wasm-cargo.sh)
if ! rustup run "$bundle_toolchain" rustc --print sysroot >/dev/null 2>&1 \
  || ! rustup component list --toolchain "$bundle_toolchain" --installed | grep -q '^rust-src' \
  || ! rustup target list --toolchain "$bundle_toolchain" --installed | grep -qx wasm32-unknown-unknown; then
  say "installing Rust $bundle_toolchain for the release bundle (once, ~15 s)"
  rustup toolchain install "$bundle_toolchain" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock. No --locked: its own lockfile
# pins a crate the registry no longer serves.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want"
fi

# Node.js for wasm-opt (npm binaryen 132; never Debian's binaryen, which breaks the bundle),
# esbuild (minifies the JS glue) and the end-to-end tests.
if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt_install nodejs npm
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing build and test tools from npm (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

command -v brotli >/dev/null || { say "installing brotli (pre-compressed bundle)"; apt_install brotli; }
command -v python3 >/dev/null || { say "installing python3 (build script)"; apt_install python3; }

if $for_tests; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's Chromium and ChromeDriver for the browser tests"
    apt_install chromium chromium-driver
  fi
  command -v pg_isready >/dev/null || { say "installing the PostgreSQL client (to find a test server)"; apt_install postgresql-client; }
  if [ ! -x /usr/bin/espeak-ng ] || [ ! -f /etc/speech-dispatcher/speechd.conf ] || [ ! -x /usr/lib/speech-dispatcher-modules/sd_espeak-ng ]; then
    say "installing speech-dispatcher and espeak-ng (real voices for the read-aloud tests)"
    apt_install --no-install-recommends speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  fi
fi

cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked
say "tools ready"
