#!/usr/bin/env bash
# CPU per packet of a packet capture under a fixed load, strato against
# tcpdump in the same run. Under wrk (bench/capture.sh) both tools compete
# with the workload for the CPUs and req/s moves 5% between rounds; here an
# iperf3 UDP stream on lo at a fixed rate leaves CPU free, and the
# capturing process's CPU time (every thread, from /proc/PID/task/*/schedstat,
# in ns) is divided by the packets it captured. That figure still moves by
# up to 10% between runs here (where the threads land), so compare best of
# several; it has no workload contention in it and shows strato's user side
# on its own. Not a test: nothing asserts on time.
#   bench/capture_cpu.sh   (as root; REPS=3 RATE=300M LEN=200 SECS=4
#                           OUT=/dev/null STRATO=build/strato)
# OUT is where both write their file: /dev/null leaves the page cache out
# (its cost depends on how warm the VM's memory is); a path puts it in.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRATO=${STRATO:-$ROOT/build/strato}
REPS=${REPS:-3}
RATE=${RATE:-300M}
LEN=${LEN:-200}
SECS=${SECS:-4}
OUT=${OUT:-/dev/null}
PATH=$PATH:/usr/sbin:/sbin

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (eBPF, tcpdump on lo): run it with sudo"
[ -x "$STRATO" ] || die "$STRATO not found: build first (scripts/setup.sh) or set STRATO"
for p in tcpdump iperf3; do command -v "$p" >/dev/null || die "$p not found: apt-get install tcpdump iperf3"; done

T=$(mktemp -d /tmp/strato-bench-cpu-XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=ports.sh
. "$ROOT/bench/ports.sh"
PORT=$(free_port)
iperf3 -s -p "$PORT" >"$T/iperf3-server.out" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
[ "$i" -lt 100 ] || die "iperf3 server did not listen on 127.0.0.1:$PORT: $(cat "$T/iperf3-server.out")"

cpu_ns() {  # every thread's run time of a live process, in ns
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}

# run KEY READY_REGEX CMD...: starts the capture, measures its CPU over one
# iperf3 stream, stops it with SIGINT. Sets NS (CPU ns) and ERR (its stderr file).
NS=0 ERR=
run() {
  local key=$1 ready=$2 i pid c0 c1; shift 2
  ERR=$T/$key.err
  "$@" 2>"$ERR" >/dev/null &
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 300; i++)); do
    grep -qE "$ready" "$ERR" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || die "$key exited at start: $(head -c 400 "$ERR")"
    sleep 0.1
  done
  c0=$(cpu_ns "$pid")
  iperf3 -c 127.0.0.1 -p "$PORT" -u -b "$RATE" -l "$LEN" -t "$SECS" >"$T/iperf3.out" 2>&1 || die "iperf3 failed: $(tail -c 300 "$T/iperf3.out")"
  sleep 0.5  # the last records reach the file
  c1=$(cpu_ns "$pid")
  kill -INT "$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "$key still running 30 s after SIGINT"
  wait "$pid" || log "$key exited with $?: $(tail -c 300 "$ERR")"
  NS=$((c1 - c0))
}

per() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "-" }'; }
declare -A BEST PKTS
for ((r = 1; r <= REPS; r++)); do
  run tcpdump 'listening on' tcpdump -i lo -w "$OUT" "udp port $PORT"
  n=$(awk '/packets captured/ {print $1}' "$ERR")
  x=$(per "$NS" "$n")
  log "round $r tcpdump: $n packets, $((NS / 1000000)) ms CPU, $x ns a packet"
  if [ -z "${BEST[tcpdump]:-}" ] || [ "$x" -lt "${BEST[tcpdump]}" ]; then BEST[tcpdump]=$x; PKTS[tcpdump]=$n; fi

  run strato 'Capturing on' "$STRATO" capture -i lo -w "$OUT" -q -f "udp port $PORT"
  n=$(awk '/events captured/ {print $1}' "$ERR")
  x=$(per "$NS" "$n")
  log "round $r strato: $n packets, $((NS / 1000000)) ms CPU, $x ns a packet; $(grep 'events captured' "$ERR")"
  if [ -z "${BEST[strato]:-}" ] || [ "$x" -lt "${BEST[strato]}" ]; then BEST[strato]=$x; PKTS[strato]=$n; fi
done

echo
echo "CPU of the capturing process per packet captured: iperf3 UDP on lo, $RATE bit/s of $LEN-byte datagrams for $SECS s, file $OUT, best of $REPS, $(nproc) cores"
echo
echo "| capture | packets | CPU per packet | against tcpdump |"
echo "|---|---|---|---|"
echo "| tcpdump -i lo -w F 'udp port P' | ${PKTS[tcpdump]} | ${BEST[tcpdump]} ns | 1.00x |"
echo "| strato capture -i lo -w F -q -f 'udp port P' | ${PKTS[strato]} | ${BEST[strato]} ns | $(awk -v a="${BEST[strato]}" -v b="${BEST[tcpdump]}" 'BEGIN { printf "%.2fx", a / b }') |"
