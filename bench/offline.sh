#!/usr/bin/env bash
# Offline read benchmark: strato against tshark and tcpdump on one large capture
# of real loopback traffic. Prints a markdown table. Not a test: nothing here
# asserts on time. See bench/README.md.
#   bench/offline.sh            (REPS=3 MIN_PACKETS=400000 STRATO=build/strato)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRATO=${STRATO:-$ROOT/build/strato}
REPS=${REPS:-3}
MIN_PACKETS=${MIN_PACKETS:-400000}
DATA=$ROOT/bench/.data
CAP=$DATA/traffic.pcapng

log() { echo "bench: $*" >&2; }
[ -x "$STRATO" ] || { log "$STRATO not found: build first (scripts/setup.sh)"; exit 1; }
for p in tshark tcpdump capinfos mergecap /usr/bin/time; do
  command -v "$p" >/dev/null || { log "$p not found: run scripts/setup.sh"; exit 1; }
done

packets() { capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/ {print $NF}'; }

# The capture is recorded once and kept in bench/.data/ (gitignored); it is
# recorded again, longer, while it holds fewer than MIN_PACKETS packets.
mkdir -p "$DATA"
secs=4
while [ ! -s "$CAP" ] || [ "$(packets "$CAP")" -lt "$MIN_PACKETS" ]; do
  [ "$secs" -le 64 ] || { log "could not record $MIN_PACKETS packets"; exit 1; }
  log "recording ${secs}s of traffic into $CAP"
  bash "$ROOT/scripts/record-traffic.sh" "$CAP.tmp" "$secs" 8
  mv "$CAP.tmp" "$CAP"
  secs=$((secs * 2))
done
NPKT=$(packets "$CAP")
SIZE=$(du -m "$CAP" | cut -f1)
log "capture: $CAP, $NPKT packets, ${SIZE} MB"

# measure KEY COMMAND: best wall time of REPS runs (s) and the peak RSS of the
# whole command (KB, largest over the runs). Results in TIME[KEY], RSS[KEY].
declare -A TIME RSS LINES
measure() {
  local key=$1 cmd=$2 best="" rss=0 i t0 t1 m
  for ((i = 0; i < REPS; i++)); do
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$DATA/rss" bash -c "$cmd" >"$DATA/out" 2>"$DATA/err"; then
      log "$key failed: $(head -c 300 "$DATA/err")"
      TIME[$key]=error; RSS[$key]=0; LINES[$key]=-
      return
    fi
    t1=$EPOCHREALTIME
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    m=$(tail -1 "$DATA/rss")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  TIME[$key]=$best
  RSS[$key]=$rss
  LINES[$key]=$(wc -l <"$DATA/out")
  log "$key: ${best}s, $((rss / 1024)) MB, ${LINES[$key]} lines"
}

q() { printf "'%s'" "$1"; }
S="$(q "$STRATO") read -r $(q "$CAP")"
T="tshark -r $(q "$CAP")"
FIELDS="-T fields -e frame.number -e ip.src -e ip.dst -e tcp.srcport -e http.request.uri"
FILTER="-Y 'http.response.code == 200' -T fields -e frame.number"

measure strato.summary "$S"
measure strato1.summary "$S --threads 1"
measure tshark.summary "$T"
measure tcpdump.summary "tcpdump -nn -r $(q "$CAP")"
measure strato.fields "$S $FIELDS"
measure tshark.fields "$T $FIELDS"
measure strato.filter "$S $FILTER | wc -l"
measure tshark.filter "$T $FILTER | wc -l"
# The counts themselves, for the table (the timed runs print only wc's line).
FCOUNT_S=$(bash -c "$S $FILTER" 2>/dev/null | wc -l || true)
FCOUNT_T=$(bash -c "$T $FILTER" 2>/dev/null | wc -l || true)
measure strato.phs "$S -q -z io,phs"
measure tshark.phs "$T -q -z io,phs"

# Memory on a file over 1 GB: the capture appended to itself (mergecap -a)
# until it is that large. Only strato and tcpdump: tshark's RSS grows with
# the file (it keeps every frame's state), which the table above shows.
BIG=$DATA/traffic-1g.pcapng
if [ ! -s "$BIG" ] || [ "$(du -m "$BIG" | cut -f1)" -lt 1024 ]; then
  copies=$(( (1024 + SIZE - 1) / SIZE + 1 ))
  log "building $BIG from $copies copies"
  args=(); for ((i = 0; i < copies; i++)); do args+=("$CAP"); done
  mergecap -a -w "$BIG" "${args[@]}"
fi
BIGMB=$(du -m "$BIG" | cut -f1)
measure strato.big "$(q "$STRATO") read -r $(q "$BIG") >/dev/null"
measure tcpdump.big "tcpdump -nn -r $(q "$BIG") >/dev/null"

ratio() {  # how many times faster A is than B
  local a=${TIME[$1]:-error} b=${TIME[$2]:-error}
  if [ "$a" = error ] || [ "$b" = error ]; then echo "-"; else awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }'; fi
}
mb() { [ -n "${RSS[$1]:-}" ] && [ "${RSS[$1]}" != 0 ] && echo "$((RSS[$1] / 1024))" || echo "-"; }
t() { echo "${TIME[$1]:--}"; }

