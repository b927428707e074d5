// SimCluster — N SimNodes running GossipProcess on one World and Network, addressed
// "n1:7000", "n2:7000", ...; the first `seeds` nodes are the seed list (docs/simulator.md).
//
// It is the handle scenarios and the nemesis use: start/crash/restart/pause/resume a node,
// add a node (a join), read each node's view. It also checks the identity part of invariant
// (3) at every start: a restarted node must come back with the id and tokens of its first
// start and a higher generation (violations() collects what broke).
#ifndef MEMDB_TESTS_SIM_SIM_CLUSTER_H_
#define MEMDB_TESTS_SIM_SIM_CLUSTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/ring.h"
#include "gossip_process.h"
#include "network.h"
#include "sim_node.h"
#include "world.h"

namespace memdb::sim {

struct ClusterOptions {
  uint32_t nodes = 5;
  uint32_t seeds = 1;   // the first `seeds` nodes
  GossipConfig gossip;  // gossip.seeds is filled in from `seeds`
  NodeOptions node;
  NetworkConditions network;  // initial conditions
  // What runs on each node; empty: GossipProcess::Booter(gossip).
  SimNode::Boot boot;
  uint64_t max_clock_offset_ms = 50;  // each node's wall clock is off by up to this, either way
};

// What a node's first start chose, and its latest generation.
struct IdentityRecord {
  NodeId id = 0;
  std::vector<Token> tokens;
  uint64_t generation = 0;
};

class SimCluster {
 public:
  SimCluster(uint64_t seed, ClusterOptions options);

  World& world() { return world_; }
  Network& network() { return network_; }
  const ClusterOptions& options() const { return options_; }
  size_t size() const { return nodes_.size(); }
  SimNode& node(size_t i) { return *nodes_[i]; }
  // The node's GossipProcess, or nullptr when it is not running.
  GossipProcess* gossip(size_t i) { return nodes_[i]->process_as<GossipProcess>(); }
  // The node's membership (any process that runs one), or nullptr when it is not running.
  cluster::Membership* membership(size_t i) {
    Process* p = nodes_[i]->process();
    return p != nullptr ? p->membership() : nullptr;
  }
  const IdentityRecord& identity(size_t i) const { return identities_[i]; }

  // ---- lifecycle and faults (index is 0-based) ----
  Status Start(size_t i);  // first start or restart
  void Crash(size_t i) { nodes_[i]->Crash(); }
  void Pause(size_t i) { nodes_[i]->Pause(); }
  void Resume(size_t i) { nodes_[i]->Resume(); }
  // Adds a node that is not a seed (not started); returns its index.
  size_t AddNode();

  // Running and not paused.
  bool live(size_t i) const { return nodes_[i]->running() && !nodes_[i]->paused(); }
  std::vector<size_t> LiveNodes() const;

  // Problems found at starts (invariant 3, identity part); empty when none.
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  World world_;
  ClusterOptions options_;
  Network network_;
  SimNode::Boot boot_;
  SeededRandom node_seeds_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<IdentityRecord> identities_;
  std::vector<std::string> violations_;
};

std::string NodeAddress(size_t index);  // 0-based index -> "n<index+1>:7000"

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_SIM_CLUSTER_H_
