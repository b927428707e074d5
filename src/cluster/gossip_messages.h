// Gossip messages — the three steps of a push-pull gossip exchange and their wire format
// (docs/cluster.md, "Gossip messages"; carried as the bodies of the peer opcodes GOSSIP_SYN
// and GOSSIP_ACK2, docs/protocol.md).
//
//   initiator                         receiver
//   GossipSyn{digests} ------------>  compares every digest with its own state
//              <----------------- GossipAck{requests, deltas}
//   GossipAck2{deltas} ----------->   (deltas for what the receiver requested)
//
// A digest says "I have node n at (generation, max_version)". The receiver answers with the
// deltas that are newer than the initiator's digests (and full states of nodes the initiator
// did not list), and requests the nodes for which the initiator is newer, naming what it has.
// So only newer state ever travels, and an idle cluster exchanges digests and heartbeats only.
//
// Wire format (all integers little-endian; every body starts with the format version byte):
//   GossipSyn  = u8 format, bytes cluster_name, u32 n, n x Digest
//   GossipAck  = u8 format, u32 n, n x Digest (requests), u32 m, m x Delta
//   GossipAck2 = u8 format, u32 m, m x Delta
//   Digest     = u32 id, u64 generation, u64 max_version
//   Delta      = u32 id, u64 generation, u64 heartbeat, u8 field mask, then the fields present,
//                each as u64 version + value, in this order:
//                  bit 0 address   bytes (<= kMaxAddressBytes)
//                  bit 1 status    u8 (1..kMaxMemberStatus)
//                  bit 2 tokens    u32 count (<= kMaxTokensPerNode), count x u64
//                  bit 3 keys_held u64
//                  bit 4 catchup   u8 phase (1..kMaxCatchupPhase), u32 ranges_done,
//                                  u32 ranges_total (>= ranges_done), u64 records_applied
//                                  (format 2 only)
//                other mask bits must be 0.
// "bytes" is a u32 length followed by that many bytes.
//
// Formats: 1 is the original; 2 adds the catchup field (bit 4) and nothing else. Encoders
// write the oldest format that can carry the message — 1 unless a delta carries a catch-up
// state — so a node of this version and one that only knows format 1 still understand each
// other as long as nobody is catching up (a Syn is always format 1). Decoders take both and
// reject bit 4 in a format-1 body.
//
// Decoding is hostile-input safe: every count and length is checked against the limits below
// and against the remaining body before anything is allocated; a body that does not parse
// exactly (wrong format byte, unknown mask bits, bad status, trailing bytes) is kBadRequest.
// Pure: no IO.
#ifndef MEMDB_CLUSTER_GOSSIP_MESSAGES_H_
#define MEMDB_CLUSTER_GOSSIP_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/member.h"
#include "memdb/result.h"
#include "memdb/status.h"

namespace memdb::cluster {

inline constexpr uint8_t kGossipFormatVersion = 1;      // the base format
inline constexpr uint8_t kGossipFormatWithCatchup = 2;  // + the catchup delta field
inline constexpr uint32_t kMaxClusterNameBytes = 256;
inline constexpr uint32_t kMaxAddressBytes = 256;
inline constexpr uint32_t kMaxTokensPerNode = 4096;
inline constexpr uint32_t kMaxMembers = 4096;  // digests or deltas in one message

struct GossipDigest {
  NodeId id = 0;
  uint64_t generation = 0;
  uint64_t max_version = 0;

  friend bool operator==(const GossipDigest&, const GossipDigest&) = default;
};

struct GossipSyn {
  std::string cluster_name;
  std::vector<GossipDigest> digests;
};

struct GossipAck {
  std::vector<GossipDigest> requests;  // "send me what is newer than this"
  std::vector<MemberState> deltas;     // fields with version 0 are absent
};

struct GossipAck2 {
  std::vector<MemberState> deltas;
};

// Encoders append a whole body to `out`.
void EncodeGossipSyn(const GossipSyn& syn, std::string* out);
void EncodeGossipAck(const GossipAck& ack, std::string* out);
void EncodeGossipAck2(const GossipAck2& ack2, std::string* out);

// Decoders replace `*out`. Errors: kBadRequest naming what is wrong.
Status DecodeGossipSyn(std::string_view body, GossipSyn* out);
Status DecodeGossipAck(std::string_view body, GossipAck* out);
Status DecodeGossipAck2(std::string_view body, GossipAck2* out);

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_GOSSIP_MESSAGES_H_
