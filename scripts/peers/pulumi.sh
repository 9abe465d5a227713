#!/usr/bin/env bash
# The Pulumi CLI, built from its Go module at a pinned version, and cairn's interop driver (an
# Automation API inline program: no language host at this version is served by the module proxy).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PULUMI_VERSION=v3.274.1
module=tools/pulumi-peer
key="pulumi-$PULUMI_VERSION-$(recipe_key "$module/go.mod" "$module/go.sum" "$module"/driver/*.go "$0")"
dir="$CAIRN_PEERS_DIR/$key"
if [ ! -x "$dir/bin/pulumi" ] || [ ! -x "$dir/bin/cairn-interop-driver" ]; then
  echo "› building the Pulumi CLI $PULUMI_VERSION and the interop driver (once per machine; several minutes)" >&2
  tmp="$(mktemp -d "$CAIRN_PEERS_DIR/.build-XXXXXX")"
  ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
  (cd "$module" && go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    && go build -trimpath -o "$tmp/bin/cairn-interop-driver" ./driver) >&2
  publish "$tmp" "$dir"
fi
printf '{"version": "%s", "root": "%s", "pulumi": "%s", "driver": "%s"}\n' \
  "${PULUMI_VERSION#v}" "$dir" "$dir/bin/pulumi" "$dir/bin/cairn-interop-driver"
