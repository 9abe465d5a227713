#!/usr/bin/env bash
# Quick start: set up, then run cairn's main job on the embedded default, a local file:// backend.
# Everything it writes stays under ./.demo (state, PULUMI_HOME, a sample project).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
root="$PWD"
demo="$root/.demo"
rm -rf "$demo" && mkdir -p "$demo/project"
printf 'name: demo\nruntime: nodejs\n' > "$demo/project/Pulumi.yaml"
export PULUMI_HOME="$demo/home"
# The passphrase that protects the demo stack's secrets (in real use: a secret, or a prompt).
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-cairn-quickstart}"
cd "$demo/project"
step() { printf '\n$ cairn %s\n' "$*"; node "$root/apps/cli/bin/cairn.js" "$@"; }
step login "file://$demo/state"
step whoami --verbose
step stack init dev
step stack import --file "$root/examples/sample-deployment.json"
step stack ls
step stack history
step stack export --file "$demo/dev-export.json"
cmp -s <(node -e 'const d=require(process.argv[1]);console.log(JSON.stringify(d))' "$root/examples/sample-deployment.json") \
       <(node -e 'const d=require(process.argv[1]);console.log(JSON.stringify(d))' "$demo/dev-export.json") \
  && printf '\n✔ the exported deployment equals the imported sample\n' \
  || { printf '\n✘ the exported deployment differs from the sample\n'; exit 1; }
printf '✔ state files written under %s:\n' "$demo/state/.pulumi"
(cd "$demo/state" && find .pulumi -type f | sort | sed 's/^/    /')
