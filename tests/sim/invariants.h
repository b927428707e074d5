// Invariants — predicates over a SimCluster's node views, for scenarios to wait on with
// World::RunUntilTrue and to report when they do not hold by their bound
// (docs/simulator.md, "Invariants"). Each returns true when it holds, else false and a
// one-line reason in *why naming the nodes involved.
//
// "Live" nodes are running and not paused (SimCluster::LiveNodes).
#ifndef MEMDB_TESTS_SIM_INVARIANTS_H_
#define MEMDB_TESTS_SIM_INVARIANTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim_cluster.h"

namespace memdb::sim {

// (1) Every live node has the same membership — the same members with the same generation,
// address, status and tokens (heartbeats and load figures may differ) — and the same ring;
// every live node is in it and, if `require_normal`, every live node is normal.
bool MembershipConverged(SimCluster& cluster, bool require_normal, std::string* why);

// Every live node sees every other live node up.
bool LiveNodesSeeEachOtherUp(SimCluster& cluster, std::string* why);

// (2) Every live node that knows node `down` (by its recorded id) sees it down.
bool AllSeeDown(SimCluster& cluster, size_t down, std::string* why);

// (3) Every live node knows node `node` with its recorded id, tokens and current generation,
// and sees it up.
bool AllSeeRejoined(SimCluster& cluster, size_t node, std::string* why);

// Counts the live nodes that know node id `id` with exactly `tokens` (used by the scale
// scenario: has a joining node's ring entry reached everyone?).
size_t NodesKnowing(SimCluster& cluster, NodeId id, const std::vector<Token>& tokens,
                    bool require_normal);

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_INVARIANTS_H_
