#!/usr/bin/env bash
# DNS benchmark: signpost against gdnsd, Knot and PowerDNS, in one run.
#
# Installs dnsperf and the peers with apt, gives each server the same zone
# (a static name with 3 A records, a weighted name with 3 values, a geo name
# with 3 pools by continent plus a catch-all, a subnet-rule name, a
# failover name, a failover name whose primary is TCP-checked every 2 s
# ("live"), NXDOMAIN names, and one file mixing them all), and runs every server, kind and
# set-up interleaved for ROUNDS rounds: set-up a pins the server to CPU 0
# and dnsperf to CPU 1 with 200 queries outstanding, set-up b the other
# way round with 100 (SETUPS picks). Reports QPS, server CPU
# microseconds per query (utime+stime from /proc/PID/stat over the run,
# divided by answered queries), and p50/p99 latency at a fixed 20k QPS, each
# also as a ratio to gdnsd. The latency of a cell is over every query of its
# rounds together (and min–max of the rounds' p99s beside it). With a C
# compiler, bench/dns/floor.c runs beside them as a latency reference: a
# server that answers without looking anything up, whose p99 is the
# machine's and dnsperf's. Everything listens on 127.0.0.x high ports and
# is stopped at the end.
#   ROUNDS (2), SECONDS (8), LAT_SECONDS (4), CLIENTS (4), KEEP=1 keeps the work dir,
#   SIGNPOST_RAW_UDP=false reads UDP through Go's netpoller (dns.raw_udp)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}; SECS=${SECONDS_PER_RUN:-8}; LSECS=${LAT_SECONDS:-4}; CLIENTS=${CLIENTS:-4}
W=$(mktemp -d /tmp/signpost-dnsbench.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$W"; }
trap cleanup EXIT

if ! command -v dnsperf >/dev/null || ! command -v gdnsd >/dev/null || ! command -v knotd >/dev/null || ! command -v pdns_server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsperf gdnsd knot pdns-server pdns-backend-bind >/dev/null
fi
go build -o "$W/signpost-bin" ./cmd/signpost
go run ./bench/dns/mkgeo "$W/geo.mmdb"
REFS=""
if command -v cc >/dev/null && cc -O2 -o "$W/floor" bench/dns/floor.c; then REFS=floor; fi
mkdir -p "$W/lat"

bash bench/dns/configs.sh "$W"
# The live-checked failover name's backends: TCP listeners on loopback.
for ip in 127.0.15.1 127.0.15.2; do
  python3 -m http.server "${LIVE_PORT:-18080}" --bind "$ip" >/dev/null 2>&1 &
  PIDS+=($!)
done

start() { # name cmd...
  local name=$1; shift
  taskset -c 0 "$@" >"$W/$name.log" 2>&1 &
  PIDS+=($!); echo $! >"$W/$name.pid"
}
start gdnsd gdnsd -c "$W/gdnsd" start
start knot knotd -c "$W/knot/knot.conf"
start pdns pdns_server --config-dir="$W/pdns" --daemon=no --guardian=no --disable-syslog --write-pid=no
start signpost "$W/signpost-bin" serve --config "$W/signpost/signpost.yaml"
[ -z "$REFS" ] || start floor "$W/floor" 127.0.0.15 15353

declare -A ADDR=([gdnsd]=127.0.0.11 [knot]=127.0.0.12 [pdns]=127.0.0.13 [signpost]=127.0.0.14 [floor]=127.0.0.15)
PORT=15353
for s in gdnsd knot pdns signpost; do
  for _ in $(seq 100); do dig +short +time=1 +tries=1 @"${ADDR[$s]}" -p $PORT static.bench.test >/dev/null 2>&1 && break; sleep 0.1; done
  dig +short @"${ADDR[$s]}" -p $PORT static.bench.test | grep -q 127.0.10.1 || { echo "$s did not start:"; cat "$W/$s.log"; exit 1; }
done
# The live name answers its primary once its checks pass.
for s in gdnsd signpost; do
  for _ in $(seq 100); do dig +short @"${ADDR[$s]}" -p $PORT live.bench.test | grep -qx 127.0.15.1 && break; sleep 0.1; done
  dig +short @"${ADDR[$s]}" -p $PORT live.bench.test | grep -qx 127.0.15.1 || { echo "$s: live.bench.test is not up"; exit 1; }
done

ECS=$(cat "$W/ecs") # configs.sh wrote it, and the query files
# Which server serves which kind ("-" = not supported there).
supports() {
  case "$1:$2" in
    knot:weighted|knot:geo|knot:failover|knot:subnet|knot:live|knot:mixed) return 1;;
    pdns:geo|pdns:subnet|pdns:live|pdns:mixed) return 1;;
  esac
  return 0
}

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

run_one() { # server kind -> "qps cpu_us_per_query"
  local s=$1 k=$2 pid extra=()
  pid=$(cat "$W/$s.pid")
  case $k in geo|subnet|mixed) extra=(-E "$ECS");; esac
  local t0 t1 out q
  t0=$(ticks "$pid")
  out=$(taskset -c "$CLIENT_CPU" dnsperf -s "${ADDR[$s]}" -p $PORT -d "$W/$k.q" -c "$CLIENTS" -l "$SECS" -q "$OUTSTANDING" "${extra[@]}" -O suppress=timeouts 2>&1)
  t1=$(ticks "$pid")
  q=$(echo "$out" | awk '/Queries completed:/{print $3}')
  local qps; qps=$(echo "$out" | awk '/Queries per second:/{print $4}')
  awk -v q="$q" -v d="$((t1 - t0))" -v hz="$HZ" -v qps="$qps" 'BEGIN{printf "%.0f %.2f\n", qps, (q>0? d*1e6/hz/q : 0)}'
}

