#!/usr/bin/env bash
# Builds the container image signpost:<version> (and :latest) for this
# machine's architecture from a release binary; see Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=$(go env GOARCH)
bin=$(PLATFORMS=linux/$arch bash scripts/release.sh | tail -n 1)
version=${bin#dist/signpost-}; version=${version%-linux-$arch}
docker build --build-arg BINARY="$bin" -t "signpost:$version" -t signpost:latest .
