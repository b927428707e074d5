#!/usr/bin/env bash
# Fuzzes the protocol v1 frame decoder, the operation-log reader and the gossip message
# decoders with libFuzzer (+ ASan, UBSan), each for the given time.
#
# Usage: scripts/run-fuzz.sh [seconds]      (default 30, per target)
#
# Configures a separate clang build in build-fuzz/ (-DMEMDB_FUZZ=ON, tests off), builds
# fuzz_frame_decoder, fuzz_log_reader and fuzz_gossip_messages, writes seed corpora (the frame
# decoder's from tests/vectors/protocol_v1.json) and runs each for the given time. The working
# corpora (build-fuzz/fuzz/corpus/, log-corpus/, gossip-corpus/) are kept between runs. Exits
# non-zero on any crash, sanitizer report, failed invariant, timeout or OOM; the input that
# triggered it is saved under build-fuzz/fuzz/artifacts/<target>- and can be replayed with
#   build-fuzz/tests/fuzz/<target> <file>
set -euo pipefail

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds]   (a positive integer, default 30)" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
work="$build/fuzz"
seeds="$work/seeds"
corpus="$work/corpus"
artifacts="$work/artifacts"
vectors="$root/tests/vectors/protocol_v1.json"

for tool in clang++ cmake ninja python3; do
  command -v "$tool" >/dev/null || { echo "run-fuzz: '$tool' not found (scripts/install-deps.sh)" >&2; exit 2; }
done

echo "run-fuzz: configuring $build"
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMEMDB_FUZZ=ON \
  -DMEMDB_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_frame_decoder fuzz_log_reader fuzz_gossip_messages
fuzzer="$build/tests/fuzz/fuzz_frame_decoder"

# Seeds: each vector behind the fuzzer's 7-byte prefix (mode byte + three u16 limits; see
# tests/fuzz/frame_decoder_fuzz.cc), plus whole streams of all valid requests and responses.
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
python3 - "$vectors" "$seeds" <<'PY'
import json, struct, sys, os
vectors_path, out_dir = sys.argv[1], sys.argv[2]
vectors = json.load(open(vectors_path))["vectors"]
streams = {False: b"", True: b""}
for v in vectors:
    response = v["direction"] == "response"
    data = bytes.fromhex(v["hex"])
    limits = v.get("limits")
    if limits:
        lim = [min(limits.get(k, 0xFFFF), 0xFFFF)
               for k in ("max_frame_bytes", "max_key_bytes", "max_value_bytes")]
        prefix = struct.pack("<BHHH", int(response), *lim)
    else:
        prefix = struct.pack("<BHHH", 2 | int(response), 0, 0, 0)
    open(os.path.join(out_dir, v["name"]), "wb").write(prefix + data)
    if "expect" in v and not limits:
        streams[response] += data
for response, data in streams.items():
    name = "stream_responses" if response else "stream_requests"
    open(os.path.join(out_dir, name), "wb").write(struct.pack("<BHHH", 2 | int(response), 0, 0, 0) + data)
print(f"run-fuzz: {len(vectors) + 2} seeds from {os.path.basename(vectors_path)}")
PY

# run_fuzzer NAME BINARY CORPUS SEEDS: runs one target for $seconds; exits on any finding.
# Further arguments are passed to the fuzzer.
run_fuzzer() {
  local name="$1" binary="$2" corpus_dir="$3" seeds_dir="$4" status
  shift 4
  echo "run-fuzz: fuzzing the $name for ${seconds}s"
  set +e
  "$binary" "$corpus_dir" "$seeds_dir" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -max_len=65536 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/$(basename "$binary")-" \
    "$@"
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "run-fuzz: $name FAILED (exit $status); reproducer(s):" >&2
    ls -1 "$artifacts" >&2 || true
    exit "$status"
  fi
  echo "run-fuzz: $name clean after ${seconds}s"
}

run_fuzzer "frame decoder" "$fuzzer" "$corpus" "$seeds"

