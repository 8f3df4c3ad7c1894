#!/usr/bin/env bash
# Soundroom benchmarks: builds the release binary, generates (or reuses) a synthetic library of
# N tracks, and runs benches/bench.py against it. See docs/benchmarks.md.
#
#   benches/run.sh [N] [extra bench.py options...]     (N defaults to 10000)
#
# Environment:
#   BENCH_DIR      where libraries and scratch data go (default /tmp/soundroom-bench)
#   BENCH_BINARY   measure this binary instead of building target/release/soundroom
#   MAKE_LIBRARY   path to make_library.py (default <repo>/../shared/tools/make_library.py)
#
# Needs: python3 (3.11+), ffmpeg (apt-get install -y ffmpeg), cargo; mutagen is installed with
# pip if missing (into a venv under BENCH_DIR if the system Python refuses).
set -euo pipefail

N="${1:-10000}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: benches/run.sh [N] [bench.py options...]   (N: number of tracks, default 10000)" >&2
    exit 2
fi
shift $(( $# > 0 ? 1 : 0 ))

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR" && git rev-parse --show-toplevel)"
BENCH_DIR="${BENCH_DIR:-/tmp/soundroom-bench}"
MAKE_LIBRARY="${MAKE_LIBRARY:-$REPO/../shared/tools/make_library.py}"
LIB="$BENCH_DIR/library-$N"

say() { printf '[run.sh] %s\n' "$*" >&2; }
die() { printf '[run.sh] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$BENCH_DIR"

# --- tools ----------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "python 3.11 or newer is needed"
command -v ffmpeg >/dev/null || die "ffmpeg not found; install it (apt-get install -y ffmpeg)"

PY=python3  # the interpreter that runs make_library.py (needs mutagen)
if ! python3 -c 'import mutagen' 2>/dev/null; then
    say "mutagen missing; pip install mutagen"
    if ! python3 -m pip install --quiet mutagen 2>"$BENCH_DIR/pip.log" || ! python3 -c 'import mutagen' 2>/dev/null; then
        say "pip refused (see $BENCH_DIR/pip.log); using a venv in $BENCH_DIR/venv"
        [ -x "$BENCH_DIR/venv/bin/python" ] || python3 -m venv "$BENCH_DIR/venv"
        "$BENCH_DIR/venv/bin/python" -m pip install --quiet mutagen
        PY="$BENCH_DIR/venv/bin/python"
    fi
fi
[ -f "$MAKE_LIBRARY" ] || die "make_library.py not found at $MAKE_LIBRARY (set MAKE_LIBRARY)"

# --- binary ---------------------------------------------------------------------------------
if [ -n "${BENCH_BINARY:-}" ]; then
    BIN="$BENCH_BINARY"
    say "using $BIN (BENCH_BINARY set; not building)"
else
    command -v cargo >/dev/null || die "cargo not found"
    say "cargo build --release"
    (cd "$REPO" && cargo build --release --bin soundroom)
    BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/soundroom"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# --- library (cached per N) -----------------------------------------------------------------
if [ -d "$LIB" ]; then
    say "reusing $LIB ($(cat "$LIB.txt" 2>/dev/null || echo 'no generation log'))"
else
    say "generating $N tracks into $LIB (ffmpeg + mutagen; about 1 ms per track)"
    TMP_LIB="$LIB.partial.$$"
    rm -rf "$TMP_LIB"
    trap 'rm -rf "$TMP_LIB"' EXIT
    "$PY" "$MAKE_LIBRARY" "$N" "$TMP_LIB" --seed 1 | tee "$LIB.txt.partial" >&2
    mv "$TMP_LIB" "$LIB"         # only a complete library gets the cached name
    mv "$LIB.txt.partial" "$LIB.txt"
    trap - EXIT
fi

# --- measure --------------------------------------------------------------------------------
exec python3 "$SCRIPT_DIR/bench.py" \
    --binary "$BIN" \
    --library "$LIB" \
    --n "$N" \
    --work-dir "$BENCH_DIR/work" \
    --out "$SCRIPT_DIR/results-latest.md" \
    "$@"
