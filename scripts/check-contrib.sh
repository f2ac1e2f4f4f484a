#!/usr/bin/env bash
# Checks what ships beside the binary (CI runs it):
#  - the systemd unit passes systemd-analyze verify (and prints its
#    systemd-analyze security exposure);
#  - the Prometheus alert rules pass promtool check rules and their tests;
#  - `go install <module>/cmd/signpost@latest` from an empty module cache,
#    through a module proxy serving HEAD, gives a binary whose `signpost
#    version` names HEAD's pseudo-version, commit and date;
#  - the release build gives the same bytes twice;
#  - the container image builds FROM scratch and answers DNS as a
#    non-root user (starting Debian's dockerd when none is running).
# Every address used is on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
MODULE=github.com/signpost-dns/signpost
bash scripts/install-tools.sh
W=$(mktemp -d /tmp/signpost-contrib.XXXX)
cleanup() { docker rm -f "signpost-check-$$" >/dev/null 2>&1 || true; rm -rf "$W"; }
trap cleanup EXIT

echo "== go install $MODULE/cmd/signpost@latest, from an empty module cache"
# The module is served at HEAD's pseudo-version by a file-system module
# proxy in front of the usual one, as the public proxy would serve a
# pushed commit; its dependencies come from the usual proxy.
ts=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
rev=$(git rev-parse --short=12 HEAD)
ver="v0.0.0-$ts-$rev"
P="$W/proxy/$MODULE/@v"; mkdir -p "$P"
echo "$ver" >"$P/list"
printf '{"Version":"%s","Time":"%s"}\n' "$ver" "$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)" >"$P/$ver.info"
git show HEAD:go.mod >"$P/$ver.mod"
git archive --format=zip --prefix="$MODULE@$ver/" -o "$P/$ver.zip" HEAD
(cd "$W" && GOPROXY="file://$W/proxy,$(go env GOPROXY)" GONOSUMDB="$MODULE" GOFLAGS=-modcacherw \
  GOMODCACHE="$W/modcache" GOBIN="$W/bin" go install "$MODULE/cmd/signpost@latest")
"$W/bin/signpost" version | tee "$W/version.txt"
grep -q "^signpost $ver commit $rev date " "$W/version.txt"
"$W/bin/signpost" version --verbose | grep -q "IP2Location LITE"

echo "== systemd unit"
mkdir -p "$W/unit"
sed "s|/usr/local/bin/signpost|$W/bin/signpost|g" contrib/systemd/signpost.service >"$W/unit/signpost.service"
systemd-analyze verify "$W/unit/signpost.service"
systemd-analyze security --offline=true "$W/unit/signpost.service" | tail -n 1

echo "== Prometheus rules"
promtool check rules contrib/prometheus/alerts.yaml
(cd contrib/prometheus && promtool test rules alerts_test.yaml)

echo "== release build is reproducible"
DIST="$W/dist1" PLATFORMS=linux/amd64 bash scripts/release.sh >/dev/null
DIST="$W/dist2" PLATFORMS=linux/amd64 bash scripts/release.sh >/dev/null
cmp "$W/dist1/SHA256SUMS" "$W/dist2/SHA256SUMS"
cat "$W/dist1/SHA256SUMS"

echo "== container"
if ! command -v dockerd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  (dockerd >"$W/dockerd.log" 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
fi
bin=$(ls "$W"/dist1/signpost-*-linux-amd64)
mkdir -p dist && cp "$bin" dist/signpost-check-linux-amd64
DOCKER_BUILDKIT=0 docker build -q --build-arg BINARY=dist/signpost-check-linux-amd64 -t signpost:check . >/dev/null
rm -f dist/signpost-check-linux-amd64
docker run -d --name "signpost-check-$$" -p 127.0.0.1::53/udp -p 127.0.0.1::53/tcp -p 127.0.0.1::8053 signpost:check >/dev/null
port() { docker port "signpost-check-$$" "$1" | head -n 1 | sed 's/.*://'; }
udp=$(port 53/udp); tcp=$(port 53/tcp); ops=$(port 8053/tcp)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$ops/healthz" >/dev/null && break; sleep 0.2; done
[ "$(docker inspect -f '{{.Config.User}}' "signpost-check-$$")" = 65532:65532 ] || { echo "the image runs as root"; exit 1; }
a=$(dig +short +time=2 +tries=3 @127.0.0.1 -p "$udp" www.example.com A)
t=$(dig +short +tcp +time=2 +tries=3 @127.0.0.1 -p "$tcp" www.example.com A)
# (www is a CNAME to a weighted record: the addresses may differ)
if ! echo "$a" | grep -q '^test.example.com.$' || ! echo "$t" | grep -q '^test.example.com.$'; then
  echo "the container did not answer: udp '$a' tcp '$t'"; docker logs "signpost-check-$$"; exit 1
fi
echo "container answers www.example.com A: $(echo $a)"
docker exec "signpost-check-$$" /signpost version
echo "contrib: ok"
