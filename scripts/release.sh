#!/usr/bin/env bash
# Builds signpost's release binaries into dist/: static (CGO_ENABLED=0; the
# SQLite driver is pure Go), -trimpath, no build ID, the VCS stamp kept for
# `signpost version`, so the same commit gives the same bytes on any
# machine with the same Go. Writes dist/SHA256SUMS.
#   PLATFORMS ("linux/amd64 linux/arm64"), DIST (dist)
set -euo pipefail
cd "$(dirname "$0")/.."
PLATFORMS=${PLATFORMS:-"linux/amd64 linux/arm64"}
DIST=${DIST:-dist}
mkdir -p "$DIST"
version=$(git describe --tags --always --dirty 2>/dev/null || echo devel)
for p in $PLATFORMS; do
  os=${p%/*}; arch=${p#*/}
  out="$DIST/signpost-$version-$os-$arch"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOFLAGS= go build -trimpath -buildvcs=true -ldflags="-s -w -buildid=" -o "$out" ./cmd/signpost
  echo "$out"
done
(cd "$DIST" && sha256sum signpost-"$version"-* >SHA256SUMS)
