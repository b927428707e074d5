#!/usr/bin/env bash
# Installs everything memdb needs to build, test and fuzz on Debian 12.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
# Used by the README quick start, .ci/run and the Dockerfile.
# --with-redis also installs redis-server, the reference system of bench/vs-redis and
# bench/oplog-bench; --with-etcd installs etcd-server (etcd 3.4) and wrk, for bench/vs-etcd.
# The two may be combined.
set -euo pipefail

PACKAGES=(
  ca-certificates cmake ninja-build pkg-config g++ git procps
  libasio-dev libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  liblz4-dev libxxhash-dev libssl-dev libgtest-dev libgmock-dev libedit-dev
  nlohmann-json3-dev clang libclang-rt-14-dev python3
)

for arg in "$@"; do
  case "$arg" in
    --with-redis) PACKAGES+=(redis-server) ;;
    --with-etcd) PACKAGES+=(etcd-server wrk) ;;
    *)
      echo "install-deps: unknown option $arg (expected --with-redis and/or --with-etcd)" >&2
      exit 2
      ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
