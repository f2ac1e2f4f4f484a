#!/usr/bin/env bash
# Writes the benchmark's configuration for every server, and its query
# files, into $1: the same
# zone bench.test. for gdnsd (127.0.0.11), Knot (.12, static names only),
# PowerDNS with LUA records (.13, no geo) and signpost (.14), port 15353.
# Every address served is on loopback. Only the "live" name is probed: a
# TCP check every 2 s (gdnsd's shortest), by gdnsd and signpost alike, of the listeners
# that run.sh starts on 127.0.15.1 and .2, port $LIVE_PORT.
set -euo pipefail
W=$1
PORT=15353
LIVE_PORT=${LIVE_PORT:-18080}

# The static part of the zone, for the servers that read zone files.
STATIC_ZONE=$(cat <<'ZONE'
$ORIGIN bench.test.
@        3600 SOA ns1 hostmaster 1 3600 600 604800 300
@        3600 NS  ns1
ns1      3600 A   127.0.0.1
static   3600 A   127.0.10.1
static   3600 A   127.0.10.2
static   3600 A   127.0.10.3
ZONE
)

# --- gdnsd
mkdir -p "$W/gdnsd/zones" "$W/gdnsd/geoip" "$W/gdnsd/run" "$W/gdnsd/state"
cp "$W/geo.mmdb" "$W/gdnsd/geoip/geo.mmdb"
cat >"$W/gdnsd/config" <<CFG
options => {
  listen => [ 127.0.0.11 ]
  dns_port => $PORT
  run_dir => $W/gdnsd/run
  state_dir => $W/gdnsd/state
}
service_types => {
  live => { plugin => tcp_connect, port => $LIVE_PORT, interval => 2, timeout => 1, up_thresh => 2, down_thresh => 2, ok_thresh => 2 }
}
plugins => {
  weighted => {
    service_types => up
    wres => {
      a1 = [ 127.0.11.1, 1 ]
      a2 = [ 127.0.11.2, 2 ]
      a3 = [ 127.0.11.3, 3 ]
    }
  }
  simplefo => {
    service_types => up
    fores => { primary => 127.0.13.1, secondary => 127.0.13.2 }
    livefo => { service_types => live, primary => 127.0.15.1, secondary => 127.0.15.2 }
  }
  geoip => {
    maps => {
      bycont => {
        geoip2_db => geo.mmdb
        datacenters => [ eu, as, na, other ]
        map => { default => [ other ], EU => [ eu ], AS => [ as ], NA => [ na ] }
      }
      bynet => {
        datacenters => [ inside, other ]
        nets => { 198.51.100.0/24 => [ inside ] }
      }
    }
    resources => {
      geores => {
        map => bycont
        service_types => up
        dcmap => { eu => 127.0.12.1, as => 127.0.12.2, na => 127.0.12.3, other => 127.0.12.4 }
      }
      subres => {
        map => bynet
        service_types => up
        dcmap => { inside => 127.0.14.1, other => 127.0.14.9 }
      }
    }
  }
}
CFG
echo "$STATIC_ZONE" >"$W/gdnsd/zones/bench.test"
cat >>"$W/gdnsd/zones/bench.test" <<'ZONE'
weighted 60   DYNA weighted!wres
geo      60   DYNA geoip!geores
failover 60   DYNA simplefo!fores
subnet   60   DYNA geoip!subres
live     60   DYNA simplefo!livefo
ZONE

# --- Knot (static names; it has no weighted, geo or failover answers)
mkdir -p "$W/knot/db" "$W/knot/run"
echo "$STATIC_ZONE" >"$W/knot/bench.test.zone"
cat >"$W/knot/knot.conf" <<CFG
server:
    listen: 127.0.0.12@$PORT
    rundir: $W/knot/run
database:
    storage: $W/knot/db
log:
  - target: stderr
    any: error
zone:
  - domain: bench.test
    file: $W/knot/bench.test.zone
    journal-content: none
    zonefile-load: whole
CFG

