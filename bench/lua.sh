#!/usr/bin/env bash
# Lua dissector benchmark: the test dissectors of tests/lua/dissectors/ run
# by strato (--threads 2) and by tshark on the same generated capture, in the
# same run. Prints a markdown table with the speed-up and whether both tools
# printed the same lines. Not a test: nothing here asserts on time. A strato
# failure is printed and the table still comes out.
#   bench/lua.sh            (REPS=2 PACKETS=240000 STRATO=build/strato THREADS=2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRATO=${STRATO:-$ROOT/build/strato}
REPS=${REPS:-2}
PACKETS=${PACKETS:-240000}
THREADS=${THREADS:-2}
DATA=$ROOT/bench/.data
CAP=$DATA/lua-protocols.pcap
DISS=$ROOT/tests/lua/dissectors

log() { echo "bench: $*" >&2; }
for p in tshark capinfos python3 /usr/bin/time; do
  command -v "$p" >/dev/null || { log "$p not found: run scripts/setup.sh"; exit 1; }
done
[ -x "$STRATO" ] || log "$STRATO not found: strato columns will say error (build first)"

packets() { capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/ {print $NF}'; }

# Generated once (Ethernet/IPv4/UDP+TCP with real checksums, TCP streams
# whose messages are cut and packed) and kept in bench/.data/ (gitignored).
mkdir -p "$DATA"
if [ ! -s "$CAP" ] || [ "$(packets "$CAP")" -lt "$PACKETS" ]; then
  log "generating $PACKETS packets into $CAP"
  python3 "$ROOT/tests/lua/traffic/make_bench_pcap.py" "$CAP.tmp" "$PACKETS"
  mv "$CAP.tmp" "$CAP"
fi
NPKT=$(packets "$CAP")
SIZE=$(du -m "$CAP" | cut -f1)
log "capture: $CAP, $NPKT packets, ${SIZE} MB"

# measure KEY COMMAND: best wall time of REPS runs (s) and peak RSS (KB).
# The output of the last run is kept in $DATA/KEY.out for the comparison.
declare -A TIME RSS LINES
measure() {
  local key=$1 cmd=$2 best="" rss=0 i t0 t1 m t
  for ((i = 0; i < REPS; i++)); do
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$DATA/rss" bash -c "$cmd" >"$DATA/$key.out" 2>"$DATA/err"; then
      log "$key failed: $(grep -v '^Command exited' "$DATA/err" | head -c 300)"
      TIME[$key]=error; RSS[$key]=0; LINES[$key]=-
      return 0
    fi
    t1=$EPOCHREALTIME
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    m=$(tail -1 "$DATA/rss")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  TIME[$key]=$best
  RSS[$key]=$rss
  LINES[$key]=$(wc -l <"$DATA/$key.out")
  log "$key: ${best}s, $((rss / 1024)) MB, ${LINES[$key]} lines"
}

q() { printf "'%s'" "$1"; }
declare -A FIELDS=(
  [telemetry]="-e frame.number -e tlm.type -e tlm.seq -e tlm.temperature -e tlm.counter -e tlm.label"
  [lpm_tcp_pdus]="-e frame.number -e lpm.type -e lpm.id -e lpm.length -e lpm.number"
  [lpx_desegment]="-e frame.number -e lpx.type -e lpx.id -e lpx.length -e lpx.number"
)
ORDER="telemetry lpm_tcp_pdus lpx_desegment"
for s in $ORDER; do
  args="-n -r $(q "$CAP") -X lua_script:$(q "$DISS/$s.lua") -T fields ${FIELDS[$s]}"
  measure "tshark.$s" "tshark $args"
  measure "strato.$s" "$(q "$STRATO") read $args --threads $THREADS"
done

ratio() {  # how many times faster A is than B
  local a=${TIME[$1]:-error} b=${TIME[$2]:-error}
  if [ "$a" = error ] || [ "$b" = error ]; then echo "-"; else awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }'; fi
}
mb() { [ -n "${RSS[$1]:-}" ] && [ "${RSS[$1]}" != 0 ] && echo "$((RSS[$1] / 1024))" || echo "-"; }
same() {
  [ "${TIME[strato.$1]}" = error ] && { echo "-"; return; }
  cmp -s "$DATA/tshark.$1.out" "$DATA/strato.$1.out" && echo yes || echo "NO"
}

echo
echo "Lua dissectors: strato --threads $THREADS vs tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}') on $NPKT packets (${SIZE} MB, generated TLM/LPM/LPX), $(nproc) cores, best of $REPS"
echo
echo "| script | strato s | tshark s | speed-up | strato MB | tshark MB | lines strato / tshark | same output |"
echo "|---|---|---|---|---|---|---|---|"
for s in $ORDER; do
  echo "| $s.lua | ${TIME[strato.$s]} | ${TIME[tshark.$s]} | $(ratio "strato.$s" "tshark.$s") | $(mb "strato.$s") | $(mb "tshark.$s") | ${LINES[strato.$s]} / ${LINES[tshark.$s]} | $(same "$s") |"
done
echo
echo "Speed-up: tshark's time divided by strato's (target: 5x). Fields: ${FIELDS[telemetry]} (and the like for lpm/lpx)."
for s in $ORDER; do rm -f "$DATA/tshark.$s.out" "$DATA/strato.$s.out"; done
rm -f "$DATA/err" "$DATA/rss"
