#!/usr/bin/env bash
# Motics Push build script: setup | build (default) | test | demo | bench | fuzz | package.
# Every subcommand runs `setup` first; setup is idempotent and quiet when everything is installed.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock (the glue format is version-locked).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
CONTACT_EMAIL=${MOTICS_CONTACT_EMAIL:-support@motics.ai}
WASM_TARGET=wasm32-unknown-unknown
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
FIREFOX=${FIREFOX:-/usr/bin/firefox-esr}

# No build path may leak into the wasm (panic locations carry file paths): remap every prefix, so
# the same commit builds byte-identical wasm anywhere (AMO reviewers rebuild and compare).
SYSROOT=$(rustc --print sysroot)
CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$CARGO_HOME_DIR=/cargo --remap-path-prefix=$ROOT=/src --remap-path-prefix=$SYSROOT=/rustc"

say() { printf '*** %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

setup() {
  local missing=()
  for pkg in chromium chromium-driver firefox-esr; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "setup: apt-get install ${missing[*]}"
    as_root apt-get update -qq
    # With recommends: the same install the E2E suites were proven with on this kind of machine.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    say "setup: rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET" >/dev/null
  fi
  for comp in rustfmt clippy; do
    rustup component list --installed | grep -q "^$comp" || rustup component add "$comp" >/dev/null
  done
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    # Not --locked: the registry mirror lacks a locked transitive version (webpki-roots 1.0.11).
    say "setup: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if [ ! -f tests/e2e/node_modules/.package-lock.json ] ||
     [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    say "setup: npm ci (tests/e2e)"
    (cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

build_id() {
  local id
  id=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || id="$id-dirty"
  echo "$id"
}

# cargo → wasm-bindgen → build/pkg. $1: cargo target dir (the reproducibility check uses a second one).
# Then <out>/core-info.js: `core/info`'s reply read from this wasm (background.js answers a stopped
# worker's first message with it before the wasm is ready); it must carry the build id baked in.
build_wasm() {
  local target_dir=${1:-target} id built
  id=$(build_id)
  MOTICS_BUILD_ID=$id MOTICS_CONTACT_EMAIL=$CONTACT_EMAIL \
    cargo build -q --release --target "$WASM_TARGET" -p motics-push --target-dir "$target_dir"
  local out=${2:-build/pkg}
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" --out-name motics_push --no-typescript \
    --remove-name-section --remove-producers-section "$target_dir/$WASM_TARGET/release/motics_push.wasm"
  built=$(node tools/core-info.mjs "$out")
  [ "$built" = "$id" ] || die "core-info.js says build '$built', the wasm was built as '$id'"
}

# dist/<browser>: extension/ + pkg/ + the browser's manifest + the User-Agent rule.
assemble() {
  rm -rf dist/chrome dist/firefox
  mkdir -p dist
  for browser in chrome firefox; do
    local d=dist/$browser
    mkdir -p "$d"
    cp -R extension/. "$d/"
    cp -R build/pkg "$d/pkg"
    rm -f "$d/pkg/.gitignore" "$d/pkg/package.json"
  done
  python3 tools/manifest.py --version "$VERSION" --contact "$CONTACT_EMAIL" --chrome dist/chrome --firefox dist/firefox
  for browser in chrome firefox; do
    python3 tools/zip.py "dist/$browser" "dist/motics-push-$browser-$VERSION.zip"
  done
}

report_size() {
  local wasm=build/pkg/motics_push_bg.wasm raw gz
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  say "wasm: $raw bytes raw, $gz bytes gzip -9 ($((gz / 1024)) KB)"
}

cmd_build() {
  say "build: core → wasm (release, $WASM_TARGET)"
  build_wasm target build/pkg
  say "build: assemble dist/chrome, dist/firefox and zips"
  assemble
  report_size
  ls -1 dist/*.zip | sed 's/^/*** /'
}

# ---- test -------------------------------------------------------------------------------------
SUMMARY=()
FAILED=0
tier() { # tier NAME command... : runs one tier, records its result and time
  local name=$1; shift
  local start=$SECONDS
  say "tier $name"
  if "$@"; then SUMMARY+=("PASS  $name  ($((SECONDS - start)) s)")
  else SUMMARY+=("FAIL  $name  ($((SECONDS - start)) s)"); FAILED=$((FAILED + 1)); fi
}

# Only tests/wasm_glue.rs has wasm tests: every other test target is cfg'd to native (building it
# for wasm, and the lib's native unit tests, only cost time; clippy-wasm --all-targets checks them).
wasm_tests() {
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=60 \
    cargo test -p motics-push --target "$WASM_TARGET" --test wasm_glue
}

reproducible() {
  # A second build in another target dir must give byte-identical wasm.
  build_wasm target/repro build/pkg-repro
  local a b
  a=$(sha256sum build/pkg/motics_push_bg.wasm | cut -d' ' -f1)
  b=$(sha256sum build/pkg-repro/motics_push_bg.wasm | cut -d' ' -f1)
  rm -rf build/pkg-repro
  [ "$a" = "$b" ] || { echo "wasm differs between two builds: $a vs $b"; return 1; }
  if grep -a -q -e "$ROOT" -e "$CARGO_HOME_DIR" build/pkg/motics_push_bg.wasm; then
    echo "a build path leaked into the wasm"; return 1
  fi
  echo "reproducible: sha256 $a"
}

lint_firefox() {
  (cd tests/e2e && npx --no-install web-ext lint --source-dir "$ROOT/dist/firefox" --warnings-as-errors --output text --no-config-discovery)
}

build_sandbox() { cargo build -q -p motics-sandbox; }

# Every (file, browser) pair as its own process, two at a time, longest first (tests/e2e/lib/parallel.mjs:
# each has its own sandbox and profile; most of a test waits on timers and the network, so two fit
# on 2 cores). E2E_JOBS=1 runs them one at a time; E2E_BROWSERS=chromium runs one browser.
e2e() {
  build_sandbox
  (cd tests/e2e && MOTICS_DIST="$ROOT/dist" SANDBOX_BIN="$ROOT/target/debug/motics-sandbox" node lib/parallel.mjs)
}

cmd_test() {
  tier fmt cargo fmt --all --check
  tier clippy-native cargo clippy -q --workspace --all-targets -- -D warnings
  tier clippy-wasm cargo clippy -q -p motics-push --all-targets --target "$WASM_TARGET" -- -D warnings
  tier unit+integration cargo test -q --workspace
  tier wasm-glue wasm_tests
  tier build cmd_build
  tier reproducible reproducible
  tier lint lint_firefox
  tier e2e e2e
  echo
  say "summary"
  printf '  %s\n' "${SUMMARY[@]}"
  local total=${#SUMMARY[@]}
  echo "tiers: $((total - FAILED)) passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

cmd_demo() {
  cmd_build
  build_sandbox
  (cd tests/e2e && MOTICS_DIST="$ROOT/dist" SANDBOX_BIN="$ROOT/target/debug/motics-sandbox" node demo.mjs)
}

# ---- package: store zips + the AMO source zip, checked by a rebuild from that zip -------------
SOURCE_CHECK_DIR=target/source-check # fixed path: repeated checks reuse its cargo cache
source_zip() { echo "dist/motics-push-source-$VERSION.zip"; }

cmd_package() {
  cmd_build
  source_package
  say "package: Chrome Web Store dist/motics-push-chrome-$VERSION.zip"
  say "package: AMO dist/motics-push-firefox-$VERSION.zip + source $(source_zip)"
}

# The AMO source zip for the current build/pkg, then the rebuild check (usable as a test tier after
# the build tier: `tier source-package source_package`).
source_package() {
  local sha
  sha=$(sha256sum build/pkg/motics_push_bg.wasm | cut -d' ' -f1)
  python3 tools/package-source.py --version "$VERSION" --build-id "$(build_id)" --contact "$CONTACT_EMAIL" \
    --wasm-bindgen "$WASM_BINDGEN_VERSION" --wasm-sha256 "$sha" --out "$(source_zip)"
  verify_source_package
}

# Unzip the source zip into a fresh folder, run its own build-from-source.sh with a separate
# CARGO_TARGET_DIR, and require the same wasm sha256 as the packaged one.
verify_source_package() {
  local want got src=$ROOT/$SOURCE_CHECK_DIR/src
  want=$(sha256sum build/pkg/motics_push_bg.wasm | cut -d' ' -f1)
  rm -rf "$src" && mkdir -p "$src"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$(source_zip)" "$src"
  chmod +x "$src/build-from-source.sh"
  say "package: rebuilding the wasm from $(source_zip) in $SOURCE_CHECK_DIR"
  got=$(cd "$src" && CARGO_TARGET_DIR="$ROOT/$SOURCE_CHECK_DIR/target" ./build-from-source.sh | cut -d' ' -f1)
  [ "$want" = "$got" ] || die "the source zip rebuilds a different wasm: $got, shipped $want"
  say "package: source zip rebuilds the identical wasm (sha256 $want)"
}

# ---- fuzz: the property suites with a large case count ------------------------------------------
cmd_fuzz() {
  local cases=${PROPTEST_CASES:-1000000}
  say "fuzz: every property suite with PROPTEST_CASES=$cases (release mode; set PROPTEST_CASES to change)"
  PROPTEST_CASES=$cases cargo test --release -p motics-push \
    --test fuzz_parsers --test cliniko_key --test cliniko_responses --test nookal_props \
    --test search_query --test render_properties -- --test-threads=2
}

# ---- bench: bench/report.md + bench/report.json (gitignored), scratch in bench/out ---------------
cmd_bench() {
  cmd_build
  build_sandbox
  mkdir -p bench/out
  if [ "${BENCH_SIZE_VARIANTS:-0}" = 1 ]; then
    # The same build at opt-level "s" (Cargo.toml says "z"), in its own target dir.
    say "bench: size variant opt-level=s"
    CARGO_PROFILE_RELEASE_OPT_LEVEL=s build_wasm target/bench-s bench/out/pkg-s
    cp bench/out/pkg-s/motics_push_bg.wasm bench/out/variant-opt-level-s.wasm
  fi
  (cd tests/e2e && MOTICS_DIST="$ROOT/dist" SANDBOX_BIN="$ROOT/target/debug/motics-sandbox" node bench/run.mjs)
  say "bench: bench/report.md"
}

main() {
  local cmd=${1:-build}
  setup
  case "$cmd" in
    setup) ;;
    build) cmd_build ;;
    test) cmd_test ;;
    demo) cmd_demo ;;
    package) cmd_package ;;
    fuzz) cmd_fuzz ;;
    bench) cmd_bench ;;
    *) die "unknown command '$cmd' (setup | build | test | demo | bench | fuzz | package)" ;;
  esac
}

main "$@"
