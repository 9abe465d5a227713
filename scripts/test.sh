#!/usr/bin/env bash
# The whole test suite: bootstrap, lint (strict type-check of sources and tests), then every
# package's vitest project in one bounded run. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/peers.sh
export TURBO_TELEMETRY_DISABLED=1 METADATA_SERVER_DETECTION=none
pnpm exec turbo run lint --output-logs=errors-only
pnpm exec vitest run "$@"
