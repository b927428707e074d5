// The CLUSTER NODES / RING / INFO reports of memdb-cli: a ClusterView (the CLUSTER_INFO reply
// of the node the CLI is connected to) rendered for people, for --raw and for --json.
//
//   CLUSTER NODES  one row per node: id, address, status, up/down (as the answering node sees
//                  it), generation, heartbeat, keys held, token count, phi, catch-up ("catching
//                  up 42% (12/28 ranges, 5,120 records)" while the node catches up after a
//                  restart, "-" otherwise); the answering node is marked with '*'. --raw adds
//                  the catch-up phase, ranges done, ranges total and records applied after the
//                  self marker; --json a "catchup" object.
//   CLUSTER RING   the nodes whose tokens are in the ring, with their token count and the
//                  share of the 2^64 ring they own, largest share first;
//                  with --tokens, every token -> node, clockwise from 0.
//   CLUSTER INFO   cluster name, answering node, node count, up/down counts, ring version,
//                  total keys held.
//
// Pure: builds Replies; nothing here does I/O.
#ifndef MEMDB_CLIENTS_CLI_CLUSTER_REPORT_H_
#define MEMDB_CLIENTS_CLI_CLUSTER_REPORT_H_

#include <cstdint>
#include <vector>

#include "clients/cli/reply.h"
#include "memdb/cluster_info.h"
#include "memdb/version.h"

namespace memdb::cli {

Reply ClusterNodesReport(const ClusterView& view);
Reply ClusterRingReport(const ClusterView& view, bool list_tokens);
Reply ClusterInfoReport(const ClusterView& view);

// One ring member's share: how many of the ring's 2^64 positions its tokens own.
struct RingShare {
  NodeId node = 0;
  size_t tokens = 0;
  // Positions owned; a one-token ring owns all 2^64, which does not fit: `whole` says so.
  uint64_t positions = 0;
  bool whole = false;
  double percent = 0;
};
// The shares of the nodes in the ring built from `view` (cluster_routing.h: as the nodes build
// it), largest first, ties by node id.
std::vector<RingShare> RingShares(const ClusterView& view);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_CLUSTER_REPORT_H_
