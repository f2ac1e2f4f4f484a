#!/usr/bin/env bash
# A/B: gdnsd and several signpost builds side by side, interleaved round by
# round, on one kind of query (run.sh's zone and query files). For choosing
# between two versions of the UDP path, where run.sh compares one build
# with the peers.
#   bash bench/dns/ab.sh BINARY...     (build each with go build -o)
#   MODE=lat: p50/p99/p99.9 at a fixed 20k QPS (the default);
#   MODE=cpu: server CPU µs per query at saturation.
#   ROUNDS (5), KIND (static; any of run.sh's), SETUP (b: servers on CPU 1,
#   dnsperf on CPU 0, 100 outstanding; a: the other way round, 200),
#   SECONDS_PER_RUN (4). Prints each round, then min–max per server.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: bench/dns/ab.sh BINARY..." >&2; exit 2; }
MODE=${MODE:-lat}; ROUNDS=${ROUNDS:-5}; KIND=${KIND:-static}; SECS=${SECONDS_PER_RUN:-4}
case ${SETUP:-b} in
  a) SCPU=0; CCPU=1; Q=200;;
  *) SCPU=1; CCPU=0; Q=100;;
esac
W=$(mktemp -d /tmp/signpost-dnsab.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
if ! command -v dnsperf >/dev/null || ! command -v gdnsd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnsperf gdnsd >/dev/null
fi
go run ./bench/dns/mkgeo "$W/geo.mmdb"
bash bench/dns/configs.sh "$W"
for ip in 127.0.15.1 127.0.15.2; do # the live name's backends
  python3 -m http.server "${LIVE_PORT:-18080}" --bind "$ip" >/dev/null 2>&1 &
  PIDS+=($!)
done

# Servers: gdnsd on .11 as in run.sh, build i on 127.0.0.(20+i).
NAMES=(gdnsd); ADDRS=(127.0.0.11)
taskset -c "$SCPU" gdnsd -c "$W/gdnsd" start >"$W/gdnsd.log" 2>&1 &
PIDS+=($!); SPIDS=($!)
i=0
for bin in "$@"; do
  i=$((i + 1)); ip=127.0.0.$((20 + i)); d="$W/sp$i"
  mkdir -p "$d" && cp -r "$W/signpost/zones" "$d/"
  sed "s/127.0.0.14/$ip/" "$W/signpost/signpost.yaml" >"$d/signpost.yaml"
  (cd "$d" && exec taskset -c "$SCPU" "$(realpath "$bin")" serve --config signpost.yaml >"$d/log" 2>&1) &
  PIDS+=($!); SPIDS+=($!); NAMES+=("$i:$(basename "$bin")"); ADDRS+=("$ip")
done
for j in "${!ADDRS[@]}"; do
  for _ in $(seq 100); do dig +short @"${ADDRS[$j]}" -p 15353 live.bench.test | grep -qx 127.0.15.1 && break; sleep 0.1; done
  dig +short @"${ADDRS[$j]}" -p 15353 live.bench.test | grep -qx 127.0.15.1 || { echo "${NAMES[$j]} did not start"; exit 1; }
  taskset -a -p -c "$SCPU" "${SPIDS[$j]}" >/dev/null
done

ECS=$(cat "$W/ecs")
extra=(); case $KIND in geo|subnet|mixed) extra=(-E "$ECS");; esac
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

one() { # index -> one result line
  local j=$1 t0 t1 out q
  if [ "$MODE" = cpu ]; then
    t0=$(ticks "${SPIDS[$j]}")
    out=$(taskset -c "$CCPU" dnsperf -s "${ADDRS[$j]}" -p 15353 -d "$W/$KIND.q" -c 4 -l "$SECS" -q "$Q" "${extra[@]}" -O suppress=timeouts 2>&1)
    t1=$(ticks "${SPIDS[$j]}")
    q=$(echo "$out" | awk '/Queries completed:/{print $3}')
    awk -v q="$q" -v d="$((t1 - t0))" -v hz="$HZ" 'BEGIN{printf "%.2f\n", d*1e6/hz/q}'
  else
    taskset -c "$CCPU" dnsperf -s "${ADDRS[$j]}" -p 15353 -d "$W/$KIND.q" -c 4 -l "$SECS" -Q 20000 -v "${extra[@]}" -O suppress=timeouts 2>/dev/null |
      awk '$1==">" && ($2=="NOERROR" || $2=="NXDOMAIN") {print $NF}' | sort -g |
      awk '{v[NR]=$1} END{printf "%.3f %.3f %.3f\n", v[int(NR*0.5)+1]*1000, v[int(NR*0.99)+1]*1000, v[int(NR*0.999)+1]*1000}'
  fi
}
declare -A ALL
for r in $(seq "$ROUNDS"); do
  for j in "${!ADDRS[@]}"; do
    res=$(one "$j")
    echo "round $r ${NAMES[$j]}: $res" >&2
    ALL[$j]="${ALL[$j]:-} $(echo "$res" | awk -v m="$MODE" '{print (m=="cpu") ? $1 : $2}')"
  done
done
what=$([ "$MODE" = cpu ] && echo "server CPU µs/query" || echo "p99 ms at 20k QPS")
echo "$KIND, set-up ${SETUP:-b}, $ROUNDS rounds: $what, min-max (median)"
for j in "${!ADDRS[@]}"; do
  echo "${ALL[$j]}" | tr ' ' '\n' | grep . | sort -g |
    awk -v n="${NAMES[$j]}" '{v[NR]=$1} END{printf "  %-24s %s-%s (%s)\n", n, v[1], v[NR], v[int((NR+1)/2)]}'
done
