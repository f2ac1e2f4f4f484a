#!/usr/bin/env bash
# Installs the authoritative servers the RFC 2136 provider's tests start
# themselves (BIND 9 and Knot DNS, from Debian's packages), once. The
# tests run each server on loopback at a random high port; nothing is
# started here.
set -euo pipefail
if command -v named >/dev/null && command -v knotd >/dev/null; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bind9 bind9-utils knot >/dev/null
# Debian starts the services it installs where it can: the tests need
# neither running on the standard port.
(service named stop || service bind9 stop || true) >/dev/null 2>&1
(service knot stop || true) >/dev/null 2>&1
