#!/usr/bin/env bash
# Quick start: install what is missing, build, and run one memdb node in the foreground with
# the built-in defaults (127.0.0.1:7379, data in var/). A client key is generated on first run
# and kept in var/client.secret (mode 0600). Extra arguments go to memdb (see `memdb --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target memdb memdb-example memdb-cli

mkdir -p var
if [ ! -s var/client.secret ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/client.secret)
  echo "generated a client secret in var/client.secret"
fi
KEY_ID="${MEMDB_QUICKSTART_KEY_ID:-default}"
export MEMDB_AUTH_CLIENT_KEYS="${KEY_ID}:$(cat var/client.secret)"

PORT="${MEMDB_SERVER_PORT:-7379}"
cat <<MSG

memdb is starting on 127.0.0.1:${PORT} (Ctrl-C to stop). Connect with:
  key id:  ${KEY_ID}
  secret:  the contents of var/client.secret
  try it:  ./build/clients/cpp/examples/memdb-example --port ${PORT} --key-id ${KEY_ID} --secret-file var/client.secret
  shell:   ./build/clients/cli/memdb-cli -p ${PORT} --key-id ${KEY_ID}   (run it from the repository root: it reads var/client.secret there)

MSG
exec ./build/src/server/memdb "$@"
