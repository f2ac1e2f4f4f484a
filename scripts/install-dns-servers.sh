#!/usr/bin/env bash
# Installs the authoritative servers the RFC 2136 provider's tests start
# themselves (BIND 9, Knot DNS and PowerDNS with its SQLite backend, from
# Debian's packages), once. The
# tests run each server on loopback at a random high port; nothing is
# started here.
set -euo pipefail
if command -v named >/dev/null && command -v knotd >/dev/null && command -v pdns_server >/dev/null &&
  [ -f /usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql ]; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bind9 bind9-utils knot \
  pdns-server pdns-backend-sqlite3 >/dev/null
# Debian starts the services it installs where it can: the tests need
# neither running on the standard port.
(service named stop || service bind9 stop || true) >/dev/null 2>&1
(service knot stop || true) >/dev/null 2>&1
(service pdns stop || true) >/dev/null 2>&1
