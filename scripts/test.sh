#!/usr/bin/env bash
# Sets up, builds (Release and an ASan+UBSan tree for the robustness tests)
# and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATO_SANITIZE=ON -DSTRATO_TESTS=OFF >/dev/null
cmake --build build-asan -j"$JOBS"
cd build
ctest --output-on-failure -j"$JOBS" "$@"
