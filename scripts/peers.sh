#!/usr/bin/env bash
# Builds or installs the real peers cairn's tests run against (the Pulumi CLI, emulators) into a
# cache outside the repo, keyed by version and by the recipe's own files, so a warm machine reuses
# them and a changed recipe rebuilds. Idempotent; safe to run twice at once (each peer is built in
# a temp directory and renamed into place). Records each peer's paths in `.peers/<name>.json` at
# the repo root, read by `@cairn/test-servers/peers`.
#
#   scripts/peers.sh [NAME…]   every recipe in scripts/peers/, or only those named
#   CAIRN_PEERS_DIR            the cache (default: $XDG_CACHE_HOME/cairn/peers, else ~/.cache/cairn/peers)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAIRN_PEERS_DIR="${CAIRN_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cairn/peers}"
mkdir -p "$CAIRN_PEERS_DIR" .peers

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for recipe in scripts/peers/*.sh; do [ "$(basename "$recipe")" = lib.sh ] || names+=("$(basename "$recipe" .sh)"); done
fi
# Each recipe prints one JSON object (its paths) on stdout, progress on stderr.
for name in "${names[@]}"; do
  bash "scripts/peers/$name.sh" > ".peers/$name.json.tmp"
  mv ".peers/$name.json.tmp" ".peers/$name.json"
done
echo "› peers ready (${names[*]}) in $CAIRN_PEERS_DIR" >&2
