#!/usr/bin/env bash
# Makes a fresh machine (Node 20 + npm only) ready: the pinned pnpm, dependencies, a build.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 npm_config_nodedir=/usr
PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION" >&2
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >&2
fi
echo "› installing dependencies" >&2
CI=true pnpm install --frozen-lockfile >&2
echo "› building" >&2
pnpm exec turbo run build --output-logs=errors-only >&2
