#include "node/cluster_handlers.h"

#include <string_view>

#include "node/node.h"
#include "protocol/codec.h"

namespace memdb {

using protocol::Frame;
using protocol::Opcode;

namespace {

// A success response whose body the driver already encoded.
void AppendRawResponse(std::string* out, uint8_t opcode, uint32_t request_id, Timestamp ts,
                       std::string_view body) {
  protocol::FrameHeader header;
  header.opcode = opcode;
  header.flags = protocol::kFlagResponse;
  header.request_id = request_id;
  header.timestamp = ts;
  protocol::FrameWriter w(out);
  w.Begin(header);
  w.PutRaw(body);
  w.Finish();
}

Status NoCluster(uint8_t opcode) {
  return Status(Code::kNotImplemented,
                std::string(protocol::OpcodeName(opcode)) + ": this node runs without a cluster");
}

}  // namespace

Status HandleClusterRequest(Node& node, const Frame& frame, bool peer, std::string* out) {
  const auto& h = frame.header;
  if (IsPeerOpcode(h.opcode) && !peer && node.options().auth_enabled) {
    return Status(Code::kPermissionDenied,
                  std::string(protocol::OpcodeName(h.opcode)) +
                      " is for the nodes of the cluster only (authenticate with the cluster key)");
  }
  cluster::GossipDriver* driver = node.cluster();
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kGossipSyn: {
      if (driver == nullptr) return NoCluster(h.opcode);
      Result<std::string> ack = driver->HandleSyn(frame.body);
      if (!ack.ok()) return ack.status();
      AppendRawResponse(out, h.opcode, h.request_id, node.clock().Current(), *ack);
      return Status::Ok();
    }
    case Opcode::kGossipAck2: {
      if (driver == nullptr) return NoCluster(h.opcode);
      if (Status s = driver->HandleAck2(frame.body); !s.ok()) return s;
      protocol::AppendEmptyResponse(out, Opcode::kGossipAck2, h.request_id, node.clock().Current());
      return Status::Ok();
    }
    case Opcode::kClusterInfo: {
      if (Status s = protocol::ParseClusterInfoRequest(frame.body); !s.ok()) return s;
      protocol::AppendClusterInfoResponse(out, h.request_id, node.clock().Current(),
                                          BuildClusterInfo(node));
      return Status::Ok();
    }
    default:
      return Status(Code::kUnknownOpcode, "opcode " + std::string(protocol::OpcodeName(h.opcode)) +
                                              " is not supported by this server");
  }
}

protocol::ClusterInfo BuildClusterInfo(const Node& node) {
  protocol::ClusterInfo info;
  cluster::GossipDriver* driver = node.cluster();
  if (driver == nullptr) {
    info.cluster_name = "memdb";
    info.self_id = node.options().node_id;
    protocol::ClusterNodeInfo self;
    self.id = node.options().node_id;
    self.status = NodeStatus::kNormal;
    self.up = true;
    self.keys_held = node.store().stats().entries - node.store().stats().tombstones;
    info.nodes.push_back(std::move(self));
    return info;
  }
  const cluster::Gossiper& gossiper = driver->membership().gossiper();
  info.cluster_name = gossiper.options().cluster_name;
  info.self_id = gossiper.self_id();
  info.ring_version = gossiper.ring_version();
  for (const cluster::MemberView& view : gossiper.Members(node.monotonic()->NowMillis())) {
    protocol::ClusterNodeInfo n;
    const cluster::MemberState& m = view.state;
    n.id = m.id;
    n.address = m.address.value;
    n.status = m.status.value;
    n.up = view.up;
    n.phi_milli = protocol::PhiToMilli(view.phi);
    n.generation = m.generation;
    n.heartbeat = m.heartbeat;
    n.keys_held = m.keys_held.value;
    n.tokens.assign(m.tokens.value.begin(), m.tokens.value.end());
    n.catchup = m.catchup.value;
    info.nodes.push_back(std::move(n));
  }
  return info;
}

void AppendClusterStats(const Node& node, std::vector<protocol::Stat>* stats) {
  cluster::GossipDriver* driver = node.cluster();
  if (driver == nullptr) return;
  const cluster::Gossiper& gossiper = driver->membership().gossiper();
  uint64_t members = 0;
  uint64_t up = 0;
  for (const cluster::MemberView& view : gossiper.Members(node.monotonic()->NowMillis())) {
    ++members;
    if (view.up) ++up;
  }
  const cluster::GossipCounters& c = driver->counters();
  stats->insert(stats->end(), {
                                  {"cluster_members", members},
                                  {"cluster_members_up", up},
                                  {"cluster_generation", gossiper.self().generation},
                                  {"cluster_ring_version", gossiper.ring_version()},
                                  {"gossip_rounds", c.rounds},
                                  {"gossip_syns_sent", c.syns_sent},
                                  {"gossip_exchanges_completed", c.exchanges_completed},
                                  {"gossip_send_failures", c.send_failures},
                                  {"gossip_bad_messages", c.bad_messages},
                                  {"gossip_foreign_cluster", c.foreign_cluster},
                                  {"gossip_bytes_sent", c.bytes_sent},
                                  {"gossip_bytes_received", c.bytes_received},
                              });
}

}  // namespace memdb
