#include "sim_transport.h"

#include <utility>

namespace memdb::sim {

SimTransport::SimTransport(World* world, Network* network, Network::EndpointId self, OwnerId owner,
                           uint64_t timeout_ms)
    : world_(world), network_(network), self_(self), owner_(owner), timeout_ms_(timeout_ms) {}

SimTransport::~SimTransport() { *alive_ = false; }

void SimTransport::Send(const std::string& address, uint8_t opcode, Timestamp timestamp,
                        std::string body, uint32_t timeout_ms, Done done) {
  const uint64_t id = next_id_++;
  pending_.emplace(id, std::move(done));
  std::weak_ptr<bool> alive = alive_;
  Network::EndpointId to;
  if (!network_->Lookup(address, &to)) {
    world_->Log(world_->OwnerName(owner_) + " connect-failed " + address);
    world_->After(0, owner_, "connect-failed", [this, alive, id, address] {
      if (alive.expired()) return;
      Status refused(Code::kConnectionFailed, address + ": no such node");
      Complete(id, cluster::PeerResponse{refused, 0, {}});
    });
    return;
  }
  world_->After(timeout_ms != 0 ? timeout_ms : timeout_ms_, owner_, "timeout", [this, alive, id] {
    if (alive.expired() || pending_.count(id) == 0) return;
    ++timeouts_;
    world_->Log(world_->OwnerName(owner_) + " timeout #" + std::to_string(id));
    Complete(id, cluster::PeerResponse{Status(Code::kTimeout, "no reply"), 0, {}});
  });
  network_->SendRequest(
      self_, to, opcode, timestamp, std::move(body), id, [this, alive, id](const Reply& reply) {
        if (alive.expired()) return;
        if (pending_.count(id) == 0) {
          world_->Log(world_->OwnerName(owner_) + " ignore reply #" + std::to_string(id));
          return;
        }
        Complete(id, cluster::PeerResponse{reply.status, reply.timestamp, reply.body});
      });
}

void SimTransport::Complete(uint64_t id, const cluster::PeerResponse& response) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Done done = std::move(it->second);
  pending_.erase(it);
  done(response);
}

}  // namespace memdb::sim
