#!/bin/sh
# Records the test dissectors' traffic (lua_traffic.py) on lo into $1 with
# dumpcap. Exit 77 with the reason on stderr when dumpcap cannot capture
# (not root, no lo): the tests skip on that code.
#   tests/lua/traffic/record.sh OUT.pcapng [--seed N]
set -eu
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/strato-luatraffic-XXXXXX)
dc=""
cleanup() {
  [ -n "$dc" ] && kill "$dc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

command -v dumpcap >/dev/null || { echo "dumpcap not installed" >&2; exit 77; }
dumpcap -i lo -f "portrange 47001-47199" -w "$out" 2>"$work/dumpcap.err" &
dc=$!
# dumpcap says "Capturing on ..." once the filter is attached.
i=0
until grep -q "Capturing on" "$work/dumpcap.err" 2>/dev/null; do
  if ! kill -0 "$dc" 2>/dev/null || [ $i -ge 100 ]; then
    echo "dumpcap cannot capture on lo: $(tr '\n' ' ' <"$work/dumpcap.err")" >&2
    dc=""
    exit 77
  fi
  i=$((i + 1))
  sleep 0.05
done
sleep 0.2

python3 "$here/lua_traffic.py" "$@"

sleep 0.3
kill -INT "$dc"
wait "$dc" || true
dc=""
[ -s "$out" ] || { echo "dumpcap wrote nothing to $out" >&2; exit 1; }
