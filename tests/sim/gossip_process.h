// GossipProcess — the node software for the membership workload: what memdb's daemon runs for
// the cluster, minus the sockets. At every start it does what the daemon does at boot:
// cluster::Membership::Open on the node's disk (same id and tokens as before a restart, the
// generation bumped), a cluster::GossipDriver over the node's SimTransport, HybridClock and
// monotonic clock, the GOSSIP_SYN / GOSSIP_ACK2 handlers, and a gossip timer every interval
// starting at a random phase.
//
// Later workloads (replication, Paxos, counters) build a richer Process holding one of these
// (docs/simulator.md, "Adding a workload").
#ifndef MEMDB_TESTS_SIM_GOSSIP_PROCESS_H_
#define MEMDB_TESTS_SIM_GOSSIP_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/gossip_driver.h"
#include "cluster/membership.h"
#include "memdb/result.h"
#include "sim_node.h"

namespace memdb::sim {

struct GossipConfig {
  std::string cluster_name = "memdb-sim";
  std::vector<std::string> seeds;
  uint64_t interval_ms = 1000;
  uint32_t tokens_per_node = 16;
  double phi_threshold = 8.0;
};

class GossipProcess final : public Process {
 public:
  // Boots on `node` (which must be starting: inside SimNode::Start's boot callback).
  static Result<std::unique_ptr<GossipProcess>> Boot(SimNode& node, const GossipConfig& config);
  // A SimNode::Boot that runs a GossipProcess with `config`.
  static SimNode::Boot Booter(GossipConfig config);

  cluster::Membership* membership() override { return membership_.get(); }
  cluster::Gossiper& gossiper() { return membership_->gossiper(); }
  cluster::GossipDriver& driver() { return *driver_; }

 private:
  GossipProcess() = default;

  std::unique_ptr<cluster::Membership> membership_;
  std::unique_ptr<cluster::GossipDriver> driver_;
};

// The options Membership::Open gets for `config` on a node at `address`.
cluster::MembershipOptions MembershipOptionsFor(const GossipConfig& config,
                                                const std::string& address,
                                                const std::string& data_dir);

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_GOSSIP_PROCESS_H_
