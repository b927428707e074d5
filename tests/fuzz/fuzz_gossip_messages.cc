// libFuzzer target: the gossip message decoders (src/cluster/gossip_messages.h) and the merge
// rules applied to what they decode (src/cluster/member.h).
//
// Input layout:
//   byte 0   which decoder: 0 = GossipSyn, 1 = GossipAck, 2 = GossipAck2 (taken modulo 3)
//   bytes 1.. the message body
// Seeds (scripts/run-fuzz.sh) are valid bodies of each message behind that byte.
//
// Besides what the sanitizers catch (and libFuzzer's -malloc_limit_mb: a hostile count must
// never make the decoder allocate more than the body can hold), every body that decodes must
// respect the limits and re-encode to exactly the same bytes (the encoding is canonical; the
// one freedom: a format-2 body that carries no catch-up field re-encodes as format 1, the
// oldest format that holds it), and merging each decoded delta must be idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/gossip_messages.h"
#include "cluster/member.h"
#include "memdb/status.h"

namespace memdb::cluster {
namespace {

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (line %d)\n", #cond, __LINE__); \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

void CheckDelta(const MemberState& m) {
  FUZZ_CHECK(m.address.value.size() <= kMaxAddressBytes);
  FUZZ_CHECK(m.tokens.value.size() <= kMaxTokensPerNode);
  if (m.status.version != 0) {
    const auto s = static_cast<uint8_t>(m.status.value);
    FUZZ_CHECK(s >= 1 && s <= kMaxMemberStatus);
  }
  // Absent fields carry default values.
  if (m.address.version == 0) FUZZ_CHECK(m.address.value.empty());
  if (m.tokens.version == 0) FUZZ_CHECK(m.tokens.value.empty());
  if (m.keys_held.version == 0) FUZZ_CHECK(m.keys_held.value == 0);
  if (m.catchup.version == 0) {
    FUZZ_CHECK(m.catchup.value == CatchupProgress{});
  } else {
    const auto phase = static_cast<uint8_t>(m.catchup.value.phase);
    FUZZ_CHECK(phase >= 1 && phase <= kMaxCatchupPhase);
    FUZZ_CHECK(m.catchup.value.ranges_done <= m.catchup.value.ranges_total);
  }
}

void CheckMerges(const std::vector<MemberState>& deltas) {
  std::map<NodeId, MemberState> states;
  for (const MemberState& d : deltas) {
    CheckDelta(d);
    MemberState& state = states[d.id];
    MergeMemberState(d, &state);
    FUZZ_CHECK(!MergeMemberState(d, &state));  // idempotent
    // Nothing is newer than what the state itself advertises.
    FUZZ_CHECK(!MergeMemberState(DeltaSince(state, state.generation, state.max_version()), &state));
    // A full delta rebuilds the state from nothing.
    MemberState copy;
    MergeMemberState(DeltaSince(state, 0, 0), &copy);
    FUZZ_CHECK(
        copy.generation == state.generation && copy.heartbeat == state.heartbeat &&
        copy.max_version() == state.max_version() && copy.tokens.value == state.tokens.value &&
        copy.address.value == state.address.value && copy.catchup.value == state.catchup.value);
  }
}

void Run(uint8_t kind, std::string_view body) {
  std::string out;
  switch (kind % 3) {
    case 0: {
      GossipSyn syn;
      const Status s = DecodeGossipSyn(body, &syn);
      if (!s.ok()) {
        FUZZ_CHECK(s.code() == Code::kBadRequest && !s.message().empty());
        return;
      }
      FUZZ_CHECK(syn.cluster_name.size() <= kMaxClusterNameBytes);
      FUZZ_CHECK(syn.digests.size() <= kMaxMembers);
      EncodeGossipSyn(syn, &out);
      break;
    }
    case 1: {
      GossipAck ack;
      const Status s = DecodeGossipAck(body, &ack);
      if (!s.ok()) {
        FUZZ_CHECK(s.code() == Code::kBadRequest && !s.message().empty());
        return;
      }
      FUZZ_CHECK(ack.requests.size() <= kMaxMembers && ack.deltas.size() <= kMaxMembers);
      CheckMerges(ack.deltas);
      EncodeGossipAck(ack, &out);
      break;
    }
    default: {
      GossipAck2 ack2;
      const Status s = DecodeGossipAck2(body, &ack2);
      if (!s.ok()) {
        FUZZ_CHECK(s.code() == Code::kBadRequest && !s.message().empty());
        return;
      }
      FUZZ_CHECK(ack2.deltas.size() <= kMaxMembers);
      CheckMerges(ack2.deltas);
      EncodeGossipAck2(ack2, &out);
      break;
    }
  }
  // Canonical: what decodes re-encodes to the same bytes, but for a format byte lowered to 1
  // when nothing needs format 2.
  FUZZ_CHECK(out.size() == body.size() && !out.empty());
  FUZZ_CHECK(out.compare(1, std::string::npos, body, 1) == 0);
  FUZZ_CHECK(out[0] == body[0] ||
             (body[0] == kGossipFormatWithCatchup && out[0] == kGossipFormatVersion));
}

}  // namespace
}  // namespace memdb::cluster

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // A copy of exactly the body, so any read past its end is caught by ASan.
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  memdb::cluster::Run(data[0], body);
  return 0;
}
