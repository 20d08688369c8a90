#!/usr/bin/env bash
# Records real loopback traffic into a pcapng file:
#   scripts/record-traffic.sh OUT.pcapng [SECONDS=5] [CONNECTIONS=16]
# CONNECTIONS is wrk's; 0 leaves wrk out for a small capture (a few hundred
# packets a second of curl, TLS and dig).
# nginx (HTTP 200/404/503 and TLS with SNI strato.test, certificate made with
# openssl) and dnsmasq (answers, NXDOMAIN, REFUSED) on random 127.0.0.1 ports,
# driven by wrk, curl and dig, plus a RST from a closed port and ICMP, recorded
# by dumpcap on lo. The ports are named in the capture comment (capinfos -k).
# Everything it starts is stopped on exit.
# Needs root (dumpcap on lo) and the packages of scripts/setup.sh.
set -euo pipefail

OUT=${1:?usage: record-traffic.sh OUT.pcapng [SECONDS] [CONNECTIONS]}
SECONDS_=${2:-5}
CONNS=${3:-16}
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

for prog in nginx dnsmasq dumpcap wrk curl dig openssl; do
  command -v "$prog" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
  command -v "$prog" >/dev/null 2>&1 || { echo "record-traffic: $prog not found (run scripts/setup.sh)" >&2; exit 1; }
done

T=$(mktemp -d /tmp/strato-record-XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "record-traffic: $*" >&2; }
die() { log "$*"; exit 1; }

# Ports tshark dissects as some other protocol would make the oracle
# comparisons of tests depend on chance: skip every port it registers.
tshark -G decodes 2>/dev/null | awk -F'\t' '$1=="tcp.port"||$1=="udp.port"{print $2}' | sort -u >"$T/taken" || true

# A TCP port nobody listens on (bash's /dev/tcp connect fails) in a range
# below the kernel's ephemeral ports, so clients never collide with it.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    grep -qx "$p" "$T/taken" && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p" >>"$T/taken"; echo "$p"; return; fi
  done
}

wait_tcp() {  # port, what
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  die "$2 did not listen on 127.0.0.1:$1"
}

# ---- content ----
mkdir -p "$T/www" "$T/tmp"
cat >"$T/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>strato test server</title></head>
<body><h1>strato</h1><p>Real traffic for tests and benchmarks.</p></body></html>
EOF
printf 'hello from strato\n' >"$T/www/small.txt"
{
  printf '{"items":['
  for i in $(seq 1 50); do printf '{"id":%d,"name":"item-%d","ok":true},' "$i" "$i"; done
  printf '{"id":0}]}\n'
} >"$T/www/medium.json"
head -c 16000 /dev/urandom >"$T/www/large.bin"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=strato.test -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null || die "openssl could not make a certificate"

# ---- nginx ----
HTTP_PORT=$(free_port)
TLS_PORT=$(free_port)
while [ "$TLS_PORT" = "$HTTP_PORT" ]; do TLS_PORT=$(free_port); done
cat >"$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/tmp/body;
  proxy_temp_path $T/tmp/proxy;
  fastcgi_temp_path $T/tmp/fastcgi;
  uwsgi_temp_path $T/tmp/uwsgi;
  scgi_temp_path $T/tmp/scgi;
  types { text/html html; text/plain txt; application/json json; application/octet-stream bin; }
  default_type application/octet-stream;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    listen 127.0.0.1:$TLS_PORT ssl;
    server_name strato.test;
    ssl_certificate $T/cert.pem;
    ssl_certificate_key $T/key.pem;
    root $T/www;
    location = /unavailable { return 503; }
  }
}
EOF
nginx -e "$T/nginx-error.log" -p "$T" -c "$T/nginx.conf" >"$T/nginx.out" 2>&1 &
PIDS+=($!)
wait_tcp "$HTTP_PORT" nginx
wait_tcp "$TLS_PORT" "nginx (TLS)"

# ---- dnsmasq ----
DNS_PORT=""
for attempt in 1 2 3 4 5; do
  p=$(free_port)
  dnsmasq --no-daemon --conf-file=/dev/null --port="$p" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --user=root --pid-file="$T/dnsmasq.pid" \
    --address=/strato.test/10.1.2.3 --address=/strato.test/fd00::1:2:3 \
    --address=/www.strato.test/10.1.2.4 --address=/api.strato.test/10.1.2.5 \
    --address=/blocked.test/ --host-record=mail.strato.test,10.1.2.6 \
    >"$T/dnsmasq.out" 2>&1 &
  dpid=$!
  sleep 0.3
  if kill -0 "$dpid" 2>/dev/null && dig +time=1 +tries=1 @127.0.0.1 -p "$p" strato.test >/dev/null 2>&1; then
    PIDS+=("$dpid"); DNS_PORT=$p; break
  fi
  kill "$dpid" 2>/dev/null || true; wait "$dpid" 2>/dev/null || true
done
[ -n "$DNS_PORT" ] || die "dnsmasq did not start: $(cat "$T/dnsmasq.out")"

CLOSED_PORT=$(free_port)

