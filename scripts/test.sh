#!/usr/bin/env bash
# Builds everything with warnings as errors and runs every test: unit, integration (real
# memdb processes on 127.0.0.1), the cluster simulator (ctest -L sim), the installed-package
# check, and the fuzzers — frame decoder, operation-log reader and gossip message decoders
# (MEMDB_FUZZ_SECONDS each, default 30; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
JOBS="$(nproc)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMDB_WERROR=ON >/dev/null
cmake --build build -j "$JOBS"
(cd build && ctest --output-on-failure -j "$JOBS" --timeout 300)

FUZZ_SECONDS="${MEMDB_FUZZ_SECONDS:-30}"
if [ "$FUZZ_SECONDS" != "0" ]; then
  ./scripts/run-fuzz.sh "$FUZZ_SECONDS"
fi
echo "all tests passed"