# ---- the operation-log reader ----
# Seeds: structured inputs (mode bit 3) that make the target build valid plain and compressed
# segments with the real encoders, undamaged and with one flipped byte.
log_seeds="$work/log-seeds"
log_corpus="$work/log-corpus"
rm -rf "$log_seeds"
mkdir -p "$log_seeds" "$log_corpus"
python3 - "$log_seeds" <<'PY'
import os, struct, sys
out = sys.argv[1]
records = b"".join(bytes([len(k)]) + k + bytes([len(v)]) + v
                   for k, v in [(b"user:1", b"alice"), (b"user:2", b""), (b"k" * 31, b"v" * 200)])
n = 0
for mode in range(16):
    for damage in (0, 7, 45, 60, 300):
        body = struct.pack("<H", damage) + records if mode & 8 else records
        open(os.path.join(out, f"seed-{n}"), "wb").write(bytes([mode]) + body)
        n += 1
print(f"run-fuzz: {n} log-reader seeds")
PY
run_fuzzer "log reader" "$build/tests/fuzz/fuzz_log_reader" "$log_corpus" "$log_seeds"

# ---- the gossip message decoders ----
# Seeds: valid GossipSyn / GossipAck / GossipAck2 bodies behind the selector byte (see
# tests/fuzz/fuzz_gossip_messages.cc). A small malloc limit: a hostile count must be rejected
# before anything is allocated, never after a huge reserve.
gossip_seeds="$work/gossip-seeds"
gossip_corpus="$work/gossip-corpus"
rm -rf "$gossip_seeds"
mkdir -p "$gossip_seeds" "$gossip_corpus"
python3 - "$gossip_seeds" <<'PY'
import os, struct, sys
out = sys.argv[1]
def bts(b): return struct.pack("<I", len(b)) + b
def digests(ds): return struct.pack("<I", len(ds)) + b"".join(struct.pack("<IQQ", *d) for d in ds)
def delta(i, gen, hb, addr=None, status=None, tokens=None, keys=None):
    mask, body = 0, b""
    if addr is not None: mask |= 1; body += struct.pack("<Q", addr[1]) + bts(addr[0])
    if status is not None: mask |= 2; body += struct.pack("<QB", status[1], status[0])
    if tokens is not None:
        mask |= 4; body += struct.pack("<QI", tokens[1], len(tokens[0]))
        body += b"".join(struct.pack("<Q", t) for t in tokens[0])
    if keys is not None: mask |= 8; body += struct.pack("<QQ", keys[1], keys[0])
    return struct.pack("<IQQB", i, gen, hb, mask) + body
def deltas(ds): return struct.pack("<I", len(ds)) + b"".join(ds)
full = delta(1, 3, 10, (b"127.0.0.1:7000", 1), (2, 4), ([5, 2**64 - 1, 7], 2), (42, 8))
part = delta(2, 1, 5, status=(3, 5))
bare = delta(3, 7, 1)
seeds = {
    "syn-empty": b"\x00\x01" + bts(b"") + digests([]),
    "syn": b"\x00\x01" + bts(b"memdb") + digests([(1, 3, 10), (2, 1, 5), (9, 0, 0)]),
    "ack-empty": b"\x01\x01" + digests([]) + deltas([]),
    "ack": b"\x01\x01" + digests([(4, 2, 6)]) + deltas([full, part, bare]),
    "ack2": b"\x02\x01" + deltas([full, part]),
    "ack2-same-node": b"\x02\x01" + deltas([full, delta(1, 3, 11, keys=(50, 11)), delta(1, 4, 1)]),
}
for name, data in seeds.items():
    open(os.path.join(out, name), "wb").write(data)
print(f"run-fuzz: {len(seeds)} gossip seeds")
PY
run_fuzzer "gossip message decoders" "$build/tests/fuzz/fuzz_gossip_messages" "$gossip_corpus" \
  "$gossip_seeds" -malloc_limit_mb=64
