#!/usr/bin/env bash
# Batch reprocessing benchmark: `strato batch` over ~1 GB of zstd-compressed
# pcapng archives of real loopback traffic, against `zstdcat F | tshark -r -
# -Y ...` over the same files in the same run, and strato's scaling from
# --jobs 1 to --jobs 2. Prints a markdown table. Not a test. See bench/README.md.
#   bench/batch.sh      (REPS=1 TARGET_MB=1024 STRATO=build/strato)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRATO=${STRATO:-$ROOT/build/strato}
REPS=${REPS:-1}
TARGET_MB=${TARGET_MB:-1024}   # uncompressed pcapng spread over the archives
DATA=${DATA:-$ROOT/bench/.data}
CAP=$DATA/traffic.pcapng
ARCH=$DATA/archives

log() { echo "bench: $*" >&2; }
[ -x "$STRATO" ] || { log "$STRATO not found: build first (scripts/setup.sh)"; exit 1; }
for p in tshark editcap mergecap capinfos zstd zstdcat; do
  command -v "$p" >/dev/null || { log "$p not found: run scripts/setup.sh"; exit 1; }
done
packets() { capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/ {print $NF}'; }

# Real traffic: bench/offline.sh's capture when it exists, else recorded now.
mkdir -p "$DATA"
if [ ! -s "$CAP" ]; then
  log "recording 8s of traffic into $CAP"
  bash "$ROOT/scripts/record-traffic.sh" "$CAP.tmp" 8 8
  mv "$CAP.tmp" "$CAP"
fi

# The archives: the capture repeated up to TARGET_MB, cut into ~50k-packet
# files as a ring buffer would, each compressed with zstd. Built once.
if [ ! -s "$ARCH/.done-$TARGET_MB" ]; then
  rm -rf "$ARCH"; mkdir -p "$ARCH/cut"
  size=$(du -m "$CAP" | cut -f1); copies=$(( (TARGET_MB + size - 1) / size ))
  log "building $ARCH: $copies copies of $CAP, split and zstd-compressed"
  args=(); for ((i = 0; i < copies; i++)); do args+=("$CAP"); done
  mergecap -a -w "$ARCH/all.pcapng" "${args[@]}"
  editcap -c 50000 "$ARCH/all.pcapng" "$ARCH/cut/archive.pcapng"
  rm "$ARCH/all.pcapng"
  i=0
  for f in "$ARCH"/cut/*; do
    d=$ARCH/day$((i % 3)); mkdir -p "$d"
    zstd -q --rm -o "$d/$(basename "$f").zst" "$f"
    i=$((i + 1))
  done
  rmdir "$ARCH/cut"
  touch "$ARCH/.done-$TARGET_MB"
fi
FILES=$(find "$ARCH" -name '*.pcapng.zst' | sort)
NFILES=$(echo "$FILES" | wc -l)
ZMB=$(du -cm $FILES | tail -1 | cut -f1)
log "archives: $NFILES files, $ZMB MB compressed"

FILTER='http.response.code == 200'
FIELDS='-T fields -e frame.number -e ip.src -e http.request.uri'

declare -A TIME LINES
measure() {  # KEY COMMAND: best wall time of REPS runs, output lines
  local key=$1 cmd=$2 best="" i t0 t1 t
  for ((i = 0; i < REPS; i++)); do
    t0=$EPOCHREALTIME
    if ! bash -c "$cmd" >"$DATA/out" 2>"$DATA/err"; then
      log "$key failed: $(head -c 300 "$DATA/err")"; TIME[$key]=error; LINES[$key]=-; return
    fi
    t1=$EPOCHREALTIME
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  TIME[$key]=$best; LINES[$key]=$(wc -l <"$DATA/out")
  log "$key: ${best}s, ${LINES[$key]} lines"
}

B="'$STRATO' batch '$ARCH/**/*.pcapng.zst' --progress-interval 0"
measure strato.j2.filter "$B --jobs 2 -Y '$FILTER' $FIELDS"
measure strato.j1.filter "$B --jobs 1 -Y '$FILTER' $FIELDS"
measure strato.merge.filter "$B --merge -Y '$FILTER' $FIELDS"
# tshark has no glob or zstd reading of its own here: the shell pipeline a
# user would write, one archive after another.
TS="for f in $(echo $FILES); do zstdcat \"\$f\" | tshark -r - -Y '$FILTER' $FIELDS; done"
measure tshark.filter "$TS"

ratio() {
  local a=${TIME[$1]:-error} b=${TIME[$2]:-error}
  if [ "$a" = error ] || [ "$b" = error ]; then echo "-"; else awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }'; fi
}
mbs() { [ "${TIME[$1]}" = error ] && echo - || awk -v t="${TIME[$1]}" -v m="$ZMB" 'BEGIN { printf "%.1f", m / t }'; }

echo
echo "strato batch vs zstdcat | tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}') on $NFILES zstd pcapng archives ($ZMB MB compressed, ~$TARGET_MB MB pcapng), -Y '$FILTER', $(nproc) cores, best of $REPS"
echo
echo "| run | wall s | compressed MB/s | speed-up vs tshark | lines |"
echo "|---|---|---|---|---|"
echo "| strato batch --jobs 2 | ${TIME[strato.j2.filter]} | $(mbs strato.j2.filter) | $(ratio strato.j2.filter tshark.filter) | ${LINES[strato.j2.filter]} |"
echo "| strato batch --jobs 1 | ${TIME[strato.j1.filter]} | $(mbs strato.j1.filter) | $(ratio strato.j1.filter tshark.filter) | ${LINES[strato.j1.filter]} |"
echo "| strato batch --merge | ${TIME[strato.merge.filter]} | $(mbs strato.merge.filter) | $(ratio strato.merge.filter tshark.filter) | ${LINES[strato.merge.filter]} |"
echo "| zstdcat \\| tshark -r - (per file) | ${TIME[tshark.filter]} | $(mbs tshark.filter) | 1.00x | ${LINES[tshark.filter]} |"
echo
echo "Scaling --jobs 1 -> 2: $(ratio strato.j2.filter strato.j1.filter). Lines must match between rows (same packets pass)."
rm -f "$DATA/out" "$DATA/err"
