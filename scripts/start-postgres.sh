#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and prints the
# URL the store's tests use. This machine kind starts one (trust auth,
# database "test"); if it is not running, start it, and if none is
# installed, install Debian's and create the database.
#   PGPORT (default 5432), PGDATABASE (default test)
set -euo pipefail
PORT=${PGPORT:-5432}
DB=${PGDATABASE:-test}
USER_NAME=$(id -un)
URL="postgres://$USER_NAME@127.0.0.1:$PORT/$DB?sslmode=disable"

ready() { pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }

if ! command -v pg_isready >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! ready; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
  done
  for _ in $(seq 1 50); do ready && break; sleep 0.2; done
fi
ready || { echo "start-postgres: no PostgreSQL on 127.0.0.1:$PORT" >&2; exit 1; }
# A fresh install has neither our role nor the database: create them as postgres.
if ! psql -h 127.0.0.1 -p "$PORT" -d "$DB" -Atc 'select 1' >/dev/null 2>&1; then
  su postgres -c "psql -p $PORT -Atc \"select 1 from pg_roles where rolname='$USER_NAME'\"" | grep -q 1 ||
    su postgres -c "createuser -p $PORT --superuser $USER_NAME" >&2
  su postgres -c "createdb -p $PORT -O $USER_NAME $DB" >&2 || true
fi
echo "$URL"
