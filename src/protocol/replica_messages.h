// Node-to-node replica requests (docs/protocol.md, "Replication"): a coordinator writing to or
// reading from one replica of a key. Only sessions authenticated with the cluster key may send
// them. Hinted handoff and read repair use REPLICA_WRITE too.
//
// REPLICA_WRITE (0x53) body:
//   u8  kind        1 PUT, 2 DELETE (oplog::RecordType values)
//   u64 timestamp   the version the coordinator stamped
//   u32 node_id
//   u32 key_len, key
//   u32 value_len, value          (0 for DELETE)
// response:
//   u8  applied        0: an equal or newer version was already stored
//   u8  replaced_live  1: the write replaced a live (non-tombstone) value; the coordinator of a
//                      DEL that holds no copy itself answers `existed` from it
// The replica answers only once the write is durable per its fsync policy. Parsers reject
// reserved values (a kind other than 1/2, a DELETE with a value, a bool byte other than 0/1).
//
// REPLICA_READ (0x54) body: u32 key_len, key
// response:
//   u8  state       0 absent, 1 live, 2 tombstone
//   u8  flags       bit 0: the key's range is still catching up on this replica (catchup.h):
//                   its answer may be stale and must not be the only one a read relies on
//   u64 timestamp, u32 node_id    (0 when absent)
//   u32 value_len, value          (0 unless live)
// Flags bits other than bit 0 are reserved (must be 0); an absent entry has version 0.
#ifndef MEMDB_PROTOCOL_REPLICA_MESSAGES_H_
#define MEMDB_PROTOCOL_REPLICA_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb::protocol {

enum class ReplicaWriteKind : uint8_t { kPut = 1, kDelete = 2 };

struct ReplicaWrite {
  ReplicaWriteKind kind = ReplicaWriteKind::kPut;
  Version version;
  std::string_view key;
  std::string_view value;  // empty for kDelete
};

enum class ReplicaState : uint8_t { kAbsent = 0, kLive = 1, kTombstone = 2 };
inline constexpr uint8_t kReplicaReadCatchingUp = 0x01;

struct ReplicaReadResult {
  ReplicaState state = ReplicaState::kAbsent;
  bool catching_up = false;
  Version version;
  std::string_view value;  // empty unless kLive
};

// Bodies only (the PeerTransport frames them).
void AppendReplicaWriteBody(const ReplicaWrite& write, std::string* out);
Status ParseReplicaWriteBody(std::string_view body, const Limits& limits, ReplicaWrite* out);
struct ReplicaWriteResult {
  bool applied = false;
  bool replaced_live = false;
};

void AppendReplicaWriteResponseBody(bool applied, std::string* out, bool replaced_live = false);
Status ParseReplicaWriteResponseBody(std::string_view body, bool* applied);
Status ParseReplicaWriteResponseBody(std::string_view body, ReplicaWriteResult* out);

void AppendReplicaReadBody(std::string_view key, std::string* out);
Status ParseReplicaReadBody(std::string_view body, const Limits& limits, std::string_view* key);
void AppendReplicaReadResponseBody(const ReplicaReadResult& result, std::string* out);
Status ParseReplicaReadResponseBody(std::string_view body, ReplicaReadResult* out);

// Whole response frames, for the node's request handler.
void AppendReplicaWriteResponse(std::string* out, uint32_t request_id, Timestamp ts, bool applied,
                                bool replaced_live = false);
void AppendReplicaReadResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               const ReplicaReadResult& result);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_REPLICA_MESSAGES_H_
