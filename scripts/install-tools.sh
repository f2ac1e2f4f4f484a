#!/usr/bin/env bash
# Installs the tools the tests and CI's contrib checks use, from Debian's
# packages, once: Prometheus and promtool (the real-Prometheus scrape test,
# the alert rules' tests), systemd-analyze (the unit's check), zsh (the
# completion script's check) and dig.
set -euo pipefail
if command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v systemd-analyze >/dev/null &&
  command -v zsh >/dev/null && command -v dig >/dev/null; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus systemd zsh bind9-dnsutils >/dev/null
# Debian starts the Prometheus it installs where it can; the tests start
# their own on a random loopback port.
(service prometheus stop || true) >/dev/null 2>&1
