// SimTransport — cluster::PeerTransport over the simulated Network, one per node incarnation
// (a restart builds a new one). It keeps the PeerTransport contract (peer_transport.h):
//   - `done` runs exactly once per Send, always from a later event, never inside Send;
//   - the first reply copy to arrive completes the request (its status, timestamp and body);
//     later copies (duplicates, or replies after the timeout) are traced and ignored;
//   - no reply within `timeout_ms` (request or reply lost, peer down, paused or partitioned
//     away) -> kTimeout;
//   - an address no node has -> kConnectionFailed, at the next event.
// Destroying it (the node crashed) forgets the pending requests without calling them: the
// process they belonged to is gone.
#ifndef MEMDB_TESTS_SIM_SIM_TRANSPORT_H_
#define MEMDB_TESTS_SIM_SIM_TRANSPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cluster/peer_transport.h"
#include "network.h"
#include "world.h"

namespace memdb::sim {

class SimTransport final : public cluster::PeerTransport {
 public:
  SimTransport(World* world, Network* network, Network::EndpointId self, OwnerId owner,
               uint64_t timeout_ms);
  ~SimTransport() override;

  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t timeout_ms, Done done) override;

  size_t pending() const { return pending_.size(); }
  uint64_t timeouts() const { return timeouts_; }

 private:
  void Complete(uint64_t id, const cluster::PeerResponse& response);

  World* world_;
  Network* network_;
  Network::EndpointId self_;
  OwnerId owner_;
  uint64_t timeout_ms_;
  uint64_t next_id_ = 1;
  uint64_t timeouts_ = 0;
  std::map<uint64_t, Done> pending_;
  // Cleared on destruction: events that outlive this transport see it and do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_SIM_TRANSPORT_H_