# --- PowerDNS with LUA records (pickwrandom, ifportup-style failover by
# pickwhashed would probe; a static primary stands in)
mkdir -p "$W/pdns/run"
echo "$STATIC_ZONE" >"$W/pdns/bench.test.zone"
cat >>"$W/pdns/bench.test.zone" <<'ZONE'
weighted 60   LUA A "pickwrandom({{1,'127.0.11.1'},{2,'127.0.11.2'},{3,'127.0.11.3'}})"
failover 60   LUA A "pickrandom({'127.0.13.1'})"
ZONE
cat >"$W/pdns/named.conf" <<CFG
zone "bench.test" { type master; file "$W/pdns/bench.test.zone"; };
CFG
cat >"$W/pdns/pdns.conf" <<CFG
launch=bind
bind-config=$W/pdns/named.conf
local-address=127.0.0.13:$PORT
socket-dir=$W/pdns/run
enable-lua-records=shared
loglevel=3
CFG

# --- signpost
mkdir -p "$W/signpost/zones"
cat >"$W/signpost/signpost.yaml" <<CFG
dns:
  listen: ["127.0.0.14:$PORT"]
  raw_udp: ${SIGNPOST_RAW_UDP:-true}
http:
  listen: ""
geoip:
  database: $W/geo.mmdb
log:
  level: warn
healthcheck:
  interval: 2s
  timeout: 1s
  failures: 2
  successes: 2
zones:
  directory: zones
CFG
cat >"$W/signpost/zones/bench.test.yaml" <<'ZONE'
'':
  type: NS
  values: [ns1.bench.test.]
ns1: {type: A, value: 127.0.0.1}
static:
  type: A
  values: [127.0.10.1, 127.0.10.2, 127.0.10.3]
weighted:
  type: A
  ttl: 60
  values: [127.0.11.1, 127.0.11.2, 127.0.11.3]
  dynamic:
    pools:
      w:
        values:
          - {value: 127.0.11.1, weight: 1, status: up}
          - {value: 127.0.11.2, weight: 2, status: up}
          - {value: 127.0.11.3, weight: 3, status: up}
    rules: [{pool: w}]
geo:
  type: A
  ttl: 60
  values: [127.0.12.4]
  dynamic:
    pools:
      eu: {values: [{value: 127.0.12.1, status: up}]}
      as: {values: [{value: 127.0.12.2, status: up}]}
      na: {values: [{value: 127.0.12.3, status: up}]}
      other: {values: [{value: 127.0.12.4, status: up}]}
    rules:
      - {geos: [EU], pool: eu}
      - {geos: [AS], pool: as}
      - {geos: [NA], pool: na}
      - pool: other
failover:
  type: A
  ttl: 60
  values: [127.0.13.2]
  dynamic:
    pools:
      primary: {fallback: secondary, values: [{value: 127.0.13.1, status: up}]}
      secondary: {values: [{value: 127.0.13.2, status: up}]}
    rules: [{pool: primary}]
subnet:
  type: A
  ttl: 60
  values: [127.0.14.9]
  dynamic:
    pools:
      inside: {values: [{value: 127.0.14.1, status: up}]}
      other: {values: [{value: 127.0.14.9, status: up}]}
    rules:
      - {subnets: [198.51.100.0/24], pool: inside}
      - pool: other
live:
  type: A
  ttl: 60
  values: [127.0.15.2]
  octodns:
    healthcheck: {protocol: TCP, port: LIVE_PORT}
  dynamic:
    pools:
      primary: {fallback: secondary, values: [{value: 127.0.15.1}]}
      secondary: {values: [{value: 127.0.15.2}]}
    rules: [{pool: primary}]
ZONE
sed -i "s/LIVE_PORT/$LIVE_PORT/" "$W/signpost/zones/bench.test.yaml"

# Query files, one per kind. Geo, subnet and mixed queries carry ECS from
# 198.51.100.0/24 (EU in geo.mmdb, inside the subnet rule).
echo "static.bench.test A" >"$W/static.q"
echo "weighted.bench.test A" >"$W/weighted.q"
echo "geo.bench.test A" >"$W/geo.q"
echo "failover.bench.test A" >"$W/failover.q"
echo "subnet.bench.test A" >"$W/subnet.q"
echo "live.bench.test A" >"$W/live.q"
for i in $(seq 100); do echo "nx$i.bench.test A"; done >"$W/nxdomain.q"
# One file mixing every kind, as a resolver's traffic would (sent with
# ECS, so the geo name is steered).
for i in $(seq 20); do
  printf 'static.bench.test A\nweighted.bench.test A\ngeo.bench.test A\nfailover.bench.test A\nsubnet.bench.test A\nlive.bench.test A\nnx%s.bench.test A\n' "$i"
done >"$W/mixed.q"
echo "8:00011800c63364" >"$W/ecs" # dnsperf -E: ECS from 198.51.100.0/24
