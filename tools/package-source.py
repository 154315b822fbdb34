#!/usr/bin/env python3
"""Writes the AMO source zip: everything needed to rebuild the shipped wasm byte for byte, plus a
`build-from-source.sh` with the exact build id, contact email and tool versions baked in.

AMO reviewers must be able to reproduce minified/compiled code from source. The wasm embeds the
build id and contact email, and panic paths are remapped (build.sh), so the same sources and pinned
tools (rust-toolchain.toml, Cargo.lock, wasm-bindgen-cli) give the identical file in any folder.

Usage: package-source.py --version V --build-id ID --contact EMAIL --wasm-bindgen VER --out OUT.zip
"""
import argparse
import subprocess
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# What the wasm and the extension are built from. tests/sandbox is a workspace member, so Cargo
# needs its manifest and sources to resolve the workspace, even though the wasm doesn't use it.
INCLUDE = ("Cargo.toml", "Cargo.lock", "rust-toolchain.toml", "manifest.json", "build.sh", "README.md",
           "src/", "extension/", "tools/", "tests/sandbox/Cargo.toml", "tests/sandbox/src/")

SCRIPT = """#!/usr/bin/env bash
# Rebuilds pkg/motics_push_bg.wasm exactly as shipped in Motics Push {version} (build {build_id}).
# Needs: rustup (the toolchain in rust-toolchain.toml, {rustc}, with the wasm32-unknown-unknown
# target) and wasm-bindgen-cli {wasm_bindgen}: cargo install wasm-bindgen-cli --version {wasm_bindgen}
# Then: ./build-from-source.sh   → prints the sha256 of pkg/motics_push_bg.wasm.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
TARGET_DIR=${{CARGO_TARGET_DIR:-$ROOT/target}}
[ "$(wasm-bindgen --version)" = "wasm-bindgen {wasm_bindgen}" ] ||
  {{ echo "need wasm-bindgen-cli {wasm_bindgen}: cargo install wasm-bindgen-cli --version {wasm_bindgen}" >&2; exit 1; }}
SYSROOT=$(rustc --print sysroot)
CARGO_HOME_DIR=${{CARGO_HOME:-$HOME/.cargo}}
# The same path remapping as build.sh: no build folder ends up in the wasm.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$CARGO_HOME_DIR=/cargo --remap-path-prefix=$ROOT=/src --remap-path-prefix=$SYSROOT=/rustc"
MOTICS_BUILD_ID='{build_id}' MOTICS_CONTACT_EMAIL='{contact}' \\
  cargo build -q --release --target wasm32-unknown-unknown -p motics-push --target-dir "$TARGET_DIR"
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name motics_push --no-typescript \\
  --remove-name-section --remove-producers-section "$TARGET_DIR/wasm32-unknown-unknown/release/motics_push.wasm"
# pkg/core-info.js: the core's `core/info` reply, read from that wasm by Node.js (not part of the sha256).
command -v node >/dev/null && node tools/core-info.mjs pkg >/dev/null
sha256sum pkg/motics_push_bg.wasm
"""

README = """# Motics Push {version}: source for review

Build {build_id}. The extension's JavaScript, HTML and CSS are not minified or generated: they are
`extension/` as shipped. The only compiled file is `pkg/motics_push_bg.wasm` (+ its wasm-bindgen glue
`pkg/motics_push.js`), built from the Rust sources in `src/`, and `pkg/core-info.js`, the reply of
that wasm's `coreInfoReply()` written by `tools/core-info.mjs` (Node.js) so the background can answer
`core/info` before the wasm is ready.

To rebuild it:

1. Install rustup; `rust-toolchain.toml` selects Rust {rustc} and the `wasm32-unknown-unknown` target.
2. `cargo install wasm-bindgen-cli --version {wasm_bindgen}` (must equal the `wasm-bindgen` crate in Cargo.lock).
3. `./build-from-source.sh` — prints the sha256 of `pkg/motics_push_bg.wasm`; it equals the file in the
   submitted package ({wasm_sha256}).

The full build (`./build.sh`, Debian/Ubuntu) also assembles the Chrome and Firefox packages.
"""


def files(root):
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", *INCLUDE],
                            cwd=root, check=True, capture_output=True).stdout.split(b"\0")
    out = sorted({p.decode() for p in listed if p} | {p for p in INCLUDE if not p.endswith("/")})
    return [p for p in out if (root / p).is_file()]


def main():
    ap = argparse.ArgumentParser()
    for name in ("--version", "--build-id", "--contact", "--wasm-bindgen", "--wasm-sha256", "--out"):
        ap.add_argument(name, required=True)
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    rustc = subprocess.run(["rustc", "--version"], cwd=root, check=True, capture_output=True, text=True).stdout.strip()
    values = dict(version=args.version, build_id=args.build_id, contact=args.contact,
                  wasm_bindgen=args.wasm_bindgen, rustc=rustc, wasm_sha256=args.wasm_sha256)
    with zipfile.ZipFile(args.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        def add(name, data, mode=0o644):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = mode << 16
            z.writestr(info, data)
        for rel in files(root):
            add(rel, (root / rel).read_bytes(), 0o755 if rel.endswith((".sh", ".py")) else 0o644)
        add("build-from-source.sh", SCRIPT.format(**values), 0o755)
        add("SOURCE-README.md", README.format(**values))


if __name__ == "__main__":
    main()
