#include "sim_cluster.h"

#include <utility>

namespace memdb::sim {

std::string NodeAddress(size_t index) { return "n" + std::to_string(index + 1) + ":7000"; }

namespace {
ClusterOptions WithSeeds(ClusterOptions options) {
  options.gossip.seeds.clear();
  for (uint32_t i = 0; i < options.seeds && i < options.nodes; ++i) {
    options.gossip.seeds.push_back(NodeAddress(i));
  }
  return options;
}
}  // namespace

SimCluster::SimCluster(uint64_t seed, ClusterOptions options)
    : world_(seed),
      options_(WithSeeds(std::move(options))),
      network_(&world_, world_.DeriveSeed(), options_.network),
      boot_(options_.boot ? options_.boot : GossipProcess::Booter(options_.gossip)),
      node_seeds_(world_.DeriveSeed()) {
  for (uint32_t i = 0; i < options_.nodes; ++i) AddNode();
}

size_t SimCluster::AddNode() {
  const size_t i = nodes_.size();
  NodeOptions node_options = options_.node;
  const uint64_t node_seed = node_seeds_.Next64();
  if (options_.max_clock_offset_ms > 0) {
    SeededRandom r(node_seed ^ 0x5bd1e995);
    node_options.clock_offset_ms =
        static_cast<int64_t>(r.Uniform(2 * options_.max_clock_offset_ms + 1)) -
        static_cast<int64_t>(options_.max_clock_offset_ms);
  }
  nodes_.push_back(std::make_unique<SimNode>(&world_, &network_, static_cast<uint32_t>(i + 1),
                                             NodeAddress(i), node_seed, node_options));
  identities_.emplace_back();
  return i;
}

Status SimCluster::Start(size_t i) {
  Status s = nodes_[i]->Start(boot_);
  if (!s.ok()) {
    violations_.push_back(nodes_[i]->name() + " failed to start (start " +
                          std::to_string(nodes_[i]->starts()) + "): " + s.ToString());
    return s;
  }
  const cluster::NodeIdentity& id = membership(i)->identity();
  IdentityRecord& record = identities_[i];
  if (record.id == 0) {
    record.id = id.id;
    record.tokens = id.tokens;
  } else {
    if (id.id != record.id) {
      violations_.push_back(nodes_[i]->name() + " restarted with id " + std::to_string(id.id) +
                            ", was " + std::to_string(record.id));
    }
    if (id.tokens != record.tokens) {
      violations_.push_back(nodes_[i]->name() + " restarted with different tokens");
    }
    if (id.generation <= record.generation) {
      violations_.push_back(nodes_[i]->name() + " restarted with generation " +
                            std::to_string(id.generation) + ", not above " +
                            std::to_string(record.generation));
    }
  }
  record.generation = id.generation;
  world_.Log(nodes_[i]->name() + " identity id=" + std::to_string(id.id) +
             " generation=" + std::to_string(id.generation));
  return s;
}

std::vector<size_t> SimCluster::LiveNodes() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (live(i)) out.push_back(i);
  }
  return out;
}

}  // namespace memdb::sim
