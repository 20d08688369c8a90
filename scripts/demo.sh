#!/usr/bin/env bash
# The main job on the bundled sample: set up, build, then summary lines and
# the protocol hierarchy of samples/mixed-small.pcapng.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SAMPLE=samples/mixed-small.pcapng
echo "== strato read -r $SAMPLE -c 20"
build/strato read -r "$SAMPLE" -c 20
echo
echo "== strato read -r $SAMPLE -q -z io,phs"
build/strato read -r "$SAMPLE" -q -z io,phs
echo
echo "== strato run pipelines/dns-summary.yaml"
build/strato run pipelines/dns-summary.yaml
