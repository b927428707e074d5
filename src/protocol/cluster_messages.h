// CLUSTER_INFO (0x82) — a node's view of the cluster, for clients that route by topology and
// for `memdb-cli cluster nodes|ring|info`. Layout specified in docs/protocol.md.
//
// Request: empty body (any authenticated session).
// Response body (little-endian; "bytes" = u32 length + bytes):
//   u8 format                          1, or 2 when the catch-up block is present
//   bytes cluster_name                 (<= kMaxClusterNameBytes)
//   u32 self_id                        the node that answered
//   u64 ring_version                   grows whenever that node's ring changes
//   u32 n                              (<= kMaxClusterNodes), then n x node:
//     u32 id
//     bytes address                    "host:port" (<= kMaxClusterAddressBytes)
//     u8 status                        memdb::NodeStatus (1..kMaxNodeStatus)
//     u8 up                            0/1, as the answering node sees it
//     u32 phi_milli                    its failure detector's phi x 1000, saturated
//     u64 generation
//     u64 heartbeat
//     u64 keys_held                    as last gossiped by that node
//     u32 t                            (<= kMaxClusterTokens), then t x u64 token
//     format 2 only, the node's catch-up as last gossiped (memdb/catchup_progress.h):
//     u8 catchup_phase                 0 none, 1 running, 2 done
//     u32 ranges_done                  (<= ranges_total)
//     u32 ranges_total
//     u64 records_applied
// The encoder writes format 1 when no node has a catch-up phase (older clients still read
// it), format 2 otherwise; the parser takes both (format 1: every phase is none).
// Parse checks every count and length against these limits and the remaining body before
// allocating; anything else (wrong format, bad status or phase, up not 0/1, ranges_done over
// ranges_total, trailing bytes) is kBadRequest.
#ifndef MEMDB_PROTOCOL_CLUSTER_MESSAGES_H_
#define MEMDB_PROTOCOL_CLUSTER_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/catchup_progress.h"
#include "memdb/node_status.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb::protocol {

inline constexpr uint8_t kClusterInfoFormat = 1;             // the base format
inline constexpr uint8_t kClusterInfoFormatWithCatchup = 2;  // + per-node catch-up progress
inline constexpr uint32_t kMaxClusterNodes = 4096;
inline constexpr uint32_t kMaxClusterTokens = 4096;
inline constexpr uint32_t kMaxClusterNameBytes = 256;
inline constexpr uint32_t kMaxClusterAddressBytes = 256;

struct ClusterNodeInfo {
  NodeId id = 0;
  std::string address;
  NodeStatus status = NodeStatus::kJoining;
  bool up = false;
  uint32_t phi_milli = 0;
  uint64_t generation = 0;
  uint64_t heartbeat = 0;
  uint64_t keys_held = 0;
  std::vector<uint64_t> tokens;
  CatchupProgress catchup;  // as last gossiped by that node
};

struct ClusterInfo {
  std::string cluster_name;
  NodeId self_id = 0;
  uint64_t ring_version = 0;
  std::vector<ClusterNodeInfo> nodes;
};

// CLUSTER_INFO request: empty body.
void AppendClusterInfoRequest(std::string* out, uint32_t request_id, Timestamp ts);
void AppendClusterInfoResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               const ClusterInfo& info);
Status ParseClusterInfoRequest(std::string_view body);
// Replaces `*out` (owning copies: the info outlives the frame).
Status ParseClusterInfoResponse(std::string_view body, ClusterInfo* out);

// phi as carried on the wire: x1000, saturated to UINT32_MAX (infinity included).
uint32_t PhiToMilli(double phi);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_CLUSTER_MESSAGES_H_
