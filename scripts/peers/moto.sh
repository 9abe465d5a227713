#!/usr/bin/env bash
# moto's S3 server mode, installed from PyPI into its own virtualenv at a pinned version: the S3
# emulator cairn's S3 tests run against (it honours If-None-Match: * and If-Match on writes).
# Run it as `<python> -m moto.server`: the venv is built in a temp dir and renamed, which breaks
# the paths pip writes into its console scripts, but not `python -m` from the venv's own python.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MOTO_VERSION=5.2.5
key="moto-$MOTO_VERSION-$(recipe_key "$0")"
dir="$CAIRN_PEERS_DIR/$key"
if ! "$dir/bin/python" -c "import moto.server" 2>/dev/null; then
  echo "› installing moto[server] $MOTO_VERSION into a virtualenv (once per machine)" >&2
  tmp="$(mktemp -d "$CAIRN_PEERS_DIR/.build-XXXXXX")"
  python3 -m venv "$tmp" >&2
  "$tmp/bin/python" -m pip install --quiet --no-input "moto[server]==$MOTO_VERSION" >&2
  publish "$tmp" "$dir"
fi
printf '{"version": "%s", "root": "%s", "python": "%s"}\n' "$MOTO_VERSION" "$dir" "$dir/bin/python"
