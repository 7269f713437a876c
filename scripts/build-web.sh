#!/usr/bin/env bash
# Builds the browser bundle into dist/: WebAssembly (size-optimised), JS glue, CSS, static
# files and index.html, with content-hashed names so caches never serve a stale mix.
# Prints each file's raw, gzip and brotli size. Tools come from scripts/setup.sh.
#
#   scripts/build-web.sh            release bundle (wasm-release profile, see wasm-cargo.sh, + wasm-opt -Oz)
#   scripts/build-web.sh --dev      quick unoptimised bundle
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=wasm-release
[ "${1:-}" = "--dev" ] && profile=dev
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
out_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")

scripts/wasm-cargo.sh "$profile" -p heard --bin heard --bin coordinator

stage=$(mktemp -d)
new=$(mktemp -d dist.new.XXXX)
trap 'rm -rf "$stage" "$new"' EXIT
hash8() { sha256sum "$1" | cut -c1-12; }
css="app-$(hash8 style/app.css).css"
cp style/app.css "$new/$css"
coordinator_css="coordinator-$(hash8 style/coordinator.css).css"
cp style/coordinator.css "$new/$coordinator_css"
cp -r public/. "$new/"

# One bundle per app: the tablet's (index.html, kept offline by the service worker) and the
# coordinator's (coordinator.html, online only), each started by its own script file (the
# server's Content-Security-Policy runs no inline script). Sets $wasm, $js and $start to the
# hashed names.
bundle() {
  local name=$1 page=$2 starter=$3
  wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name "$name" \
    "$target_dir/wasm32-unknown-unknown/$out_dir/$name.wasm"
  if [ "$profile" != dev ]; then
    # binaryen 132 from npm: Debian's wasm-opt 108 silently breaks the bundle (TOOLCHAIN.md).
    wasm-opt -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-multivalue \
      -o "$stage/${name}_bg.opt.wasm" "$stage/${name}_bg.wasm"
    mv "$stage/${name}_bg.opt.wasm" "$stage/${name}_bg.wasm"
    # The JS glue, minified (names, whitespace): a quarter smaller compressed.
    esbuild "$stage/$name.js" --minify --format=esm --log-level=warning --outfile="$stage/$name.min.js"
    mv "$stage/$name.min.js" "$stage/$name.js"
  fi
  wasm="$name-$(hash8 "$stage/${name}_bg.wasm").wasm"
  js="$name-$(hash8 "$stage/$name.js").js"
  cp "$stage/${name}_bg.wasm" "$new/$wasm"
  cp "$stage/$name.js" "$new/$js"
  sed -e "s|@JS@|$js|g" -e "s|@WASM@|$wasm|g" "$starter" > "$stage/$starter"
  start="${starter%.js}-$(hash8 "$stage/$starter").js"
  cp "$stage/$starter" "$new/$start"
  sed -e "s|@JS@|$js|g" -e "s|@WASM@|$wasm|g" -e "s|@START@|$start|g" -e "s|@CSS@|$css|g" -e "s|@COORDINATOR_CSS@|$coordinator_css|g" "$page" > "$new/$page"
}

bundle coordinator coordinator.html coordinator-start.js
coordinator_files="$wasm $js $start $coordinator_css coordinator.html"
bundle heard index.html start.js
build=$(cat "$new/$wasm" "$new/$js" "$new/$start" "$new/$css" "$new/index.html" | sha256sum | cut -c1-12)
sed -e "s|@JS@|$js|g" -e "s|@WASM@|$wasm|g" -e "s|@START@|$start|g" -e "s|@CSS@|$css|g" -e "s|@BUILD@|$build|g" sw.js > "$new/sw.js"

# Pre-compressed copies: the server sends these as they are (Content-Encoding br / gzip).
for f in $wasm $js $start $css index.html $coordinator_files; do
  gzip -9 -k -n "$new/$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k "$new/$f"; fi
done

rm -rf dist && mv "$new" dist && chmod 755 dist

size() { [ -f "$1" ] && stat -c %s "$1" || echo "-"; }
report() {
  local title=$1; shift
  printf '\n%s (%s) in dist/:\n%-32s %10s %10s %10s\n' "$title" "$profile" file raw gzip brotli
  local total_raw=0 total_gz=0 total_br=0 f r g b
  for f in "$@"; do
    r=$(size "dist/$f"); g=$(size "dist/$f.gz"); b=$(size "dist/$f.br")
    printf '%-32s %10s %10s %10s\n' "$f" "$r" "$g" "$b"
    total_raw=$((total_raw + r)); total_gz=$((total_gz + g)); [ "$b" != "-" ] && total_br=$((total_br + b))
  done
  printf '%-32s %10s %10s %10s\n' "total (bytes)" "$total_raw" "$total_gz" "$total_br"
}
report "Tablet app, first visit" "$wasm" "$js" "$start" "$css" index.html
# shellcheck disable=SC2086
report "Coordinator's app" $coordinator_files "$css"
