#!/usr/bin/env bash
# Stops the moto started by start-moto.sh.
[ -f /tmp/moto.pid ] && kill "$(cat /tmp/moto.pid)" 2>/dev/null; rm -f /tmp/moto.pid; exit 0
