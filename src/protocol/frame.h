// Protocol v1 frame: a fixed 24-byte little-endian header followed by `body_length` bytes.
// The byte layout, opcode table and status codes are specified in docs/protocol.md.
//
//   off size field
//    0   2   magic        0x444D ("MD" on the wire)
//    2   1   version      1
//    3   1   opcode       see Opcode
//    4   2   flags        bit 0 = response; bit 1 = not-owner hint (responses only, see
//                         kFlagNotOwner); all other bits reserved, must be 0
//    6   2   status       responses: memdb::Code (0 = OK); requests: must be 0
//    8   4   request_id   chosen by the requester, echoed in the response
//   12   4   body_length  bytes after the header; checked against Limits before allocation
//   16   8   timestamp    requests: highest HLC timestamp the client has seen;
//                         responses: the node's HLC timestamp after handling the request
#ifndef MEMDB_PROTOCOL_FRAME_H_
#define MEMDB_PROTOCOL_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/status.h"

namespace memdb::protocol {

inline constexpr uint16_t kMagic = 0x444D;
inline constexpr uint8_t kProtocolVersion = 1;
inline constexpr size_t kHeaderSize = 24;

inline constexpr uint16_t kFlagResponse = 0x0001;
// On a response to a client: the coordinating node is not one of the key's replicas; a client
// routing by topology should refresh it (CLUSTER_INFO). Never on requests.
inline constexpr uint16_t kFlagNotOwner = 0x0002;
inline constexpr uint16_t kKnownFlags = kFlagResponse | kFlagNotOwner;

// Opcode ranges (docs/protocol.md):
//   0x01-0x0F session   0x10-0x1F key-value   0x20-0x2F consistency-level variants
//   0x30-0x3F CAS       0x40-0x4F counters    0x50-0x7F cluster (node to node)
//   0x80-0x9F admin     everything else reserved
enum class Opcode : uint8_t {
  kHello = 0x01,  // response is the CHALLENGE
  kAuth = 0x02,
  kPing = 0x03,
  kGet = 0x10,
  kSet = 0x11,
  kDel = 0x12,
  kContains = 0x13,
  // The key operations with an explicit consistency level and deadline
  // (protocol/consistency_messages.h): body = u8 level + u32 deadline_ms + the plain body.
  kGetCl = 0x20,
  kSetCl = 0x21,
  kDelCl = 0x22,
  kContainsCl = 0x23,
  // Cluster, node to node: only sessions authenticated with the cluster key (docs/protocol.md).
  kGossipSyn = 0x50,   // body: GossipSyn; response: GossipAck (src/cluster/gossip_messages.h)
  kGossipAck2 = 0x51,  // body: GossipAck2; response: empty
  kForward = 0x52,     // retired (issue 6): answered UNKNOWN_OPCODE; never reused
  // Replication (protocol/replica_messages.h and the catch-up / anti-entropy messages).
  kReplicaWrite = 0x53,  // a write stamped by a coordinator; answered once durable
  kReplicaRead = 0x54,   // one replica's entry for a key
  kCatchupRead = 0x55,   // operation-log records after a timestamp, for hash ranges
  kMerkleTree = 0x56,    // a hash tree of a range's entries
  kRangeEntries = 0x57,  // the entries of parts of a range (anti-entropy, full range sync)
  kStats = 0x80,         // admin: the node's counters (docs/protocol.md)
  kCompact = 0x81,       // admin: start a compaction of the operation log now
  kClusterInfo = 0x82,   // admin: this node's view of the cluster (protocol/cluster_messages.h)
  kRepair = 0x83,        // admin: start / report anti-entropy repair (consistency_messages.h)
};

// True for opcodes this build implements (the ones in the enum above).
bool IsKnownOpcode(uint8_t opcode);
// "GET", "SET", ...; "0x2a" for anything else.
std::string_view OpcodeName(uint8_t opcode);

struct FrameHeader {
  uint8_t version = kProtocolVersion;
  uint8_t opcode = 0;  // raw byte: may hold an opcode this build does not know
  uint16_t flags = 0;
  Code status = Code::kOk;
  uint32_t request_id = 0;
  uint32_t body_length = 0;
  uint64_t timestamp = 0;

  bool is_response() const { return (flags & kFlagResponse) != 0; }
};

// A decoded frame. `body` points into the decoder's input buffer: it is valid until that
// buffer is modified or released.
struct Frame {
  FrameHeader header;
  std::string_view body;
};

// Rewrites header fields of an encoded frame that starts at `frame[start]` — for a reply made by
// one handler and sent under another request's opcode (a _CL request served by the plain
// handler) or with the not-owner hint.
inline constexpr size_t kOpcodeOffset = 3;
inline constexpr size_t kFlagsOffset = 4;  // u16 little-endian; every known flag is in its low byte
inline void SetEncodedOpcode(std::string* frame, size_t start, uint8_t opcode) {
  (*frame)[start + kOpcodeOffset] = static_cast<char>(opcode);
}
inline void AddEncodedFlags(std::string* frame, size_t start, uint8_t low_flags) {
  char& byte = (*frame)[start + kFlagsOffset];
  byte = static_cast<char>(static_cast<uint8_t>(byte) | low_flags);
}

// Size limits, all configurable (config: limits.*). Checked before any allocation.
struct Limits {
  uint32_t max_frame_bytes = 16u << 20;  // max body_length
  uint32_t max_key_bytes = 64u << 10;
  uint32_t max_value_bytes = 8u << 20;
};

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_FRAME_H_
