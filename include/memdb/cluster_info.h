// memdb::ClusterView — one node's view of the cluster, as Client::ClusterInfo() returns it
// (the CLUSTER_INFO reply, docs/protocol.md). memdb::ClusterClient routes keys with it, and
// `memdb-cli cluster nodes|ring|info` prints it.
//
// A plain value: a snapshot taken by the node that answered, at the time it answered. "up" and
// phi are that node's failure detector's opinion, not a cluster-wide verdict.
#ifndef MEMDB_CLUSTER_INFO_H_
#define MEMDB_CLUSTER_INFO_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "memdb/catchup_progress.h"
#include "memdb/node_status.h"
#include "memdb/version.h"

namespace memdb {

struct ClusterNode {
  NodeId id = 0;
  std::string address;  // "host:port" clients connect to
  NodeStatus status = NodeStatus::kJoining;
  bool up = false;               // as the answering node sees it
  uint32_t phi_milli = 0;        // the answering node's phi-accrual suspicion x 1000, saturated
  uint64_t generation = 0;       // bumped at every start of that node
  uint64_t heartbeat = 0;        // its heartbeat version within the generation
  uint64_t keys_held = 0;        // as last gossiped by that node
  std::vector<uint64_t> tokens;  // its ring tokens, in the order it sent them
  // Its catch-up after a restart, as last gossiped by that node (phase none: no catch-up in
  // this life, or an answering node too old to report it).
  CatchupProgress catchup;

  // True when the node's tokens are in the ring (normal, leaving).
  bool owns_ranges() const { return NodeStatusOwnsRanges(status); }
  // phi as a double; infinity when saturated.
  double phi() const {
    return phi_milli == std::numeric_limits<uint32_t>::max()
               ? std::numeric_limits<double>::infinity()
               : phi_milli / 1000.0;
  }
};

struct ClusterView {
  std::string cluster_name;
  NodeId self_id = 0;         // the node that answered
  uint64_t ring_version = 0;  // grows whenever the answering node's ring changes
  std::vector<ClusterNode> nodes;

  // The node with `id`, or null.
  const ClusterNode* Find(NodeId id) const {
    for (const ClusterNode& node : nodes) {
      if (node.id == id) return &node;
    }
    return nullptr;
  }
};

}  // namespace memdb

#endif  // MEMDB_CLUSTER_INFO_H_
