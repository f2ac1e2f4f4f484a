#!/usr/bin/env bash
# Makes sure a MariaDB (MySQL) server answers on 127.0.0.1:3306 and prints
# the URL the zinc import tests use (zinc's ZINC_DB_ENGINE allows MySQL).
# This machine kind runs one (root, empty password); if none answers,
# install Debian's and start it.
#   MYSQL_PORT (default 3306)
set -euo pipefail
PORT=${MYSQL_PORT:-3306}
URL="mysql://root@127.0.0.1:$PORT/"

ready() { mysqladmin -h 127.0.0.1 -P "$PORT" -u root ping >/dev/null 2>&1; }

if ! command -v mysqladmin >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
if ! ready; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --port="$PORT" --bind-address=127.0.0.1
  for _ in $(seq 1 100); do ready && break; sleep 0.2; done
  # A fresh install lets root in over the socket only: allow it over TCP.
  mysql -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')" >/dev/null 2>&1 || true
fi
ready || { echo "start-mariadb: no MariaDB on 127.0.0.1:$PORT" >&2; exit 1; }
echo "$URL"