echo
echo "strato vs tshark $(tshark --version | head -1 | awk '{print $3}') vs tcpdump on $NPKT packets (${SIZE} MB) of loopback HTTP/DNS/TLS, $(nproc) cores, best of $REPS"
echo
echo "| test | strato s | tshark s | tcpdump s | speed-up vs tshark | speed-up vs tcpdump | strato MB | tshark MB | tcpdump MB | lines strato / tshark |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "| (a) summary lines | $(t strato.summary) | $(t tshark.summary) | $(t tcpdump.summary) | $(ratio strato.summary tshark.summary) | $(ratio strato.summary tcpdump.summary) | $(mb strato.summary) | $(mb tshark.summary) | $(mb tcpdump.summary) | ${LINES[strato.summary]} / ${LINES[tshark.summary]} |"
echo "| (a) summary, strato --threads 1 | $(t strato1.summary) | $(t tshark.summary) | $(t tcpdump.summary) | $(ratio strato1.summary tshark.summary) | $(ratio strato1.summary tcpdump.summary) | $(mb strato1.summary) | $(mb tshark.summary) | $(mb tcpdump.summary) | ${LINES[strato1.summary]} / ${LINES[tshark.summary]} |"
echo "| (b) -T fields, 5 fields | $(t strato.fields) | $(t tshark.fields) | - | $(ratio strato.fields tshark.fields) | - | $(mb strato.fields) | $(mb tshark.fields) | - | ${LINES[strato.fields]} / ${LINES[tshark.fields]} |"
echo "| (c) -Y 'http.response.code == 200' count | $(t strato.filter) | $(t tshark.filter) | - | $(ratio strato.filter tshark.filter) | - | $(mb strato.filter) | $(mb tshark.filter) | - | $FCOUNT_S / $FCOUNT_T ($([ "$FCOUNT_S" = "$FCOUNT_T" ] && echo matches || echo DIFFER)) |"
echo "| (d) -q -z io,phs | $(t strato.phs) | $(t tshark.phs) | - | $(ratio strato.phs tshark.phs) | - | $(mb strato.phs) | $(mb tshark.phs) | - | ${LINES[strato.phs]} / ${LINES[tshark.phs]} |"
echo "| (e) summary lines, ${BIGMB} MB file | $(t strato.big) | - | $(t tcpdump.big) | - | $(ratio strato.big tcpdump.big) | $(mb strato.big) | - | $(mb tcpdump.big) | - |"
echo
echo "Speed-up: the other tool's time divided by strato's (above 1: strato is faster). MB: peak RSS (/usr/bin/time %M)."
rm -f "$DATA/out" "$DATA/err" "$DATA/rss"
