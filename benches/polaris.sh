#!/usr/bin/env bash
# Soundroom beside Polaris on one generated library, measured alternately in one run:
# cold index with the page cache dropped, unchanged rescan, memory, then wrk on album list,
# search and a track page (see ../shared/tools/side-by-side.py). Results: docs/benchmarks.md.
#
#   benches/polaris.sh [N] [RUNS]          (N tracks, default 10000; RUNS default 5: both programs' cold times swing run to run on a VM)
#
# Environment:
#   POLARIS_BIN                 a built Polaris binary; otherwise it is built with
#   POLARIS_GIT, OPUS_HEADERS_GIT  git dirs of agersant/polaris and yboettcher/opus_headers
#                               (../shared/tools/build-polaris.sh, about 8 minutes on 2 cores)
#   BENCH_DIR, BENCH_BINARY     as for benches/run.sh
# Needs root to drop the page cache (otherwise cold runs are warm and say so), wrk and curl
# (installed with apt-get when missing).
set -euo pipefail
N="${1:-10000}"
RUNS="${2:-5}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR" && git rev-parse --show-toplevel)"
SHARED="$REPO/../shared/tools"
BENCH_DIR="${BENCH_DIR:-/tmp/soundroom-bench}"
LIB="$BENCH_DIR/library-$N"
say() { printf '[polaris.sh] %s\n' "$*" >&2; }

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { say "installing $tool"; apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done

if [[ -z "${POLARIS_BIN:-}" ]]; then
    : "${POLARIS_GIT:?set POLARIS_BIN, or POLARIS_GIT and OPUS_HEADERS_GIT to build Polaris}"
    POLARIS_BIN="$(env -u CARGO_TARGET_DIR bash "$SHARED/build-polaris.sh" "$BENCH_DIR/polaris-build" | tail -1)"
fi
POLARIS_COMMIT="$(git -C "$(dirname "$POLARIS_BIN")/../.." rev-parse --short HEAD 2>/dev/null || echo unknown)"

if [[ -n "${BENCH_BINARY:-}" ]]; then
    SOUNDROOM_BIN="$BENCH_BINARY"
else
    (cd "$REPO" && cargo build --release --quiet)
    SOUNDROOM_BIN="$REPO/target/release/soundroom"
fi

if [[ ! -d "$LIB" ]]; then
    # run.sh knows how to make the library (ffmpeg, mutagen); ask it for that only.
    say "generating $LIB"
    partial="$LIB.partial.$$"
    python3 "$SHARED/make_library.py" "$N" "$partial" --seed 1 > "$LIB.txt"
    mv "$partial" "$LIB"
fi

OUT="$BENCH_DIR/side-by-side-$(date -u +%Y%m%dT%H%M%SZ)"
say "Polaris $POLARIS_COMMIT ($POLARIS_BIN) beside $SOUNDROOM_BIN on $LIB, $RUNS runs; output in $OUT"
python3 "$SHARED/side-by-side.py" --polaris "$POLARIS_BIN" --soundroom "$SOUNDROOM_BIN" --library "$LIB" \
    --runs "$RUNS" --out "$OUT"
