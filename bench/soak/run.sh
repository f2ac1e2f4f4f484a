#!/usr/bin/env bash
# Soak: signpost under a steady mixed load for DURATION, with health
# flapping and reloads, sampling its memory and goroutines.
#
# signpost serves a zone with a static name, a weighted name, a geo name
# (queries carry ECS), a name whose three backends are checked over HTTP
# and flap (bench/soak/flap steps them through every up/down combination,
# all down included, every FLAP), and NXDOMAIN names. dnsperf offers QPS
# queries a second from CPU 0; signpost runs on CPU 1. Every RELOAD the zone
# file's TTL changes and signpost gets SIGHUP. Every 10 s the script
# samples RSS (/proc), goroutines and heap (/metrics). At the end it prints
# dnsperf's totals (lost queries, rcodes) and the reload count, and plots
# the curves into OUT (bench/soak/*.png) with gnuplot.
#   DURATION (3600), QPS (50000), FLAP (10s), RELOAD (60), OUT (bench/soak), KEEP=1 keeps the work dir
# Every address is on loopback.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-3600}; QPS=${QPS:-50000}; FLAP=${FLAP:-10s}; RELOAD=${RELOAD:-60}; OUT=${OUT:-bench/soak}
W=$(mktemp -d /tmp/signpost-soak.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$W"; }
trap cleanup EXIT

if ! command -v dnsperf >/dev/null || ! command -v gnuplot >/dev/null || ! command -v dig >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsperf gnuplot-nox bind9-dnsutils >/dev/null
fi
go build -o "$W/signpost" ./cmd/signpost
go build -o "$W/flap" ./bench/soak/flap
go run ./bench/dns/mkgeo "$W/geo.mmdb"

mkdir -p "$W/zones"
cat >"$W/signpost.yaml" <<CFG
dns:
  listen: ["127.0.0.14:15353"]
http:
  listen: "127.0.0.14:18054"
geoip:
  database: $W/geo.mmdb
log:
  level: warn
zones:
  directory: zones
healthcheck:
  interval: 1s
  timeout: 500ms
  failures: 2
  successes: 2
CFG
zone() { # ttl
  cat <<ZONE
'':
  type: NS
  values: [ns1.soak.test.]
ns1: {type: A, value: 127.0.0.1}
static:
  type: A
  ttl: $1
  values: [127.0.10.1, 127.0.10.2, 127.0.10.3]
weighted:
  type: A
  values: [127.0.11.1]
  dynamic:
    pools:
      w: {values: [{value: 127.0.11.1, weight: 1, status: up}, {value: 127.0.11.2, weight: 3, status: up}]}
    rules: [{pool: w}]
geo:
  type: A
  values: [127.0.12.4]
  dynamic:
    pools:
      eu: {values: [{value: 127.0.12.1, status: up}]}
      other: {values: [{value: 127.0.12.4, status: up}]}
    rules: [{geos: [EU], pool: eu}, {pool: other}]
flap:
  type: A
  ttl: 5
  values: [127.0.20.9]
  octodns:
    healthcheck: {protocol: HTTP, port: 18080, path: /}
  dynamic:
    pools:
      primary: {fallback: secondary, values: [{value: 127.0.20.1}, {value: 127.0.20.2}]}
      secondary: {values: [{value: 127.0.20.3}]}
    rules: [{pool: primary}]
ZONE
}
zone 3600 >"$W/zones/soak.test.yaml"

taskset -c 0 "$W/flap" -period "$FLAP" 127.0.20.1:18080 127.0.20.2:18080 127.0.20.3:18080 >"$W/flap.log" 2>&1 &
PIDS+=($!)
taskset -c 1 "$W/signpost" serve --config "$W/signpost.yaml" >"$W/signpost.log" 2>&1 &
SP=$!; PIDS+=($SP)
for _ in $(seq 100); do dig +short +time=1 +tries=1 @127.0.0.14 -p 15353 static.soak.test >/dev/null 2>&1 && break; sleep 0.1; done
dig +short @127.0.0.14 -p 15353 static.soak.test | grep -q 127.0.10.1 || { echo "signpost did not start:"; cat "$W/signpost.log"; exit 1; }

for i in $(seq 20); do
  printf 'static.soak.test A\nweighted.soak.test A\ngeo.soak.test A\nflap.soak.test A\nnx%s.soak.test A\n' "$i"
done >"$W/mixed.q"

metric() { curl -sf http://127.0.0.14:18054/metrics | awk -v m="$1" '$1==m {print $2}'; }
sample() { # t_seconds rss_mib goroutines heap_mib
  local t=$1 rss
  rss=$(awk '/VmRSS/{print $2/1024}' "/proc/$SP/status")
  printf '%s %.1f %s %.1f\n' "$t" "$rss" "$(metric go_goroutines)" "$(metric go_memstats_heap_inuse_bytes | awk '{print $1/1048576}')"
}

echo "soak: ${DURATION}s at ${QPS} QPS, flapping every $FLAP, reload every ${RELOAD}s (work dir $W)" >&2
taskset -c 0 dnsperf -s 127.0.0.14 -p 15353 -d "$W/mixed.q" -c 4 -q 500 -Q "$QPS" -l "$DURATION" -S 10 \
  -E 8:00011800c63364 -O suppress=timeouts >"$W/dnsperf.log" 2>&1 &
DP=$!; PIDS+=($DP)
start=$(date +%s); next_reload=$((start + RELOAD)); ttl=3600
echo "# seconds rss_mib goroutines heap_inuse_mib" >"$W/samples.txt"
while kill -0 "$DP" 2>/dev/null; do
  now=$(date +%s)
  sample $((now - start)) >>"$W/samples.txt"
  if [ "$now" -ge "$next_reload" ]; then
    ttl=$((ttl == 3600 ? 3601 : 3600)); zone "$ttl" >"$W/zones/soak.test.yaml.tmp"
    mv "$W/zones/soak.test.yaml.tmp" "$W/zones/soak.test.yaml"; kill -HUP "$SP"
    next_reload=$((next_reload + RELOAD))
  fi
  sleep 10
done
wait "$DP" || true

# dnsperf's interval lines (-S 10): "<unix time>: <QPS>".
awk '/^[0-9.]+: [0-9.]+$/{n++; print n*10, $2}' "$W/dnsperf.log" >"$W/qps.txt"
sed -n '/Statistics:/,$p' "$W/dnsperf.log"
echo "reloads: $(metric 'signpost_reload_total{result="success"}') ok, $(metric 'signpost_reload_total{result="error"}' | grep . || echo 0) failed"
echo "flap transitions: $(curl -sf http://127.0.0.14:18054/metrics | awk '/^signpost_healthcheck_transitions_total/{s+=$2} END{print s+0}')"
awk 'NR>1{print}' "$W/samples.txt" | awk 'NR==1{f=$0} {l=$0} END{print "first sample: " f; print "last sample:  " l}'
awk 'NR>1 && $1>=60 {if(min==""||$2<min)min=$2; if($2>max)max=$2; if(gmin==""||$3<gmin)gmin=$3; if($3>gmax)gmax=$3} END{printf "after the first minute: RSS %s-%s MiB, goroutines %s-%s\n", min, max, gmin, gmax}' "$W/samples.txt"

mkdir -p "$OUT"; cp "$W/samples.txt" "$OUT/samples.txt"; cp "$W/qps.txt" "$OUT/qps.txt"
gnuplot <<PLOT
set terminal pngcairo size 900,420 font ",10"
set xlabel "minutes"; set grid; set key top left
set output "$OUT/memory.png"
set title "signpost soak: ${QPS} QPS mixed, flapping every ${FLAP}, reload every ${RELOAD}s"
set ylabel "MiB"; set y2label "goroutines"; set ytics nomirror; set y2tics; set yrange [0:*]; set y2range [0:*]
plot "$W/samples.txt" using (\$1/60):2 with lines lw 2 title "RSS (MiB)", \
     "$W/samples.txt" using (\$1/60):4 with lines lw 2 title "heap in use (MiB)", \
     "$W/samples.txt" using (\$1/60):3 axes x1y2 with lines lw 2 title "goroutines (right)"
set output "$OUT/qps.png"
set title "signpost soak: answered queries per second (dnsperf, 10 s intervals)"
unset y2label; unset y2tics; set ylabel "QPS"
plot "$W/qps.txt" using (\$1/60):2 with lines lw 2 title "answered QPS"
PLOT
echo "plots: $OUT/memory.png $OUT/qps.png"
