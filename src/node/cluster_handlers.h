// The Node's cluster requests: GOSSIP_SYN and GOSSIP_ACK2 (node to node, peer sessions only)
// and CLUSTER_INFO (any authenticated session), plus the cluster's STATS counters. Kept
// apart from node.cc so that the key-value handlers stay short; "do the operation" is the
// GossipDriver's, these functions parse the request and write the reply.
//
// Threading: the node's event-loop thread, like the Node.
#ifndef MEMDB_NODE_CLUSTER_HANDLERS_H_
#define MEMDB_NODE_CLUSTER_HANDLERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "memdb/status.h"
#include "protocol/cluster_messages.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace memdb {

class Node;

// True for the node-to-node opcode range (0x50-0x7F).
constexpr bool IsPeerOpcode(uint8_t opcode) { return opcode >= 0x50 && opcode <= 0x7F; }

// Handles GOSSIP_SYN, GOSSIP_ACK2 or CLUSTER_INFO (FORWARD is retired: node.cc). On success
// appends the response to `out` and returns OK; otherwise appends nothing and returns the error to
// answer with:
//   kPermissionDenied  a node-to-node opcode from a session that is not a peer (auth on);
//   kNotImplemented    gossip without a cluster attached;
//   kBadRequest        a body that does not decode.
Status HandleClusterRequest(Node& node, const protocol::Frame& frame, bool peer, std::string* out);

// This node's view for CLUSTER_INFO: the gossiper's members, or, without a cluster, this node
// alone (normal, up, no address known, no tokens).
protocol::ClusterInfo BuildClusterInfo(const Node& node);

// cluster_members, cluster_members_up, gossip_* counters; nothing without a cluster.
void AppendClusterStats(const Node& node, std::vector<protocol::Stat>* stats);

}  // namespace memdb

#endif  // MEMDB_NODE_CLUSTER_HANDLERS_H_
