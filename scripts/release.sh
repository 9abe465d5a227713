#!/usr/bin/env bash
# The release: check the plan, version, build, test, publish, tag (see RELEASING.md).
# Run from a clean checkout of main with npm credentials for the @cairn scope.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

if [ -n "$(git status --porcelain)" ]; then
  echo "release: the working tree has changes; commit or remove them first" >&2; exit 1
fi
if [ "$(git rev-parse --abbrev-ref HEAD)" != main ]; then
  echo "release: releases are made from main (on $(git rev-parse --abbrev-ref HEAD))" >&2; exit 1
fi
if [ -z "$(ls .changeset/*.md 2>/dev/null)" ]; then
  echo "release: no pending changesets, nothing to release" >&2; exit 1
fi

# 1. Refuse a plan that breaks the version policy before anything is changed.
node scripts/release-dry-run.mjs
# 2. Version: bumps package.json versions, writes CHANGELOG.md entries, consumes .changeset/*.md.
pnpm exec changeset version
pnpm install --no-frozen-lockfile
git add -A && git commit -m "release: version packages"
# 3. Build and test what will be published.
pnpm exec turbo run build --output-logs=errors-only
pnpm test
# 4. Publish every public package whose version is not on the registry yet, then tag it.
pnpm publish -r
pnpm exec changeset tag
echo "release: published; push the commit and tags with: git push --follow-tags"
