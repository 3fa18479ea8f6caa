#!/usr/bin/env bash
# Regenerates all protobuf code. The Buf Schema Registry is not reachable, so the
# third-party protos come from Go modules in the module cache (versions pinned below)
# and are copied into proto/third_party/ (git-ignored, excluded from lint).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/tools.sh

moddir() { GOWORK=off go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }

tp=proto/third_party
rm -rf "$tp"
mkdir -p "$tp/google/api" "$tp/google/rpc" "$tp/buf/validate" "$tp/protoc-gen-openapiv2/options"

gw1=$(moddir github.com/grpc-ecosystem/grpc-gateway@v1.16.0)
cp "$gw1"/third_party/googleapis/google/api/{annotations,http,httpbody}.proto "$tp/google/api/"
cp "$gw1"/third_party/googleapis/google/rpc/{status,code,error_details}.proto "$tp/google/rpc/"
pv=$(moddir github.com/bufbuild/protovalidate@v1.2.2)
cp "$pv"/proto/protovalidate/buf/validate/validate.proto "$tp/buf/validate/"
gw2=$(moddir github.com/grpc-ecosystem/grpc-gateway/v2@v2.33.0)
cp "$gw2"/protoc-gen-openapiv2/options/{annotations,openapiv2}.proto "$tp/protoc-gen-openapiv2/options/"
chmod -R u+w "$tp"

.bin/buf format -w --path proto/ntm
# Remove previous output so deleted protos leave no stale files; go.mod and the
# hand-written embed file of the generated module are kept.
find proto/gen/go/ntm -name '*.go' -delete 2>/dev/null || true
rm -f proto/gen/go/openapi/*.json
.bin/buf generate --path proto/ntm
