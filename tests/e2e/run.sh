#!/usr/bin/env bash
# Browser tests for the web UI: installs the locked test dependencies, builds the server
# unless SOUNDROOM_BIN points at one, and runs every *.test.mjs here.
# Needs Chromium at /usr/bin/chromium, or its path in CHROMIUM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci
if [[ -z "${SOUNDROOM_BIN:-}" ]]; then
  (cd ../.. && cargo build)
fi
npm test
