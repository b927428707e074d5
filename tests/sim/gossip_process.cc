#include "gossip_process.h"

#include <utility>

#include "protocol/frame.h"

namespace memdb::sim {

cluster::MembershipOptions MembershipOptionsFor(const GossipConfig& config,
                                                const std::string& address,
                                                const std::string& data_dir) {
  cluster::MembershipOptions options;
  options.identity.data_dir = data_dir;
  options.identity.tokens_per_node = config.tokens_per_node;
  options.gossip.cluster_name = config.cluster_name;
  options.gossip.address = address;
  options.gossip.seeds = config.seeds;
  options.gossip.interval_ms = config.interval_ms;
  options.gossip.failure_detector.phi_threshold = config.phi_threshold;
  options.gossip.failure_detector.min_interval_ms = config.interval_ms;
  return options;
}

Result<std::unique_ptr<GossipProcess>> GossipProcess::Boot(SimNode& node,
                                                           const GossipConfig& config) {
  std::unique_ptr<GossipProcess> p(new GossipProcess());
  auto membership = cluster::Membership::Open(
      &node.disk(), MembershipOptionsFor(config, node.address(), node.options().data_dir),
      &node.random());
  if (!membership.ok()) return membership.status();
  p->membership_ = std::move(membership).value();
  p->driver_ = std::make_unique<cluster::GossipDriver>(p->membership_.get(), &node.transport(),
                                                       &node.hlc(), &node.monotonic_clock());
  cluster::GossipDriver* driver = p->driver_.get();
  node.Handle(static_cast<uint8_t>(protocol::Opcode::kGossipSyn),
              [driver](Timestamp, std::string_view body) {
                Reply reply;
                Result<std::string> ack = driver->HandleSyn(body);
                if (ack.ok()) {
                  reply.body = std::move(ack).value();
                } else {
                  reply.status = ack.status();
                }
                return reply;
              });
  node.Handle(static_cast<uint8_t>(protocol::Opcode::kGossipAck2),
              [driver](Timestamp, std::string_view body) {
                Reply reply;
                reply.status = driver->HandleAck2(body);
                return reply;
              });
  const uint64_t phase = node.random().Uniform(config.interval_ms);
  node.Every(phase, config.interval_ms, "gossip", [driver] { driver->OnTimer(); });
  return p;
}

SimNode::Boot GossipProcess::Booter(GossipConfig config) {
  return [config = std::move(config)](SimNode& node) -> Result<std::unique_ptr<Process>> {
    auto p = Boot(node, config);
    if (!p.ok()) return p.status();
    return std::unique_ptr<Process>(std::move(p).value());
  };
}

}  // namespace memdb::sim
