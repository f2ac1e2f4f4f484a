#!/usr/bin/env bash
# Installs (once) and starts moto, the Route53 emulator the provider's
# contract tests run against, on loopback. Only Debian packages are used:
# bookworm's dependencies, and python3-moto 5.1.1 from trixie unpacked into
# $MOTO_PREFIX through a private apt configuration (the system's sources are
# not touched). Prints the endpoint on success.
#   MOTO_PREFIX (default /opt/moto), MOTO_PORT (default 5055)
set -euo pipefail
PREFIX=${MOTO_PREFIX:-/opt/moto}
PORT=${MOTO_PORT:-5055}
ENDPOINT="http://127.0.0.1:$PORT"

if curl -fs -o /dev/null "$ENDPOINT/moto-api/"; then
  echo "$ENDPOINT"; exit 0
fi

if [ ! -d "$PREFIX/usr/lib/python3/dist-packages/moto" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl python3-boto3 python3-botocore \
    python3-flask python3-flask-cors python3-werkzeug python3-jinja2 python3-responses python3-dateutil \
    python3-requests python3-xmltodict python3-yaml >/dev/null
  A=$(mktemp -d)
  mkdir -p "$A/lists/partial" "$A/archives/partial" "$A/cache"
  URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  URI=${URI:-http://deb.debian.org/debian}
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URI trixie main" > "$A/sources.list"
  O=(-o APT::Sandbox::User=root -o Dir::Etc::sourcelist="$A/sources.list" -o Dir::Etc::sourceparts=-
     -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache" -o Dir::Cache::Archives="$A/archives")
  apt-get "${O[@]}" update -qq
  (cd "$A" && apt-get "${O[@]}" download python3-moto=5.1.1-4 >/dev/null)
  mkdir -p "$PREFIX"
  dpkg-deb -x "$A"/python3-moto_5.1.1-4_all.deb "$PREFIX"
  rm -rf "$A"
fi

PYTHONPATH="$PREFIX/usr/lib/python3/dist-packages" nohup /usr/bin/python3 -m moto.server -H 127.0.0.1 -p "$PORT" \
  >/tmp/moto.log 2>&1 &
echo $! > /tmp/moto.pid
for _ in $(seq 100); do
  if curl -fs -o /dev/null "$ENDPOINT/moto-api/"; then
    echo "$ENDPOINT"; exit 0
  fi
  sleep 0.2
done
echo "moto did not start; see /tmp/moto.log" >&2
exit 1
