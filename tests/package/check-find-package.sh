#!/usr/bin/env bash
# Checks the installed C++ client package the way a user consumes it:
#   1. cmake --install BUILD_DIR --component client into a fresh temporary prefix;
#   2. checks the installed CMake files do not point back into the source or build tree;
#   3. configures, builds and runs tests/package/consumer against that prefix with
#      find_package(memdb) + target_link_libraries(consumer memdb::client).
#
# Usage: tests/package/check-find-package.sh BUILD_DIR
# BUILD_DIR must be a configured and built memdb tree (at least target memdb_client). Not
# meaningful for sanitizer builds (MEMDB_SANITIZE): the archives then need -fsanitize to link.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/memdb-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

echo "== install (component client) into $prefix"
cmake --install "$build_dir" --component client --prefix "$prefix" >"$work/install.log" || {
  cat "$work/install.log" >&2
  exit 1
}

config=$(find "$prefix" -name memdbConfig.cmake -print -quit)
if [[ -z "$config" ]]; then
  echo "FAIL: memdbConfig.cmake not installed" >&2
  exit 1
fi
for f in "$prefix"/include/memdb/*.h; do
  if grep -nE '#include "(common|protocol|auth|config|net|cluster|store|node)/' "$f"; then
    echo "FAIL: public header $f includes an internal header" >&2
    exit 1
  fi
done
cmake_dir=$(dirname "$config")
if grep -rnF -e "$source_dir" -e "$build_dir" "$cmake_dir"; then
  echo "FAIL: installed CMake files refer to the source or build tree" >&2
  exit 1
fi

echo "== configure + build the consumer"
cmake -S "$here/consumer" -B "$work/consumer-build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
  >"$work/configure.log" || {
  cat "$work/configure.log" >&2
  exit 1
}
cmake --build "$work/consumer-build" >"$work/build.log" || {
  cat "$work/build.log" >&2
  exit 1
}

echo "== run the consumer"
"$work/consumer-build/consumer"
echo "PASS: find_package(memdb) + memdb::client work from an install prefix"