# percentiles FILE -> "p50_ms p99_ms" of the latencies (seconds) in FILE.
percentiles() {
  sort -g "$1" | awk '{v[NR]=$1} END{if(NR==0){print "- -"; exit}; printf "%.3f %.3f\n", v[int(NR*0.5)+1]*1000, v[int(NR*0.99)+1]*1000}'
}

lat_one() { # server kind file -> "p50_ms p99_ms" at 20k QPS; the latencies are added to file
  local s=$1 k=$2 f=$3 extra=()
  case $k in geo|subnet|mixed) extra=(-E "$ECS");; esac
  taskset -c "$CLIENT_CPU" dnsperf -s "${ADDR[$s]}" -p $PORT -d "$W/$k.q" -c "$CLIENTS" -l "$LSECS" -Q 20000 -v "${extra[@]}" -O suppress=timeouts 2>/dev/null |
    awk '$1==">" && ($2=="NOERROR" || $2=="NXDOMAIN") {print $NF}' >"$f.round"
  cat "$f.round" >>"$f"
  percentiles "$f.round"
}

KINDS=${KINDS:-"static weighted geo subnet failover live nxdomain mixed"}
SERVERS=${SERVERS:-"gdnsd knot pdns signpost"}
# Set-ups: a = server on CPU 0, dnsperf on CPU 1, 200 queries outstanding;
# b = server on CPU 1, dnsperf on CPU 0, 100 outstanding (the independent
# harness's). Every server is moved, threads and all, before each.
SETUPS=${SETUPS:-"a b"}
setup() {
  case $1 in
    a) SERVER_CPU=0; CLIENT_CPU=1; OUTSTANDING=200;;
    b) SERVER_CPU=1; CLIENT_CPU=0; OUTSTANDING=100;;
  esac
  for s in $SERVERS $REFS; do taskset -a -p -c "$SERVER_CPU" "$(cat "$W/$s.pid")" >/dev/null; done
}
declare -A QPS CPU N CMIN CMAX PMIN PMAX
for r in $(seq "$ROUNDS"); do
 for su in $SETUPS; do
  setup "$su"
  for k in $KINDS; do
    for s in $SERVERS $REFS; do
      supports "$s" "$k" || continue
      key="$su:$s:$k"
      qps=0; cpu=0
      [ "$s" = floor ] || read -r qps cpu < <(run_one "$s" "$k")
      read -r p50 p99 < <(lat_one "$s" "$k" "$W/lat/$key")
      QPS[$key]=$(awk -v a="${QPS[$key]:-0}" -v b="$qps" 'BEGIN{print a+b}')
      CPU[$key]=$(awk -v a="${CPU[$key]:-0}" -v b="$cpu" 'BEGIN{print a+b}')
      PMIN[$key]=$(awk -v a="${PMIN[$key]:-1e9}" -v b="$p99" 'BEGIN{print (b<a)?b:a}')
      PMAX[$key]=$(awk -v a="${PMAX[$key]:-0}" -v b="$p99" 'BEGIN{print (b>a)?b:a}')
      N[$key]=$(( ${N[$key]:-0} + 1 ))
      CMIN[$key]=$(awk -v a="${CMIN[$key]:-1e9}" -v b="$cpu" 'BEGIN{print (b<a)?b:a}')
      CMAX[$key]=$(awk -v a="${CMAX[$key]:-0}" -v b="$cpu" 'BEGIN{print (b>a)?b:a}')
      echo "round $r setup $su $k $s: qps=$qps cpu_us/q=$cpu p50=${p50}ms p99=${p99}ms" >&2
    done
  done
 done
done

avg() { awk -v a="$1" -v n="$2" 'BEGIN{printf "%.2f", a/n}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0 && a!="-") printf "%.2fx", a/b; else print "-" }'; }
printf "\n%-5s %-9s %-9s %9s %7s %12s %11s %7s %9s %9s %7s %13s\n" setup kind server QPS "/gdnsd" "cpu_us/q" "min-max" "/gdnsd" "p50_ms" "p99_ms" "/gdnsd" "rounds' p99"
for su in $SETUPS; do
 for k in $KINDS; do
  for s in $SERVERS $REFS; do
    key="$su:$s:$k"; [ -n "${N[$key]:-}" ] || continue
    g="$su:gdnsd:$k"
    qps=$(avg "${QPS[$key]}" "${N[$key]}"); cpu=$(avg "${CPU[$key]}" "${N[$key]}")
    read -r p50 p99 < <(percentiles "$W/lat/$key")
    gp=-; [ -f "$W/lat/$g" ] && read -r _ gp < <(percentiles "$W/lat/$g")
    gn=${N[$g]:-1}; gq=$(avg "${QPS[$g]:-0}" "$gn"); gc=$(avg "${CPU[$g]:-0}" "$gn")
    cmm="${CMIN[$key]}-${CMAX[$key]}"
    [ "$s" != floor ] || { qps=-; cpu=-; cmm=-; }
    printf "%-5s %-9s %-9s %9s %7s %12s %11s %7s %9s %9s %7s %13s\n" "$su" "$k" "$s" "$qps" "$(ratio "$qps" "$gq")" "$cpu" "$cmm" "$(ratio "$cpu" "$gc")" "$p50" "$p99" "$(ratio "$p99" "$gp")" "${PMIN[$key]}-${PMAX[$key]}"
  done
 done
done
