#!/usr/bin/env bash
# fake-gcs-server (a GCS JSON-API emulator), built from its Go module at a pinned version: the GCS
# emulator cairn's gs:// tests run against (it honours ifGenerationMatch, including 0 = create-only).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
FAKE_GCS_VERSION=v1.56.1
key="fake-gcs-server-$FAKE_GCS_VERSION-$(recipe_key "$0")"
dir="$CAIRN_PEERS_DIR/$key"
if [ ! -x "$dir/bin/fake-gcs-server" ]; then
  echo "› building fake-gcs-server $FAKE_GCS_VERSION (once per machine)" >&2
  tmp="$(mktemp -d "$CAIRN_PEERS_DIR/.build-XXXXXX")"
  GOBIN="$tmp/bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION" >&2
  publish "$tmp" "$dir"
fi
printf '{"version": "%s", "root": "%s", "server": "%s"}\n' "${FAKE_GCS_VERSION#v}" "$dir" "$dir/bin/fake-gcs-server"