# ---- capture ----
rm -f "$OUT"
FILTER="host 127.0.0.1 and (port $HTTP_PORT or port $TLS_PORT or port $DNS_PORT or port $CLOSED_PORT or icmp)"
# The ports go into the capture comment (capinfos -k): clients use random
# ephemeral ports, some of which tshark takes for other protocols, so an
# oracle run tells tshark what the servers speak (-d tcp.port==P,http ...).
COMMENT="strato-record-traffic http=$HTTP_PORT tls=$TLS_PORT dns=$DNS_PORT closed=$CLOSED_PORT"
dumpcap -q -i lo -B 256 -f "$FILTER" --capture-comment "$COMMENT" -w "$T/capture.pcapng" >"$T/dumpcap.out" 2>&1 &
DUMPCAP_PID=$!
PIDS+=("$DUMPCAP_PID")
# dumpcap says "Capturing on" before its (large) ring is mapped; the file
# appears once it is, and grows once a packet went through. Probe with UDP
# datagrams to the closed port (answered by ICMP port unreachable).
started=""
for i in $(seq 1 200); do
  kill -0 "$DUMPCAP_PID" 2>/dev/null || die "dumpcap failed: $(cat "$T/dumpcap.out")"
  if [ -f "$T/capture.pcapng" ]; then
    size0=${size0:-$(stat -c %s "$T/capture.pcapng")}
    echo "strato-record-start $i" >"/dev/udp/127.0.0.1/$CLOSED_PORT" 2>/dev/null || true
    if [ "$(stat -c %s "$T/capture.pcapng")" -gt "$size0" ]; then started=1; break; fi
  fi
  sleep 0.05
done
[ -n "$started" ] || die "dumpcap did not start capturing: $(cat "$T/dumpcap.out")"

H="http://127.0.0.1:$HTTP_PORT"
# ---- traffic ----
# A mix of answered, NXDOMAIN-free sinkholed and REFUSED (no upstream) names.
cat >"$T/names.txt" <<EOF
strato.test A
strato.test AAAA
www.strato.test A
api.strato.test A
mail.strato.test A
blocked.test A
example.org A
nothing.invalid A
strato.test MX
strato.test TXT
EOF
dns_round() { dig +time=1 +tries=1 @127.0.0.1 -p "$DNS_PORT" -f "$T/names.txt" >/dev/null 2>&1 || true; }
http_round() {
  curl -s -o /dev/null "$H/" -o /dev/null "$H/small.txt" -o /dev/null "$H/missing" -o /dev/null "$H/unavailable" || true
  curl -s -o /dev/null -X POST --data 'a=1&b=2' "$H/unavailable" || true
  curl -s -o /dev/null -H 'Accept: application/json' "$H/medium.json" || true
}
tls_round() {
  curl -sk -o /dev/null --resolve "strato.test:$TLS_PORT:127.0.0.1" "https://strato.test:$TLS_PORT/small.txt" || true
  curl -sk -o /dev/null --tls-max 1.2 --resolve "strato.test:$TLS_PORT:127.0.0.1" "https://strato.test:$TLS_PORT/" || true
}

dns_round; http_round; tls_round
curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$CLOSED_PORT/" || true   # RST
ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1 || true

cat >"$T/mix.lua" <<'EOF'
-- Mostly small answers, so a capture holds many packets per megabyte.
local paths = { "/", "/small.txt", "/", "/medium.json", "/small.txt", "/missing",
                "/", "/small.txt", "/unavailable", "/small.txt", "/", "/medium.json",
                "/", "/small.txt", "/", "/small.txt", "/missing", "/small.txt",
                "/", "/small.txt", "/unavailable", "/small.txt", "/", "/large.bin" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
EOF
end=$((SECONDS + SECONDS_))
if [ "$CONNS" -gt 0 ]; then
  wrk -t2 -c "$CONNS" -d "${SECONDS_}s" -s "$T/mix.lua" "$H/" >"$T/wrk.out" 2>&1 &
  WRK_PID=$!
  PIDS+=("$WRK_PID")
  while [ "$SECONDS" -lt "$end" ] && kill -0 "$WRK_PID" 2>/dev/null; do
    dns_round; http_round; tls_round
    sleep 0.2
  done
  wait "$WRK_PID" || die "wrk failed: $(cat "$T/wrk.out")"
else
  while [ "$SECONDS" -lt "$end" ]; do
    dns_round; http_round; tls_round
    sleep 0.2
  done
fi
dns_round; http_round

# Let dumpcap drain its buffer before stopping it.
sleep 0.5
kill -INT "$DUMPCAP_PID" 2>/dev/null || true
wait "$DUMPCAP_PID" 2>/dev/null || true
[ -s "$T/capture.pcapng" ] || die "dumpcap wrote nothing: $(cat "$T/dumpcap.out")"
grep -iE "dropped|packets" "$T/dumpcap.out" | sed 's/^/record-traffic: dumpcap: /' >&2 || true
mkdir -p "$(dirname "$OUT")"
mv "$T/capture.pcapng" "$OUT"
log "wrote $OUT (http :$HTTP_PORT, tls :$TLS_PORT, dns :$DNS_PORT, closed :$CLOSED_PORT)"
