#!/usr/bin/env bash
# The test command: starts the Route53 emulator (installing it on first
# use) so the provider's contract tests run against it, then runs every
# test with the race detector. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNPOST_ROUTE53_ENDPOINT=$(bash scripts/start-moto.sh)
export SIGNPOST_ROUTE53_ENDPOINT
# Start from an empty account; the packages then share it, each test in
# zones of its own.
curl -fs -X POST -o /dev/null "$SIGNPOST_ROUTE53_ENDPOINT/moto-api/reset"
echo "route53 emulator: $SIGNPOST_ROUTE53_ENDPOINT (reset)"
# The store's tests run against SQLite and this PostgreSQL, each test in a
# schema of its own.
SIGNPOST_TEST_POSTGRES=$(bash scripts/start-postgres.sh)
export SIGNPOST_TEST_POSTGRES
echo "postgresql: $SIGNPOST_TEST_POSTGRES"
# zinc's database is imported from SQLite, this PostgreSQL and MariaDB.
SIGNPOST_TEST_MYSQL=$(bash scripts/start-mariadb.sh)
export SIGNPOST_TEST_MYSQL
echo "mariadb: $SIGNPOST_TEST_MYSQL"
# The RFC 2136 provider's tests start real BIND and Knot servers.
bash scripts/install-dns-servers.sh
# contrib/'s test scrapes a node with a real Prometheus; the completion
# test checks the zsh script with zsh.
bash scripts/install-tools.sh
SIGNPOST_TEST_PROMETHEUS=$(command -v prometheus)
export SIGNPOST_TEST_PROMETHEUS
go test -race -count=1 "$@" ./...
