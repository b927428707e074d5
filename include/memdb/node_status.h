// memdb::NodeStatus — the lifecycle state of a node in the cluster, as CLUSTER_INFO reports it
// and gossip carries it (docs/cluster.md, "Node states"). The enum values are the wire byte.
#ifndef MEMDB_NODE_STATUS_H_
#define MEMDB_NODE_STATUS_H_

#include <cstdint>
#include <string_view>

namespace memdb {

//   joining: known, does not own ranges yet       normal:  owns its tokens' ranges
//   leaving: still owns, handing its ranges over  left:    gone for good, owns nothing
//   removed: removed by an operator (it was down), owns nothing
enum class NodeStatus : uint8_t {
  kJoining = 1,
  kNormal = 2,
  kLeaving = 3,
  kLeft = 4,
  kRemoved = 5,
};
inline constexpr uint8_t kMaxNodeStatus = 5;

// "joining", "normal", ...; "unknown" for anything else.
constexpr std::string_view NodeStatusName(NodeStatus status) {
  switch (status) {
    case NodeStatus::kJoining:
      return "joining";
    case NodeStatus::kNormal:
      return "normal";
    case NodeStatus::kLeaving:
      return "leaving";
    case NodeStatus::kLeft:
      return "left";
    case NodeStatus::kRemoved:
      return "removed";
  }
  return "unknown";
}

// True for the states whose tokens are in the ring (normal, leaving).
constexpr bool NodeStatusOwnsRanges(NodeStatus s) {
  return s == NodeStatus::kNormal || s == NodeStatus::kLeaving;
}

}  // namespace memdb

#endif  // MEMDB_NODE_STATUS_H_
