# Sourced by the other .ci scripts: repo root as cwd, tool versions, PATH, logging.
# shellcheck shell=bash

CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$CI_DIR/.." && pwd)"
cd "$ROOT"

# Pinned tool versions. WASM_BINDGEN_VERSION must equal the `wasm-bindgen` crate
# version in Cargo.lock and `[tools] wasm_bindgen` in Trunk.toml.
WASM_BINDGEN_VERSION="0.2.130"
TRUNK_VERSION_REQ="~0.21"     # for `cargo install --version`
TRUNK_VERSION_RE='^trunk 0\.21\.' # what `trunk --version` must print
WASM_OPT_VERSION="132"        # npm binaryen@132.0.0, see Trunk.toml [tools] wasm_opt
# wasm-split-cli: cuts a release wasm at its split points (src/ui/shell/deferred_pages.rs).
# Its runtime half is the wasm_split_helpers crate that leptos brings (0.2.x).
WASM_SPLIT_VERSION="0.2.4"
# A split needs the linker's relocations in the release wasm (wasm32 builds only).
SPLIT_RUSTFLAGS="-Clink-args=--emit-relocs"
WASM_TARGET="wasm32-unknown-unknown"
E2E_DIR="$ROOT/tests/e2e"

# Tools installed by `cargo install` and by npm (binaryen's wasm-opt) come first.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$E2E_DIR/node_modules/.bin:$PATH"

# Debian's Chromium and ChromeDriver (installed by setup with apt-get).
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
CHROMEDRIVER_BIN="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a step and print how long it took.
step() {
  local name="$1"; shift
  local start=$SECONDS
  log "$name"
  "$@"
  log "$name: done in $((SECONDS - start))s"
}
