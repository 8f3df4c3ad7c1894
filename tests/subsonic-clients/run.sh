#!/usr/bin/env bash
# Drives /rest with a real third-party Subsonic client library (py-opensonic): creates a venv
# here on first use, installs the pinned requirements, builds the server unless SOUNDROOM_BIN
# points at one, and runs test_opensonic.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

if [[ -z "${SOUNDROOM_BIN:-}" ]]; then
  (cd ../.. && cargo build)
  SOUNDROOM_BIN="$(cd ../.. && pwd)/target/debug/soundroom"
fi
export SOUNDROOM_BIN

exec .venv/bin/python -m unittest -v test_opensonic "$@"
