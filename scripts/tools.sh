#!/usr/bin/env bash
# Builds the pinned Go tools of tools/go.mod into .bin/ (git-ignored). The tools
# module stays out of go.work so buf's dependencies do not raise the versions
# every service builds with. Rebuilds only when tools/go.sum changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.bin/.stamp
if [ -f "$stamp" ] && cmp -s "$stamp" tools/go.sum; then exit 0; fi
mkdir -p .bin
echo "building pinned tools into .bin/ ..." >&2
GOWORK=off go -C tools build -o ../.bin/ $(sed -n '/^tool (/,/^)/{/^tool (/d;/^)/d;p}' tools/go.mod)
cp tools/go.sum "$stamp"
