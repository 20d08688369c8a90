#!/bin/sh
# Records DNS (UDP and TCP), HTTP/1.1 (keep-alive, large bodies, requests
# split over several segments, chunked) and TLS 1.2/1.3 on 127.0.0.1 into $1.
# Everything started here is stopped on exit.
set -eu
out=$1
work=$(mktemp -d /tmp/strato-apptraffic-XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for i in $(seq 1 100); do nc -z 127.0.0.1 "$1" 2>/dev/null && return 0; sleep 0.05; done; python3 - "$1" <<'PY'
import socket,sys,time
for i in range(100):
    try:
        socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close(); sys.exit(0)
    except OSError: time.sleep(0.05)
sys.exit(1)
PY
}

HTTP=$(port); TLS=$(port); DNS=$(port)

# --- content
mkdir -p "$work/www"
printf 'ok\n' > "$work/www/small.txt"
python3 -c 'import sys; sys.stdout.write("".join("line %06d of a long text body\n" % i for i in range(12000)))' > "$work/www/big.txt"
printf '{"a": 1}\n' > "$work/www/data.json"
head -c 3000 /dev/urandom > "$work/www/blob.bin"
printf 'not a document' > "$work/www/doc.pdf"
chmod -R a+rX "$work"  # nginx workers run as an unprivileged user

# --- nginx
cat > "$work/nginx.conf" <<NG
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 64; }
http {
  access_log off;
  types { text/plain txt; application/json json; text/html html; application/octet-stream bin; application/pdf pdf; }
  server {
    listen 127.0.0.1:$HTTP;
    root $work/www;
    location /chunked { chunked_transfer_encoding on; gzip off; return 200 "chunky\n"; }
    location /redirect { return 302 /small.txt; }
  }
}
NG
nginx -c "$work/nginx.conf" -p "$work" & pids="$pids $!"

# --- dnsmasq: answers from its own records only
dnsmasq --no-daemon --port="$DNS" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
  --pid-file="$work/dnsmasq.pid" \
  --address=/api.app.test/10.9.8.7 --host-record=v6.app.test,10.9.8.6,fd00::6 \
  --cname=alias.app.test,api.app.test --mx-host=app.test,mail.app.test,10 \
  --txt-record=app.test,"hello world","second string" --srv-host=_http._tcp.app.test,web.app.test,80,1,5 \
  --ptr-record=7.8.9.10.in-addr.arpa,api.app.test 2>"$work/dnsmasq.err" & pids="$pids $!"

# --- TLS server (openssl), self-signed cert with SAN
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
  -subj "/CN=app.test/O=Strato Tests" -addext "subjectAltName=DNS:app.test" >/dev/null 2>&1
openssl s_server -quiet -accept "$TLS" -cert "$work/cert.pem" -key "$work/key.pem" -www >/dev/null 2>&1 & pids="$pids $!"

wait_port "$HTTP"; wait_port "$TLS"; sleep 0.3

# DNS over TCP is only recognised on port 53: a second dnsmasq there, on a
# loopback address of its own, when we may bind it.
DNS53=127.83.53.1
dnsmasq --no-daemon --port=53 --listen-address=$DNS53 --bind-interfaces --no-resolv --no-hosts \
  --pid-file="$work/dnsmasq53.pid" --address=/api.app.test/10.9.8.7 --host-record=v6.app.test,10.9.8.6,fd00::6 \
  --mx-host=app.test,mail.app.test,10 --txt-record=app.test,"$(python3 -c 'print("t" * 200)')","second string" \
  2>"$work/dnsmasq53.err" & pids="$pids $!"

dumpcap -q -i lo -f "port $HTTP or port $TLS or port $DNS or (host $DNS53 and port 53)" -w "$out" 2>"$work/dumpcap.err" & dc=$!
pids="$pids $dc"
sleep 1

# DNS over UDP and TCP
for q in "api.app.test A" "v6.app.test AAAA" "alias.app.test A" "app.test MX" "app.test TXT" \
         "_http._tcp.app.test SRV" "-x 10.9.8.7" "nosuch.app.test A"; do
  dig @127.0.0.1 -p "$DNS" +tries=1 +time=2 $q >/dev/null || true
done

# DNS over TCP in awkward pieces (TCP_NODELAY): a length prefix alone, a
# query in three sends, two queries in one send; answers read in full.
python3 - "$DNS53" <<'PY' || true
import socket, struct, sys, time
def query(ident, name, qtype):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack("!HH", qtype, 1)
    m = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q
    return struct.pack("!H", len(m)) + m
def answers(s, n):
    data = b""
    for _ in range(n):
        while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
            chunk = s.recv(65536)
            if not chunk: return
            data += chunk
        data = data[2 + struct.unpack("!H", data[:2])[0]:]
try:
    s = socket.create_connection((sys.argv[1], 53), 2)
except OSError:
    sys.exit(0)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.settimeout(2)
a = query(0x7101, "api.app.test", 1)
s.sendall(a[:2]); time.sleep(0.05); s.sendall(a[2:]); answers(s, 1)
b = query(0x7102, "app.test", 16)
for part in (b[:5], b[5:15], b[15:]):
    s.sendall(part); time.sleep(0.05)
answers(s, 1)
s.sendall(query(0x7103, "v6.app.test", 28) + query(0x7104, "app.test", 15)); answers(s, 2)
s.close()
PY
dig @$DNS53 +tcp +tries=1 +time=2 app.test TXT >/dev/null 2>&1 || true

# HTTP: keep-alive with several requests, a large body, 404, redirect, chunked, POST
curl -s -o /dev/null -o /dev/null -o /dev/null "http://127.0.0.1:$HTTP/small.txt" "http://127.0.0.1:$HTTP/data.json" \
  "http://127.0.0.1:$HTTP/missing"
curl -s -o /dev/null "http://127.0.0.1:$HTTP/big.txt"
curl -s -o /dev/null -o /dev/null "http://127.0.0.1:$HTTP/blob.bin" "http://127.0.0.1:$HTTP/doc.pdf"
curl -s -o /dev/null "http://127.0.0.1:$HTTP/redirect"
curl -s -o /dev/null "http://127.0.0.1:$HTTP/chunked"
curl -s -o /dev/null -d 'name=value&x=1' "http://127.0.0.1:$HTTP/small.txt"
# A request whose headers and body arrive in several segments.
python3 - "$HTTP" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
body = b"k=" + b"v" * 40
for part in [b"POST /small.txt HTTP/1.1\r\nHost: split.app.test\r\n", b"User-Agent: splitter/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n",
             b"Content-Length: %d\r\n\r\n" % len(body), body[:10], body[10:]]:
    s.sendall(part); time.sleep(0.05)
data = b""
s.settimeout(2)
try:
    while b"\r\n\r\n" not in data: data += s.recv(65536)
except OSError: pass
s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: split.app.test\r\nConnection: close\r\n\r\n")
try:
    while s.recv(65536): pass
except OSError: pass
s.close()
PY

# TLS 1.2 and 1.3 with SNI and ALPN
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$TLS" -servername app.test \
  -tls1_2 -alpn http/1.1 >/dev/null 2>&1 || true
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$TLS" -servername app.test \
  -tls1_3 >/dev/null 2>&1 || true

sleep 1
kill "$dc" 2>/dev/null || true
wait "$dc" 2>/dev/null || true
echo "http=$HTTP tls=$TLS dns=$DNS"
